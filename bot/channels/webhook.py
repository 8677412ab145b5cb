"""What every webhook does before anything else: check the shared secret, read the JSON body.

Telegram and the Zalo Bot Platform send a secret token in a header; ``secret_ok`` compares it in
constant time and fails closed (an unset secret never makes "" valid). Zalo OA signs its events
instead (``bot.channels.zalo.signature_ok``).
"""

from __future__ import annotations

import hashlib
import hmac
import json
from typing import Any

from aiohttp import web


def secret_ok(given: str, expected: str) -> bool:
    """Does the header carry the configured secret? False whenever no secret is configured."""
    if not expected:
        return False
    return hmac.compare_digest(given.encode("utf-8"), expected.encode("utf-8"))


def forbidden() -> web.Response:
    return web.json_response({"error": "forbidden"}, status=403)


def malformed(what: str = "malformed body") -> web.Response:
    return web.json_response({"error": what}, status=400)


def parse_object(raw: bytes) -> dict[str, Any] | None:
    """The JSON object in a body; None for anything else — including a body nested too deep for
    the parser, which raises RecursionError rather than ValueError."""
    try:
        data = json.loads(raw)
    except (UnicodeDecodeError, ValueError, RecursionError):
        return None
    return data if isinstance(data, dict) else None


def event_key(raw: bytes) -> str:
    """A redelivery key for an event without an id of its own: platforms resend the same bytes."""
    return "sha256:" + hashlib.sha256(raw).hexdigest()[:40]
