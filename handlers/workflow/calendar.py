"""Working days in Vietnam: due dates and the overdue / nearly-overdue flags.

A forwarded petition is due a number of working days later (weekends and holidays excluded:
Vietnam's official calendar adjusted by the profile, ``knowledge.working_days``). Overdue and
nearly overdue are computed from the due date every time they are shown — never stored — so they
cannot go stale. Dates are Vietnamese dates (UTC+7, no DST).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from knowledge.profile import CommuneProfile
from knowledge.working_days import DaysOff, is_working_day

VN_TZ = dt.timezone(dt.timedelta(hours=7), "ICT")


def vn_today(now: dt.datetime) -> dt.date:
    """The calendar date in Vietnam at ``now``."""
    return now.astimezone(VN_TZ).date()


def vn_date(moment: dt.datetime | dt.date | None) -> str:
    """dd/mm/yyyy as Vietnamese readers write it; an instant is read in Vietnam's time zone.

    The one date format citizens and staff see: chat messages, notifications, dashboard, exports.
    """
    if moment is None:
        return ""
    day = vn_today(moment) if isinstance(moment, dt.datetime) else moment
    return day.strftime("%d/%m/%Y")


def _days_off(holidays: Iterable[dt.date]) -> DaysOff | set[dt.date]:
    return holidays if isinstance(holidays, DaysOff) else set(holidays)


def add_working_days(start: dt.date, days: int, holidays: Iterable[dt.date]) -> dt.date:
    """The date ``days`` working days after ``start`` (start itself not counted)."""
    off = _days_off(holidays)
    current = start
    remaining = days
    while remaining > 0:
        current += dt.timedelta(days=1)
        if is_working_day(current, off):
            remaining -= 1
    return current


def working_days_between(start: dt.date, end: dt.date, holidays: Iterable[dt.date]) -> int:
    """Working days after ``start`` up to and including ``end``; negative if end is earlier."""
    off = _days_off(holidays)
    if end == start:
        return 0
    sign = 1 if end > start else -1
    low, high = (start, end) if sign > 0 else (end, start)
    count = 0
    current = low
    while current < high:
        current += dt.timedelta(days=1)
        if is_working_day(current, off):
            count += 1
    return sign * count


def deadline_flags(
    due: dt.date | None,
    today: dt.date,
    holidays: Iterable[dt.date],
    nearly_days: int,
) -> tuple[bool, bool]:
    """(overdue, nearly_overdue) for a petition due on ``due``, seen on ``today``."""
    if due is None:
        return False, False
    if today > due:
        return True, False
    return False, working_days_between(today, due, holidays) <= nearly_days


def nearly_overdue_horizon(
    today: dt.date, holidays: Iterable[dt.date], nearly_days: int
) -> dt.date:
    """Petitions due on or before this date (and not yet overdue) are nearly overdue."""
    return add_working_days(today, nearly_days, holidays)


def due_date(profile: CommuneProfile, now: dt.datetime) -> dt.date:
    """The default due date when a petition is forwarded at ``now``."""
    return add_working_days(
        vn_today(now), profile.petitions.due_working_days, profile.petitions.holidays
    )


def flags(
    status: str, due: dt.date | None, profile: CommuneProfile, now: dt.datetime
) -> tuple[bool, bool]:
    """(overdue, nearly_overdue), computed; only a petition awaiting an answer can be late."""
    from handlers.workflow.states import AWAITING_ANSWER

    if status not in AWAITING_ANSWER or due is None:
        return False, False
    return deadline_flags(
        due,
        vn_today(now),
        profile.petitions.holidays,
        profile.petitions.nearly_overdue_working_days,
    )


def parse_day(text: str) -> dt.date | None:
    """A date as staff type it (25/12/2026) or as the API and date inputs send it
    (2026-12-25); None when it is neither."""
    text = (text or "").strip()
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None
