"""The web chat channel: a page at ``/`` and a small JSON API (CONTRACTS.md).

The page needs no build step: one HTML file, one script, one stylesheet. A browser keeps a random
user id in localStorage; that id is the web identity. Replies come back in the POST response;
later messages (status updates on a petition) are fetched from ``/api/chat/messages``.
"""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

from aiohttp import web

from bot import webchat_media
from bot.integers import parse_int
from bot.keys import RUNTIME
from bot.runtime import WEB, WEB_CHANNEL
from bot.webchat_media import ExtraError, inbound_extras
from handlers.types import Inbound
from storage import outbox

STATIC_DIR = Path(__file__).parent / "static"
# An id is a conversation's only key, so it must be hard to guess (the page makes 128 random
# bits) and matched whole: with ``match`` and ``$`` a trailing newline would pass as another id.
USER_ID_RE = re.compile(r"[A-Za-z0-9_.:\-]{22,64}")
MESSAGE_ID_RE = re.compile(r"[A-Za-z0-9_.:\-]{22,64}")
MAX_TEXT = 50_000
MAX_PAYLOAD = 300
MAX_BODY = 256 * 1024
CHAT_TEMPLATE = (STATIC_DIR / "chat.html").read_text(encoding="utf-8")
CHAT_CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
)


def _json(data: object, status: int = 200) -> web.Response:
    """JSON with Vietnamese left readable (UTF-8), not \\u-escaped."""
    return web.json_response(data, status=status, dumps=_dumps)


def _dumps(data: object) -> str:
    return json.dumps(data, ensure_ascii=False)


def _bad(message: str, status: int = 400) -> web.Response:
    return _json({"error": message}, status=status)


async def chat_page(request: web.Request) -> web.StreamResponse:
    """The chat page, with the commune's name filled in (escaped)."""
    runtime = request.app[RUNTIME]
    page = CHAT_TEMPLATE.replace("{{commune}}", html.escape(runtime.profile.name))
    return web.Response(
        text=page,
        content_type="text/html",
        headers={"Cache-Control": "no-cache", "Content-Security-Policy": CHAT_CSP},
    )


async def post_chat(request: web.Request) -> web.Response:
    """One citizen message in, the bot's replies out."""
    if request.content_length is not None and request.content_length > MAX_BODY:
        return _bad("Nội dung gửi lên quá lớn.", 413)
    try:
        raw = await request.read()  # bounded by the application's client_max_size
        if len(raw) > MAX_BODY:
            return _bad("Nội dung gửi lên quá lớn.", 413)
        body = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        return _bad('Cần gửi JSON hợp lệ: {"user_id": "…", "text": "…"}.')
    if not isinstance(body, dict):
        return _bad("Cần gửi một đối tượng JSON.")
    user_id = body.get("user_id")
    if not isinstance(user_id, str) or not USER_ID_RE.fullmatch(user_id):
        return _bad("user_id phải là chuỗi 22–64 ký tự (chữ, số, - _ . :).")
    text = body.get("text")
    payload = body.get("payload")
    try:
        extras = inbound_extras(body)
    except ExtraError as err:
        return _bad(str(err))
    if text is None and payload is None and not extras:
        return _bad('Cần có "text" hoặc "payload".')
    if text is not None and not isinstance(text, str):
        return _bad('"text" phải là chuỗi.')
    if payload is not None and (not isinstance(payload, str) or len(payload) > MAX_PAYLOAD):
        return _bad('"payload" phải là chuỗi ngắn.')
    if text is not None and len(text) > MAX_TEXT:
        return _bad(f"Tin nhắn dài quá {MAX_TEXT} ký tự.", 413)
    message_id = body.get("message_id")
    if message_id is not None and (
        not isinstance(message_id, str) or not MESSAGE_ID_RE.fullmatch(message_id)
    ):
        return _bad("message_id phải là chuỗi 22–64 ký tự (chữ, số, - _ . :).")

    runtime = request.app[RUNTIME]
    async with runtime.admission.slot():  # saturated: 503 + Retry-After (bot.app.overload)
        result = await runtime.engine.handle(
            Inbound(
                channel=WEB_CHANNEL,
                user_key=user_id,
                text=text,
                payload=payload,
                external_id=f"{user_id}:{message_id}" if message_id else None,
                capabilities=WEB,
                **extras,
            )
        )
    return _json({"replies": [r.to_dict() for r in result.replies], "duplicate": result.duplicate})


async def get_messages(request: web.Request) -> web.Response:
    """Messages pushed to a web-chat user after message ``after``."""
    user_id = request.query.get("user_id", "")
    if not USER_ID_RE.fullmatch(user_id):
        return _bad("user_id phải là chuỗi 22–64 ký tự (chữ, số, - _ . :).")
    after = parse_int(request.query.get("after", "0"))
    if after is None:
        return _bad("after phải là số nguyên không âm (chỉ chữ số 0–9).")
    runtime = request.app[RUNTIME]
    async with runtime.db.read() as session:
        rows = await outbox.pushed_messages(
            session, runtime.profile.id, WEB_CHANNEL, user_id, after
        )
    return _json(
        {
            "messages": [
                {
                    "id": row.id,
                    "text": row.body.get("text", ""),
                    "buttons": row.body.get("buttons", []),
                    "meta": row.body.get("meta", {}),
                }
                for row in rows
            ]
        }
    )


def setup(app: web.Application) -> None:
    app.router.add_get("/", chat_page)
    app.router.add_post("/api/chat", post_chat)
    app.router.add_get("/api/chat/messages", get_messages)
    app.router.add_static("/static/", STATIC_DIR, append_version=True)
    webchat_media.setup(app)
