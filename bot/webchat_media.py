"""What the web chat sends besides text: photos, the browser's location, the citizen's contact.

- ``POST /api/chat/upload`` (multipart: ``user_id``, ``file``): a photo from the camera or the
  gallery. JPEG, PNG, HEIC or WebP, at most 10 MB, the type read from the content
  (``handlers.uploads``), location metadata removed (``handlers.image_meta``, in a thread), then
  stored (``storage.files``) and handed to the engine as the citizen's photo — the same path as a
  photo sent on Telegram or Zalo. A refusal is a 400/413 with a Vietnamese reason; nothing stored.
- ``POST /api/chat`` with ``location: {latitude, longitude}`` (after the citizen taps "share my
  location" and the browser asks them) or ``contact: {name, phone}`` (the contact step's form) —
  read by ``inbound_extras`` for ``bot.webchat``.
"""

from __future__ import annotations

import asyncio
import json
import math
import re
from typing import Any

from aiohttp import BodyPartReader, web

from bot.keys import RUNTIME
from bot.runtime import WEB, WEB_CHANNEL
from handlers.image_meta import strip_location
from handlers.texts.uploads import UploadTexts
from handlers.types import Attachment, Contact, Inbound, Location
from handlers.uploads import MAX_UPLOAD_BYTES, PHOTO_KINDS, UploadError, check_upload, safe_name
from storage import files

CHUNK = 64 * 1024
USER_ID_RE = re.compile(r"^[A-Za-z0-9_.:\-]{1,64}$")  # as bot.webchat
USER_FIELD_MAX = 64


class ExtraError(ValueError):
    """A location or contact the page sent that cannot be read."""


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return float(value) if math.isfinite(value) else None


def inbound_extras(body: dict[str, Any]) -> dict[str, Any]:
    """``location`` / ``contact`` of a /api/chat body as Inbound fields; ExtraError if bad."""
    extras: dict[str, Any] = {}
    place = body.get("location")
    if place is not None:
        lat = _number(place.get("latitude")) if isinstance(place, dict) else None
        lon = _number(place.get("longitude")) if isinstance(place, dict) else None
        if lat is None or lon is None or not (-90 <= lat <= 90 and -180 <= lon <= 180):
            raise ExtraError('"location" cần latitude (-90…90) và longitude (-180…180).')
        extras["location"] = Location(latitude=lat, longitude=lon)
    contact = body.get("contact")
    if contact is not None:
        phone = contact.get("phone") if isinstance(contact, dict) else None
        name = contact.get("name") if isinstance(contact, dict) else None
        if not isinstance(phone, str) or not phone.strip() or len(phone) > 30:
            raise ExtraError('"contact" cần "phone" (chuỗi ngắn).')
        if name is not None and (not isinstance(name, str) or len(name) > 200):
            raise ExtraError('"contact.name" phải là chuỗi ngắn.')
        extras["contact"] = Contact(phone=phone.strip(), name=(name or "").strip() or None)
        extras["meta"] = {"own_contact": True}
    return extras


def _bad(message: str, status: int = 400) -> web.Response:
    return web.json_response({"error": message}, status=status, dumps=_dumps)


def _dumps(data: object) -> str:
    return json.dumps(data, ensure_ascii=False)


async def _read_part(part: BodyPartReader, limit: int) -> bytes | None:
    """The part's bytes, or None once it exceeds ``limit`` (the rest is not read)."""
    data = bytearray()
    while True:
        chunk = await part.read_chunk(CHUNK)
        if not chunk:
            return bytes(data)
        data += chunk
        if len(data) > limit:
            return None


async def upload(request: web.Request) -> web.Response:
    """A photo from the web chat (see module docstring)."""
    runtime = request.app[RUNTIME]
    texts = UploadTexts.of(runtime.texts)
    if not request.content_type.startswith("multipart/"):
        return _bad("Cần gửi ảnh dạng multipart/form-data (user_id, file).")
    user_id, data, name = "", None, ""
    try:
        reader = await request.multipart()
        async for part in reader:
            if not isinstance(part, BodyPartReader):
                continue
            if part.name == "user_id":
                raw = await _read_part(part, USER_FIELD_MAX)
                user_id = raw.decode("utf-8", "replace") if raw else ""
            elif part.name == "file":
                name = part.filename or ""
                data = await _read_part(part, MAX_UPLOAD_BYTES)
                if data is None:
                    return _bad(texts.too_large(size="hơn 10", max="10"), 413)
    except ValueError:
        return _bad("Không đọc được tệp gửi lên.")
    if not USER_ID_RE.match(user_id):
        return _bad("user_id phải là chuỗi 1–64 ký tự (chữ, số, - _ . :).")
    if data is None:
        return _bad(texts.empty())
    try:
        kind = check_upload(data, texts, allowed=PHOTO_KINDS)
    except UploadError as err:
        return _bad(err.message, 413 if len(data) > MAX_UPLOAD_BYTES else 400)
    clean = await asyncio.to_thread(strip_location, data, kind.name)
    async with runtime.db.write() as session:
        stored = await files.save_file(
            session,
            commune_id=runtime.profile.id,
            data=clean,
            kind=kind.name,
            mime=kind.mime,
            name=safe_name(name, kind, "anh"),
            source="web",
            now=runtime.clock(),
        )
        ref = files.file_ref(stored.id)
    result = await runtime.engine.handle(
        Inbound(
            channel=WEB_CHANNEL,
            user_key=user_id,
            attachments=(Attachment(kind="photo", ref=ref, mime=kind.mime, size=len(clean)),),
            capabilities=WEB,
        )
    )
    return web.json_response({"replies": [r.to_dict() for r in result.replies]}, dumps=_dumps)


def setup(app: web.Application) -> None:
    app.router.add_post("/api/chat/upload", upload)
