"""A petition's free text as a role without contact details may read it.

A citizen often types their phone number or name into the petition itself ("gọi tôi 0912 345
678, Nguyễn Văn An"), so hiding the contact fields is not enough: for viewer and digital_team
accounts (no "personal" permission) the phone numbers and the names the citizen gave are masked
in the text too — on the pages, in the API and in the exports.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from bot.staff.roles import StaffUser
from handlers.phones import mask_phones

MASK = "***"
# A one-word name shorter than this ("An", "Ba") is also an ordinary word: masking it everywhere
# would garble the text, and alone it does not identify anyone.
MIN_SINGLE_NAME = 4


def _name_pattern(name: str) -> re.Pattern[str] | None:
    words = name.split()
    if not words or (len(words) == 1 and len(words[0]) < MIN_SINGLE_NAME):
        return None
    body = r"\s+".join(re.escape(w) for w in words)
    return re.compile(rf"(?<!\w){body}(?!\w)", re.IGNORECASE)


def mask_personal(text: str, names: Iterable[str | None] = ()) -> str:
    """``text`` with personal phone numbers and the given names replaced by ``MASK``."""
    if not text:
        return text
    masked = mask_phones(text, MASK)
    for name in names:
        pattern = _name_pattern(name or "")
        if pattern is not None:
            masked = pattern.sub(MASK, masked)
    return masked


def for_role(text: str | None, personal: bool, names: Iterable[str | None] = ()) -> str:
    """The text unchanged for a role that may see contact details, masked for the others."""
    if text is None:
        return ""
    return text if personal else mask_personal(text, names)


def petition_text(text: str | None, petition: object, user: StaffUser) -> str:
    """A petition's text (content, the citizen's added information) as ``user`` may read it."""
    return for_role(text, user.can("personal"), [getattr(petition, "contact_name", None)])
