"""A form with a file (the UBND's written answer): multipart read within limits, the file checked
by its content off the event loop, and a clear Vietnamese message for anything refused.

The dashboard's other forms stay urlencoded (``forms.read_form``); only the answer form and the
staff API's ``/events`` accept ``multipart/form-data``.
"""

from __future__ import annotations

import asyncio
import hashlib
import urllib.parse
from typing import Any

from aiohttp import BodyPartReader, web
from multidict import MultiDict

from bot.staff.forms import MAX_FORM_BYTES, BadInput
from handlers.texts import Texts
from handlers.texts.uploads import UploadTexts
from handlers.uploads import (
    ANSWER_DOCUMENT_KINDS,
    MAX_UPLOAD_BYTES,
    UploadError,
    check_upload,
    safe_name,
)
from handlers.workflow import AnswerDocument

MAX_REQUEST_BYTES = 64 * 1024 * 1024  # beyond this the request is cut off unread (413)
FILE_FIELD = "document"
Files = dict[str, tuple[str, bytes, int]]  # field → (file name, first bytes, full size)


def is_multipart(request: web.Request) -> bool:
    return request.content_type == "multipart/form-data"


async def read_multipart(request: web.Request) -> tuple[MultiDict[str], Files]:
    """Text fields and the files of a multipart form. A file's bytes are kept up to one past
    the limit and its full size counted, so a 30 MB file is refused saying it is 30 MB."""
    if request.content_length is not None and request.content_length > MAX_REQUEST_BYTES:
        raise web.HTTPRequestEntityTooLarge(max_size=MAX_REQUEST_BYTES, actual_size=0)
    fields: MultiDict[str] = MultiDict()
    files: Files = {}
    text_bytes = 0
    try:
        reader = await request.multipart()
        while (part := await reader.next()) is not None:
            if not isinstance(part, BodyPartReader) or not part.name:
                continue
            if part.filename is not None:
                kept, size = bytearray(), 0
                while chunk := await part.read_chunk(256 * 1024):
                    size += len(chunk)
                    if size > MAX_REQUEST_BYTES:
                        raise web.HTTPRequestEntityTooLarge(
                            max_size=MAX_REQUEST_BYTES, actual_size=size
                        )
                    if len(kept) <= MAX_UPLOAD_BYTES:
                        kept += chunk[: MAX_UPLOAD_BYTES + 1 - len(kept)]
                if size:
                    name = urllib.parse.unquote(part.filename)  # some clients %-encode it
                    files[part.name] = (name, bytes(kept), size)
                continue
            value = await part.read(decode=True)
            text_bytes += len(value)
            if text_bytes > MAX_FORM_BYTES:
                raise web.HTTPRequestEntityTooLarge(max_size=MAX_FORM_BYTES, actual_size=0)
            fields.add(part.name, value.decode(part.get_charset("utf-8")))
    except (ValueError, UnicodeDecodeError, LookupError, AssertionError):
        raise BadInput("Biểu mẫu gửi lên không đọc được.") from None
    return fields, files


def fields_as_body(
    fields: MultiDict[str], strings: tuple[str, ...], flags: tuple[str, ...]
) -> dict[str, Any]:
    """A multipart form's text fields as the JSON body would carry them."""
    body: dict[str, Any] = {k: fields.get(k) for k in strings if k in fields}
    if fields.get("version"):
        if not fields["version"].isdigit() or len(fields["version"]) > 9:
            raise BadInput("«version» phải là số nguyên.")
        body["version"] = int(fields["version"])
    for name in flags:
        if name in fields:
            value = fields[name].strip().lower()
            if value not in ("true", "false", "1", "0"):
                raise BadInput(f"«{name}» phải là true hoặc false.")
            body[name] = value in ("true", "1")
    return body


def _check(data: bytes, name: str, texts: UploadTexts) -> AnswerDocument:
    kind = check_upload(data, texts, allowed=ANSWER_DOCUMENT_KINDS)
    return AnswerDocument(
        data=data,
        kind=kind.name,
        mime=kind.mime,
        name=safe_name(name, kind, "van-ban-tra-loi"),
        sha256=hashlib.sha256(data).hexdigest(),
    )


async def answer_document(files: Files, texts: Texts) -> AnswerDocument | None:
    """The attached answer document, checked by its content in a thread; BadInput if refused."""
    found = files.get(FILE_FIELD)
    if found is None:
        return None
    name, data, size = found
    t = UploadTexts.of(texts)
    try:
        if size > MAX_UPLOAD_BYTES:
            raise UploadError(t.too_large(size=_megabytes(size), max=_megabytes(MAX_UPLOAD_BYTES)))
        return await asyncio.to_thread(_check, data, name, t)
    except UploadError as err:
        raise BadInput(err.message + " Không có gì được thay đổi.") from None


def _megabytes(size: int) -> str:
    return f"{size / 1024 / 1024:.1f}".replace(".", ",")
