"""Working days follow Vietnam's official calendar (lunar Tết included, every year), adjusted by
the profile; ``kb check`` warns when the coming twelve months have no holiday at all."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from handlers.workflow import calendar
from knowledge.profile import BUNDLED_PROFILE, load_profile
from knowledge.profile_check import check_profile
from knowledge.working_days import DaysOff

D = dt.date


def _profile_with(tmp_path: Path, petitions_extra: str) -> Path:
    text = BUNDLED_PROFILE.read_text(encoding="utf-8")
    text = text.replace("  holidays: []\n  working_days: []\n", petitions_extra)
    assert petitions_extra in text
    path = tmp_path / "profile.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_tet_of_later_years_is_skipped_without_any_list() -> None:
    off = load_profile(None).petitions.holidays
    # Tết 2027 (6/2) and 2028 (26/1) are lunar dates nobody typed into the profile.
    for day in (D(2027, 2, 5), D(2027, 2, 8), D(2027, 2, 9), D(2028, 1, 26), D(2031, 1, 23)):
        assert day in off and not off.is_working(day), day
    assert D(2027, 4, 16) in off  # Giỗ Tổ Hùng Vương, 10/3 lunar
    assert off.is_working(D(2027, 2, 15)) and D(2027, 2, 15) not in off
    # Friday 29/1/2027 + 5 working days: 1, 2, 3/2, then Tết (4–10/2) is skipped: 11, 12/2.
    assert calendar.add_working_days(D(2027, 1, 29), 5, off) == D(2027, 2, 12)


def test_the_governments_moved_days_come_with_the_calendar() -> None:
    off = load_profile(None).petitions.holidays
    assert not off.is_working(D(2026, 8, 31))  # Monday off, worked on Saturday 22/8/2026
    assert off.is_working(D(2026, 8, 22))
    assert calendar.working_days_between(D(2026, 8, 21), D(2026, 8, 31), off) == 6


def test_the_profile_adds_a_local_day_off_and_a_make_up_working_day(tmp_path: Path) -> None:
    path = _profile_with(
        tmp_path, "  holidays: [2027-03-15]\n  working_days: [2027-03-20, 2027-02-08]\n"
    )
    off = load_profile(path).petitions.holidays
    assert D(2027, 3, 15) in off and not off.is_working(D(2027, 3, 15))
    assert off.is_working(D(2027, 3, 20))  # a Saturday worked
    assert off.is_working(D(2027, 2, 8))  # a Tết day the commune works
    assert calendar.add_working_days(D(2027, 3, 12), 2, off) == D(2027, 3, 17)
    assert calendar.add_working_days(D(2027, 3, 19), 1, off) == D(2027, 3, 20)


def test_plain_lists_keep_working() -> None:
    holidays = [D(2026, 9, 1)]
    assert calendar.add_working_days(D(2026, 8, 28), 2, holidays) == D(2026, 9, 2)
    assert calendar.add_working_days(D(2026, 8, 28), 2, DaysOff(national=False)) == D(2026, 9, 1)


def test_kb_check_warns_when_the_next_twelve_months_have_no_holiday(tmp_path: Path) -> None:
    path = _profile_with(tmp_path, "  national_holidays: false\n  holidays: [2026-12-31]\n")
    _, issues = check_profile(path, today=D(2026, 12, 2))
    found = [str(i) for i in issues if i.level == "warning" and "12 tháng tới" in str(i)]
    assert len(found) == 1 and "năm 2027" in found[0] and "2026" not in found[0].split("năm")[1]

    _, issues = check_profile(None, today=D(2026, 12, 2))
    assert not [i for i in issues if "12 tháng tới" in str(i)]


def test_a_non_boolean_national_holidays_is_an_error(tmp_path: Path) -> None:
    path = _profile_with(tmp_path, "  national_holidays: có\n")
    profile, issues = check_profile(path)
    assert profile is None and "national_holidays phải là true hoặc false" in str(issues[0])
