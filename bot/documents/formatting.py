"""How numbers, dates and free text are written in a Vietnamese administrative document.

Dates follow Decree 30/2020/NĐ-CP, Phụ lục I: "ngày 02 tháng 12 năm 2026", with a leading zero for
days 1–9 and for months 1 and 2 only (so nobody can turn "ngày 2" into "ngày 12"); table dates are
dd/mm/yyyy. Shares have one decimal and the Vietnamese decimal comma ("43,5%"), thousands take a
dot ("1.250").
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from decimal import ROUND_HALF_UP, Decimal

from handlers.phones import mask_phones as _mask

_ROMAN = (
    (1000, "M"),
    (900, "CM"),
    (500, "D"),
    (400, "CD"),
    (100, "C"),
    (90, "XC"),
    (50, "L"),
    (40, "XL"),
    (10, "X"),
    (9, "IX"),
    (5, "V"),
    (4, "IV"),
    (1, "I"),
)
# control characters Word cannot hold; docxtpl turns \a, \f and \t into paragraph/page/tab breaks
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
PHONE_MASK = "[số điện thoại đã ẩn]"
BLANK = "\u00a0" * 6  # the gap left for a number or a day written in by hand


def text(value: str, *, multiline: bool = False) -> str:
    """NFC, no control characters, no phone number; single-line unless ``multiline``."""
    value = unicodedata.normalize("NFC", value).replace("\r\n", "\n").replace("\r", "\n")
    value = _CONTROL.sub(" ", value)
    if multiline:
        lines = [" ".join(line.split()) for line in value.split("\n")]
        value = "\n".join(line for line in lines if line)
    else:
        value = " ".join(value.split())
    return mask_phones(value)


def sentence(value: str) -> str:
    """A summary without its closing full stop, for templates that add "(Thôn 1; 2 lượt)."."""
    return text(value).rstrip(" .;,")


def mask_phones(value: str) -> str:
    """Replace every Vietnamese phone number in ``value`` (however it is spaced) by a mask."""
    return _mask(value, PHONE_MASK)


def number(n: int) -> str:
    """1250 → "1.250"."""
    return f"{n:,}".replace(",", ".")


def share(part: int, total: int) -> str:
    """Percent with one decimal and a decimal comma: share(1, 3) → "33,3%", share(1, 4) →
    "25,0%"; none and all are "0%" and "100%" (also for 0 of 0)."""
    if total <= 0 or part <= 0:
        return "0%"
    if part >= total:
        return "100%"
    value = (Decimal(part) * 100 / Decimal(total)).quantize(Decimal("0.1"), ROUND_HALF_UP)
    return f"{value}".replace(".", ",") + "%"


def roman(n: int) -> str:
    """4 → "IV" (section numbers)."""
    out = []
    for value, letters in _ROMAN:
        while n >= value:
            out.append(letters)
            n -= value
    return "".join(out)


def day_month(d: dt.date) -> tuple[str, str]:
    """The day and month as Decree 30 writes them: (2, 3) → ("02", "3"); (5, 2) → ("05", "02")."""
    day = f"{d.day:02d}"
    month = f"{d.month:02d}" if d.month <= 2 else str(d.month)
    return day, month


def place_date(place: str, d: dt.date | None) -> str:
    """The place and date line: "Tân Phú An, ngày 02 tháng 12 năm 2026"; gaps without a date."""
    if d is None:
        return f"{place}, ngày{BLANK}tháng{BLANK}năm{BLANK}"
    day, month = day_month(d)
    return f"{place}, ngày {day} tháng {month} năm {d.year}"


def long_date(d: dt.date | None) -> str:
    """A date inside a sentence: "ngày 02 tháng 12 năm 2026"; blanks without a date."""
    if d is None:
        return f"ngày{BLANK}tháng{BLANK}năm{BLANK}"
    day, month = day_month(d)
    return f"ngày {day} tháng {month} năm {d.year}"


def short_date(d: dt.date | None) -> str:
    """dd/mm/yyyy for tables; "" without a date."""
    return d.strftime("%d/%m/%Y") if d else ""


def number_line(number: str, symbol: str) -> str:
    """The number line: "Số: 12/BC-HĐND", or "Số:      /BC-HĐND" before it has a number."""
    number = text(number)
    return f"Số: {number}/{symbol}" if number else f"Số:{BLANK}/{symbol}"


def villages(names: tuple[str, ...]) -> str:
    """Village names joined: "Thôn 1, Thôn 3" (duplicates dropped, order kept)."""
    seen: dict[str, None] = {}
    for name in names:
        cleaned = text(name)
        if cleaned:
            seen.setdefault(cleaned, None)
    return ", ".join(seen)


def voters(n: int) -> str:
    """How many voters raised it: "3 lượt cử tri"."""
    return f"{number(n)} lượt cử tri"


def recipients(lines: tuple[str, ...]) -> list[str]:
    """The "Nơi nhận:" list as Decree 30 punctuates it: "- UBND xã;" … "- Lưu: VT."."""
    cleaned = [text(line).rstrip(" ;.,") for line in lines]
    cleaned = [line for line in cleaned if line]
    return [f"- {line}{'.' if i == len(cleaned) - 1 else ';'}" for i, line in enumerate(cleaned)]
