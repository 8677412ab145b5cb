"""Reading a name and a Vietnamese phone number the way older users type them.

The number itself is read by ``handlers.phones`` (libphonenumber); this module finds it in a
message that may also hold a name.

People write "0912 345 678", "0912.345.678", "+84 912345678" or put name and number in one message
("Nguyễn Văn An 0912345678"); all are accepted. A number with letters in it ("09l2345678") is
refused with a clear message rather than guessed, because a wrong number means nobody calls back.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from handlers.phones import PhoneError, format_phone, normalize_phone

MAX_NAME = 100
# a run of digits, spaces, dots, dashes and brackets that may be a phone number
_PHONE_RUN = re.compile(r"\+?\d[\d\s.\-()]{7,}\d")
_LETTER = re.compile(r"[^\W\d_]")


@dataclass(frozen=True)
class ContactText:
    """What one typed message held: a name, a phone number, or both."""

    name: str | None
    phone: str | None


def clean_name(text: str) -> str | None:
    """A tidy name, or None when the text cannot be a person's name."""
    name = " ".join(text.replace(",", " ").split()).strip(" .:-")
    if not 2 <= len(name) <= MAX_NAME or any(ch.isdigit() for ch in name):
        return None
    if not _LETTER.search(name) or len(name.split()) > 8:
        return None
    if any(ch in name for ch in "@/\\<>{}[]#$%^*=+|~`"):
        return None
    return name


def split_contact(text: str) -> ContactText:
    """Separate a name and a phone number typed in one message.

    Raises PhoneError when the message clearly meant a number but it is not a valid one.
    """
    match = _PHONE_RUN.search(text)
    if match is None:
        if sum(ch.isdigit() for ch in text) >= 6:
            raise PhoneError(letters=bool(_LETTER.search(text)))
        return ContactText(name=clean_name(text), phone=None)
    phone = normalize_phone(match.group(0))
    rest = (text[: match.start()] + " " + text[match.end() :]).strip()
    for word in ("sdt", "sđt", "số điện thoại", "so dien thoai", "đt", "dt", "tên", "ten"):
        rest = re.sub(rf"(?i)\b{re.escape(word)}\b\s*:?", " ", rest)
    return ContactText(name=clean_name(rest) if rest.strip(" ,.:-") else None, phone=phone)


__all__ = [
    "ContactText",
    "PhoneError",
    "clean_name",
    "format_phone",
    "normalize_phone",
    "split_contact",
]
