"""Which days the commune works: Vietnam's official calendar, adjusted by the commune profile.

The `holidays` package's Vietnam calendar is the default: Tết and Giỗ Tổ follow the lunar
calendar, and the government's moved days (a Saturday worked to bridge a holiday) are in it, for
every year — a hand-kept list silently stops at its last year. The profile adds local days off
(``petitions.holidays``), days worked although they would be off (``petitions.working_days``, a
make-up Saturday), or turns the national calendar off (``petitions.national_holidays: false``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache

import holidays as holiday_calendars

__all__ = ["DaysOff", "is_working_day", "national_days_off"]


@lru_cache(maxsize=64)
def _national_year(year: int) -> tuple[frozenset[dt.date], frozenset[dt.date]]:
    """(days off, weekend days worked) of one year in Vietnam's official calendar."""
    calendar = holiday_calendars.country_holidays("VN", years=year)
    worked = frozenset(d for d in getattr(calendar, "weekend_workdays", ()) if d.year == year)
    return frozenset(calendar), worked


def national_days_off(year: int) -> frozenset[dt.date]:
    """Vietnam's public holidays in ``year`` (empty for a year the package does not cover)."""
    return _national_year(year)[0]


@dataclass(frozen=True)
class DaysOff:
    """The days not worked: national holidays (unless turned off), the profile's extra days off,
    minus the profile's worked days. ``day in days_off`` is a day off that is not a weekend;
    iterating gives the listed extra days (what the profile file says)."""

    extra: frozenset[dt.date] = field(default_factory=frozenset)
    worked: frozenset[dt.date] = field(default_factory=frozenset)
    national: bool = True

    def is_working(self, day: dt.date) -> bool:
        if day in self.worked:
            return True
        if day in self.extra:
            return False
        if self.national:
            off, weekend_worked = _national_year(day.year)
            if day in weekend_worked:
                return True
            if day in off:
                return False
        return day.weekday() < 5

    def __contains__(self, day: object) -> bool:
        if not isinstance(day, dt.date):
            return False
        return day.weekday() < 5 and not self.is_working(day)

    def __iter__(self) -> Iterator[dt.date]:
        return iter(sorted(self.extra))

    def __len__(self) -> int:
        return len(self.extra)

    def uncovered_years(self, years: Iterable[int]) -> list[int]:
        """The years among ``years`` with no holiday known at all (nothing to skip there)."""
        missing = []
        for year in years:
            national = self.national and bool(national_days_off(year))
            if not national and not any(d.year == year for d in self.extra):
                missing.append(year)
        return missing


def is_working_day(day: dt.date, days_off: Iterable[dt.date]) -> bool:
    """A working day: the calendar's answer for a DaysOff; Mon–Fri not listed for a plain list."""
    if isinstance(days_off, DaysOff):
        return days_off.is_working(day)
    return day.weekday() < 5 and day not in days_off
