"""Dates as council staff read and type them (dd/mm/yyyy, Vietnam's time zone)."""

from __future__ import annotations

import datetime as dt

from bot.staff.forms import BadInput
from handlers.workflow import calendar


def parse_date(value: str, what: str = "Ngày") -> dt.date | None:
    """'2026-12-01' (date inputs) or '01/12/2026' (typed); '' is None; else BadInput."""
    text = (value or "").strip()
    if not text:
        return None
    for fmt in ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y"):
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    shown = text if len(text) <= 40 else text[:40] + "…"
    raise BadInput(
        f"{what} «{shown}» không hợp lệ. Hãy nhập theo dạng ngày/tháng/năm, ví dụ 25/12/2026."
    )


def vn_midnight(day: dt.date) -> dt.datetime:
    """The UTC instant at which ``day`` starts in Vietnam."""
    return dt.datetime.combine(day, dt.time(0), tzinfo=calendar.VN_TZ).astimezone(dt.UTC)


fmt_date = calendar.vn_date  # the one dd/mm/yyyy, the same as in chat


def fmt_datetime(value: dt.datetime | None) -> str:
    if value is None:
        return ""
    return value.astimezone(calendar.VN_TZ).strftime("%H:%M %d/%m/%Y")


def fmt_day(value: dt.date | str | None) -> str:
    """A date as staff read it (dd/mm/yyyy), from a date or from the ISO or typed text kept in
    forms, queries and event data; text that is not a date is shown as it is (to be fixed)."""
    if isinstance(value, dt.date):
        return fmt_date(value)
    text = (value or "").strip()
    try:
        day = parse_date(text)
    except BadInput:
        return text
    return fmt_date(day) if day else ""


def iso_day(value: str) -> str:
    """A typed dd/mm/yyyy as ISO (what data files keep); other text unchanged, for the checks."""
    try:
        day = parse_date(value)
    except BadInput:
        return value
    return day.isoformat() if day else ""


def iso_date(value: dt.date | None) -> str:
    return value.isoformat() if value else ""
