"""Vietnamese phone numbers, read with Google's libphonenumber (``phonenumbers``).

One place for every caller: the chat's contact step, the dashboard's assisted intake, the search
by a caller's number, and masking numbers inside texts (public page, documents, exports). A
hand-written pattern refused every landline (02438123456) and accepted numbers that do not exist
(0123456789, 0100000000); libphonenumber knows the Vietnamese numbering plan, mobile and fixed.

Numbers are kept in the national form without spaces ("0912345678", "02438123456"), the form the
petitions table already holds, and shown grouped ("0912 345 678").
"""

from __future__ import annotations

import re

import phonenumbers
from phonenumbers import PhoneNumberFormat, PhoneNumberType

REGION = "VN"
# A citizen's own number: a mobile or a fixed line (not a 1900 hotline or a short code).
PERSONAL_TYPES = frozenset(
    {
        PhoneNumberType.MOBILE,
        PhoneNumberType.FIXED_LINE,
        PhoneNumberType.FIXED_LINE_OR_MOBILE,
        PhoneNumberType.VOIP,
        PhoneNumberType.PERSONAL_NUMBER,
    }
)
_LETTER = re.compile(r"[^\W\d_]")
_ALLOWED = re.compile(r"[\d\s.\-()+]+")


class PhoneError(ValueError):
    """The text cannot be a phone number; ``letters`` tells which message to show."""

    def __init__(self, letters: bool) -> None:
        super().__init__("letters" if letters else "invalid")
        self.letters = letters


def _personal(number: phonenumbers.PhoneNumber) -> bool:
    return (
        phonenumbers.is_valid_number_for_region(number, REGION)
        and phonenumbers.number_type(number) in PERSONAL_TYPES
    )


def _national(number: phonenumbers.PhoneNumber) -> str:
    return "0" + str(number.national_number)


def normalize_phone(text: str) -> str:
    """'+84 912.345.678' → '0912345678'; raises PhoneError when it is no Vietnamese number a
    person can be called on (letters in it, a number that does not exist, a hotline)."""
    raw = text.strip()
    compact = re.sub(r"[\s.\-()]", "", raw)
    if _LETTER.search(compact):
        raise PhoneError(letters=True)
    if not raw or not _ALLOWED.fullmatch(raw):
        raise PhoneError(letters=False)
    try:
        number = phonenumbers.parse(raw, REGION)
    except phonenumbers.NumberParseException as err:
        raise PhoneError(letters=False) from err
    if not _personal(number):
        raise PhoneError(letters=False)
    return _national(number)


def format_phone(phone: str) -> str:
    """'0912345678' → '0912 345 678', '02438123456' → '024 3812 3456' (easier to check)."""
    try:
        number = phonenumbers.parse(phone, REGION)
    except phonenumbers.NumberParseException:
        return phone
    if not phonenumbers.is_valid_number(number):
        return phone
    return phonenumbers.format_number(number, PhoneNumberFormat.NATIONAL)


def search_key(text: str) -> str | None:
    """The stored form of a number staff type or read out in any way, or None if it is none."""
    try:
        return normalize_phone(text)
    except PhoneError:
        return None


def phone_spans(text: str) -> list[tuple[int, int]]:
    """Where personal phone numbers stand in ``text`` (however they are spaced or prefixed)."""
    spans = []
    for found in phonenumbers.PhoneNumberMatcher(text, REGION):
        if _personal(found.number):
            spans.append((found.start, found.end))
    return spans


def mask_phones(text: str, mark: str) -> str:
    """``text`` with every personal phone number replaced by ``mark``."""
    out, last = [], 0
    for start, end in phone_spans(text):
        out += [text[last:start], mark]
        last = end
    out.append(text[last:])
    return "".join(out)
