"""Strict integer parsing for anything a request carries (ids, pages, offsets, versions).

Python's ``int()`` accepts ``1_000``, surrounding spaces, a sign and any Unicode decimal digit
(Arabic-Indic, full-width…), and any magnitude — a 30-digit id then overflows the database driver
and the route answers 500. Every route parses its numbers here instead: plain ASCII digits, within
bounds, or ``None`` (the caller answers 400 or 404).
"""

from __future__ import annotations

import re

# The largest value a BigInteger primary key (PostgreSQL int8) can hold.
MAX_ID = 2**63 - 1
# The largest value of a PostgreSQL ``integer`` column (versions, counters).
MAX_INT4 = 2**31 - 1

_DIGITS = re.compile(r"[0-9]{1,19}")


def parse_int(raw: object, low: int = 0, high: int = MAX_ID) -> int | None:
    """``raw`` as an int when it is 1–19 ASCII digits within ``[low, high]``, else ``None``."""
    if not isinstance(raw, str) or not _DIGITS.fullmatch(raw):
        return None
    number = int(raw)
    return number if low <= number <= high else None


def parse_id(raw: object) -> int | None:
    """A database id (positive, fits a BigInteger), or ``None``."""
    return parse_int(raw, 1, MAX_ID)
