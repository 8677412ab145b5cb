"""Reading what a staff member submitted: the form, within limits, with a message per problem."""

from __future__ import annotations

import urllib.parse

from aiohttp import web
from multidict import MultiDict

from handlers.workflow import MAX_NOTE

MAX_FORM_BYTES = 4 * 1024 * 1024  # read, then refused field by field with a clear message
MAX_FIELD = 20_000  # no dashboard field needs more; notes are capped lower by the workflow


class BadInput(Exception):
    """Input a staff member can fix; ``message`` is Vietnamese."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


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


async def read_form(
    request: web.Request, limit: int = MAX_FORM_BYTES, max_fields: int = 500
) -> MultiDict[str]:
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
            text, keep_blank_values=True, strict_parsing=False, max_num_fields=max_fields
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
    return field(form, name, limit=MAX_NOTE, label=label)
