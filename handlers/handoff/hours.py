"""When staff answer: the profile's hand-off hours on the petition calendar's working days.

A citizen who asks for a person is told honestly when someone will read it: now, or from the
next opening (this afternoon after the lunch break, the next working morning after a weekend or
a holiday). The office is reminded after a number of *working* hours without an answer, so a
question asked on Friday evening is not "late" on Monday at 7:31.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from handlers.texts import Texts
from handlers.texts.handoff import WEEKDAYS, HandoffTexts
from handlers.workflow.calendar import VN_TZ
from knowledge import working_days
from knowledge.profile import CommuneProfile

MAX_DAYS_AHEAD = 60  # a holiday list never closes the office for longer


def is_working_day(day: dt.date, profile: CommuneProfile) -> bool:
    return working_days.is_working_day(day, profile.petitions.holidays)


def _periods(day: dt.date, profile: CommuneProfile) -> Iterator[tuple[dt.datetime, dt.datetime]]:
    """The day's answering periods, as instants (Vietnam time)."""
    if not is_working_day(day, profile):
        return
    for start, end in profile.handoff.hours:
        yield (
            dt.datetime.combine(day, start, tzinfo=VN_TZ),
            dt.datetime.combine(day, end, tzinfo=VN_TZ),
        )


def next_opening(now: dt.datetime, profile: CommuneProfile) -> dt.datetime | None:
    """None while staff are on duty; otherwise when the next period starts."""
    local = now.astimezone(VN_TZ)
    for offset in range(MAX_DAYS_AHEAD):
        for start, end in _periods(local.date() + dt.timedelta(days=offset), profile):
            if start <= local < end:
                return None
            if local < start:
                return start
    return None  # pragma: no cover - no period in two months: say nothing rather than guess


def working_seconds(start: dt.datetime, end: dt.datetime, profile: CommuneProfile) -> float:
    """How much of ``[start, end)`` falls in answering periods."""
    if end <= start:
        return 0.0
    total = 0.0
    day = start.astimezone(VN_TZ).date()
    last = end.astimezone(VN_TZ).date()
    while day <= last:
        for p_start, p_end in _periods(day, profile):
            low, high = max(p_start, start), min(p_end, end)
            if high > low:
                total += (high - low).total_seconds()
        day += dt.timedelta(days=1)
    return total


def clock_time(moment: dt.time | dt.datetime) -> str:
    """7h30, 13h, as Vietnamese write the time of day."""
    hour, minute = moment.hour, moment.minute
    return f"{hour}h{minute:02d}" if minute else f"{hour}h"


def hours_text(profile: CommuneProfile) -> str:
    """'7h30–11h30, 13h30–17h'."""
    return ", ".join(f"{clock_time(a)}–{clock_time(b)}" for a, b in profile.handoff.hours)


def when_text(texts: Texts, opening: dt.datetime, now: dt.datetime) -> str:
    """'13h30 hôm nay', '7h30 thứ Hai, ngày 23/11/2026'."""
    t = HandoffTexts.of(texts)
    local = opening.astimezone(VN_TZ)
    if local.date() == now.astimezone(VN_TZ).date():
        return t.when_today(time=clock_time(local))
    return t.when_day(
        time=clock_time(local),
        weekday=t.weekday[WEEKDAYS[local.weekday()]](),
        date=local.strftime("%d/%m/%Y"),
    )
