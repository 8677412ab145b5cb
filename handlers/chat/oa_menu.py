"""The Zalo OA menu: a tap on an item arrives as a message carrying the item's text.

The commune sets the items in OA Manager ("Gửi kiến nghị", "Tra cứu kiến nghị", "Hỏi thủ tục",
"Gặp cán bộ"; the profile's ``oa_menu`` says which phrase stands for which action). The same
phrase typed on any channel does the same thing, so the guide can say "gõ Gửi kiến nghị"
everywhere. Compared folded (case, diacritics and emoji aside), the whole message only.
"""

from __future__ import annotations

import dataclasses
import functools

from handlers.context import Context
from handlers.payloads import MenuPage
from handlers.types import Inbound
from knowledge.normalize import fold

ROUTES = {
    "kiennghi": {"text": "/kiennghi"},
    "tracuu": {"text": "/tracuu"},
    "canbo": {"text": "/canbo"},
    "menu": {"text": "/menu"},
    "hoi": {"text": None, "payload": MenuPage("ask").encode()},
}


def _key(text: str) -> str:
    return " ".join("".join(c for c in fold(text) if c.isalnum() or c.isspace()).split())


@functools.lru_cache(maxsize=64)
def _phrase_key(phrase: str) -> str:
    """The profile's few phrases, folded once instead of on every message."""
    return _key(phrase)


async def menu_phrase(ctx: Context) -> bool | Inbound:
    """An OA menu phrase becomes its command (or menu page); anything else is not ours."""
    msg = ctx.inbound
    text = msg.clean_text
    if not text or msg.payload or len(text) > 100:
        return False
    key = _key(text)
    for phrase, action in ctx.profile.oa_menu:
        if _phrase_key(phrase) == key:
            return dataclasses.replace(msg, **ROUTES[action])
    return False
