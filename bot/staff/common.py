"""Shared plumbing for dashboard pages: rendering, headers, forms, dates, errors.

Every dashboard page gets its own Content-Security-Policy (no inline script or style, nothing
from another origin), ``Cache-Control: no-store`` (petitions hold personal data and tablets are
shared) and is rendered by Jinja2 with autoescape on — citizen text is never marked safe.
"""

from __future__ import annotations

import datetime as dt
import urllib.parse
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp_jinja2
import jinja2
from aiohttp import web
from multidict import MultiDict

from bot.runtime import Runtime
from handlers.petitions import calendar, lifecycle

PREFIX = "/staff"
TEMPLATES_DIR = Path(__file__).parent / "templates"
STATIC_DIR = Path(__file__).parent / "static"

STAFF_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)
MAX_FORM_BYTES = 4 * 1024 * 1024  # read, then refused field by field with a clear message
MAX_FIELD = 20_000  # no dashboard field needs more; notes are capped lower by the lifecycle

JINJA: web.AppKey[jinja2.Environment] = web.AppKey("staff_jinja")
CONFIG: web.AppKey[StaffConfig] = web.AppKey("staff_config")


@dataclass(frozen=True)
class StaffConfig:
    """Dashboard settings (optional env vars, see docs/staff.md)."""

    runtime: Runtime
    idle: dt.timedelta
    absolute: dt.timedelta
    max_failures: int
    max_failures_per_ip: int
    lockout_window: dt.timedelta
    cookie_secure: bool | None
    max_failures_per_account: int = 100
    trusted_proxies: tuple[Any, ...] = ()  # ip networks whose X-Forwarded-For is believed

    def now(self) -> dt.datetime:
        return self.runtime.clock()


def config(request: web.Request) -> StaffConfig:
    return request.config_dict[CONFIG]


