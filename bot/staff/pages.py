"""Rendering dashboard pages: templates, headers, errors and redirects.

Every dashboard page gets its own Content-Security-Policy (no inline script or style, nothing
from another origin), ``Cache-Control: no-store`` (petitions hold personal data and tablets are
shared) and is rendered by Jinja2 with autoescape on — citizen text is never marked safe.
"""

from __future__ import annotations

import re
import urllib.parse
from pathlib import Path
from typing import Any

import aiohttp_jinja2
import jinja2
from aiohttp import web

from bot.staff.config import config
from bot.staff.dates import fmt_date, fmt_datetime, fmt_day
from bot.staff.forms import vn_int
from bot.staff.labels import Labels

PREFIX = "/staff"
TEMPLATES_DIR = Path(__file__).parent / "templates"
STATIC_DIR = Path(__file__).parent / "static"
STAFF_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)
JINJA: web.AppKey[jinja2.Environment] = web.AppKey("staff_jinja")


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


MAX_NEXT = 1000
_NEXT_RE = re.compile(re.escape(PREFIX) + r"/[A-Za-z0-9._~%/-]*(?:\?[A-Za-z0-9._~%=&+,:-]*)?")


def safe_next(value: str | None) -> str:
    """Only a plain dashboard path may follow the login (no open redirect, no header tricks):
    ``/staff/`` then path characters, an optional plain query string, nothing else — no control
    or non-ASCII character, no backslash, no ``//`` and no ``..`` segment."""
    if value and len(value) <= MAX_NEXT and _NEXT_RE.fullmatch(value):
        path = value.split("?", 1)[0]
        if "//" not in path and ".." not in path.split("/"):
            return value
    return PREFIX + "/petitions"


def query_string(params: dict[str, Any], **changes: Any) -> str:
    merged = {**params, **changes}
    clean = {k: v for k, v in merged.items() if v not in (None, "")}
    return urllib.parse.urlencode(clean)


def sentence(text: str) -> str:
    """Capitalise the first letter only ('capitalize' would turn HĐND into hđnd)."""
    return text[:1].upper() + text[1:]


def jinja_env(app: web.Application, labels: Labels) -> jinja2.Environment:
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
        dmy=fmt_day,
        vn_datetime=fmt_datetime,
        status_label=labels.status_label,
        qs=query_string,
        sentence=sentence,
        vn_int=vn_int,
    )
    env.globals.update(
        PREFIX=PREFIX,
        STATUS_LABELS=labels.status,
        INTAKE_CHANNELS=labels.channels,
        REJECTION_REASONS=labels.reasons,
    )
    return env