class BadInput(Exception):
    """Input a staff member can fix; ``message`` is Vietnamese."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


# --- dates --------------------------------------------------------------------------------


def parse_date(value: str, what: str = "Ngày") -> dt.date | None:
    """'2026-12-01' (date inputs) or '01/12/2026' (typed); '' is None; else BadInput."""
    text = (value or "").strip()
    if not text:
        return None
    for fmt in ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y"):
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    shown = text if len(text) <= 40 else text[:40] + "…"
    raise BadInput(
        f"{what} «{shown}» không hợp lệ. Hãy nhập theo dạng ngày/tháng/năm, ví dụ 25/12/2026."
    )


def vn_midnight(day: dt.date) -> dt.datetime:
    """The UTC instant at which ``day`` starts in Vietnam."""
    return dt.datetime.combine(day, dt.time(0), tzinfo=calendar.VN_TZ).astimezone(dt.UTC)


fmt_date = calendar.vn_date  # the one dd/mm/yyyy, the same as in chat


def fmt_datetime(value: dt.datetime | None) -> str:
    if value is None:
        return ""
    return value.astimezone(calendar.VN_TZ).strftime("%H:%M %d/%m/%Y")


def iso_date(value: dt.date | None) -> str:
    return value.isoformat() if value else ""


# --- forms --------------------------------------------------------------------------------


async def read_body(request: web.Request, limit: int) -> bytes:
    """The whole request body, up to ``limit`` bytes (one ``read(n)`` may return less)."""
    chunks: list[bytes] = []
    total = 0
    while True:
        chunk = await request.content.read(64 * 1024)
        if not chunk:
            break
        total += len(chunk)
        if total > limit:
            raise web.HTTPRequestEntityTooLarge(max_size=limit, actual_size=total)
        chunks.append(chunk)
    return b"".join(chunks)


async def read_form(request: web.Request, limit: int = MAX_FORM_BYTES) -> MultiDict[str]:
    """The urlencoded form, read past aiohttp's 1 MiB cap so an oversized note gets a clear
    message instead of a bare 413; multipart is refused (the dashboard uploads nothing).

    Only signed-in members get the large ``limit`` (``auth.page`` checks the session before
    reading); the sign-in form, open to anyone, passes a small one."""
    if request.content_length is not None and request.content_length > limit:
        raise web.HTTPRequestEntityTooLarge(max_size=limit, actual_size=0)
    ctype = request.content_type
    if ctype not in ("application/x-www-form-urlencoded", ""):
        raise BadInput("Biểu mẫu gửi lên không đúng định dạng.")
    raw = await read_body(request, limit)
    try:
        text = raw.decode("utf-8")
        pairs = urllib.parse.parse_qsl(
            text, keep_blank_values=True, strict_parsing=False, max_num_fields=500
        )
    except (UnicodeDecodeError, ValueError):
        raise BadInput("Biểu mẫu gửi lên không đọc được.") from None
    return MultiDict(pairs)


def vn_int(number: int) -> str:
    """12345 → '12.345' (Vietnamese thousands separator)."""
    return f"{number:,}".replace(",", ".")


def field(form: MultiDict[str], name: str, *, limit: int = MAX_FIELD, label: str = "") -> str:
    """A stripped text field, refused when longer than ``limit`` characters."""
    value = form.get(name, "")
    if len(value) > limit:
        what = label or "Nội dung"
        raise BadInput(
            f"{what} dài quá {vn_int(limit)} ký tự (đang có {vn_int(len(value))}). "
            "Không có gì được thay đổi."
        )
    return value.strip()


def note_field(form: MultiDict[str], name: str, label: str) -> str:
    return field(form, name, limit=lifecycle.MAX_NOTE, label=label)


# --- responses ----------------------------------------------------------------------------


def secure_headers(response: web.StreamResponse) -> web.StreamResponse:
    response.headers["Content-Security-Policy"] = STAFF_CSP
    response.headers["Cache-Control"] = "no-store"
    return response


def render(
    request: web.Request, template: str, context: dict[str, Any], *, status: int = 200
) -> web.Response:
    ctx = dict(context)
    ctx.setdefault("user", request.get("staff_user"))
    ctx.setdefault("profile", config(request).runtime.profile)
    ctx.setdefault("path", request.path)
    response = aiohttp_jinja2.render_template(template, request, ctx, app_key=JINJA, status=status)
    secure_headers(response)
    return response


def error_page(request: web.Request, status: int, title: str, message: str) -> web.Response:
    return render(request, "error.html", {"title": title, "message": message}, status=status)


def forbidden(request: web.Request, message: str = "") -> web.Response:
    return error_page(
        request,
        403,
        "Không có quyền truy cập",
        message
        or "Tài khoản của bạn không được phép dùng chức năng này. "
        "Nếu cần, hãy liên hệ người quản trị hệ thống của xã.",
    )


def redirect(location: str, status: int = 303) -> web.Response:
    response = web.Response(status=status, headers={"Location": location})
    return secure_headers(response)


def safe_next(value: str | None) -> str:
    """Only a dashboard path may follow the login (no open redirect)."""
    if (
        value
        and value.startswith(PREFIX + "/")
        and not value.startswith("//")
        and "\\" not in value
        and "\n" not in value
        and "\r" not in value
    ):
        return value
    return PREFIX + "/petitions"


def is_https(request: web.Request) -> bool:
    forwarded = request.headers.get("X-Forwarded-Proto", "").split(",")[0].strip().lower()
    return request.secure or forwarded == "https"


def cookie_secure(request: web.Request) -> bool:
    setting = config(request).cookie_secure
    return setting if setting is not None else is_https(request)


def query_string(params: dict[str, Any], **changes: Any) -> str:
    merged = {**params, **changes}
    clean = {k: v for k, v in merged.items() if v not in (None, "")}
    return urllib.parse.urlencode(clean)


def sentence(text: str) -> str:
    """Capitalise the first letter only ('capitalize' would turn HĐND into hđnd)."""
    return text[:1].upper() + text[1:]


def jinja_env(app: web.Application) -> jinja2.Environment:
    env = aiohttp_jinja2.setup(
        app,
        app_key=JINJA,
        loader=jinja2.FileSystemLoader(str(TEMPLATES_DIR)),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(
        vn_date=fmt_date,
        vn_datetime=fmt_datetime,
        status_label=lifecycle.status_label,
        qs=query_string,
        sentence=sentence,
        vn_int=vn_int,
    )
    env.globals.update(
        PREFIX=PREFIX,
        STATUS_LABELS=lifecycle.STATUS_LABELS,
        INTAKE_CHANNELS=lifecycle.INTAKE_CHANNELS,
        REJECTION_REASONS=lifecycle.REJECTION_REASONS,
    )
    return env
