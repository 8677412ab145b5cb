"""The commune profile: everything that differs between communes, kept as data.

Answers never hard-code a commune's name, address, hours, phone numbers, villages, delegates or
schedules; they use placeholders filled from this profile. Petition categories and the committee
each one routes to, the working-day deadline and the holiday list live here too, because they are
the commune's own decisions.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from pathlib import Path
from typing import Any

from knowledge.commune import (
    BUNDLED_PROFILE,
    DEFAULT_OA_MENU,
    OA_MENU_ACTIONS,
    PROFILE_KEYS,
    Category,
    Committee,
    CommuneProfile,
    Event,
    ForwardBody,
    HandoffSettings,
    Office,
    Person,
    PetitionSettings,
    Police,
    ProfileError,
    Village,
)
from knowledge.working_days import DaysOff
from knowledge.yamlio import YamlLoadError, line_of, load_yaml

__all__ = [
    "BUNDLED_PROFILE",
    "Category",
    "Committee",
    "CommuneProfile",
    "Event",
    "HandoffSettings",
    "Office",
    "Person",
    "PetitionSettings",
    "Police",
    "ProfileError",
    "Village",
    "load_profile",
    "parse_profile",
]


def _loc(source: str, node: Any, key: Any = None) -> str:
    line = line_of(node, key)
    return f"{source}:{line}" if line else source


def _map(value: Any, source: str, parent: Any, key: str, what: str) -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise ProfileError(f"{_loc(source, parent, key)}: '{key}' phải là {what}")
    return value


def _list(value: Any, source: str, parent: Any, key: str) -> list[Any]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise ProfileError(f"{_loc(source, parent, key)}: '{key}' phải là một danh sách")
    return value


def _req(data: dict[str, Any], key: str, where: str) -> Any:
    """A required field; ``where`` is the source path (the line is added when known)."""
    if key not in data or data[key] in (None, ""):
        raise ProfileError(f"{_loc(where, data)}: thiếu trường bắt buộc '{key}'")
    return data[key]


def _int(data: dict[str, Any], key: str, default: int, source: str, minimum: int = 0) -> int:
    value = data.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise ProfileError(f"{_loc(source, data, key)}: '{key}' phải là một số nguyên")
    try:
        number = int(value)
    except ValueError as err:
        raise ProfileError(f"{_loc(source, data, key)}: '{key}' phải là một số nguyên") from err
    if number < minimum:
        raise ProfileError(f"{_loc(source, data, key)}: '{key}' phải lớn hơn hoặc bằng {minimum}")
    return number


def _date(value: Any, where: str) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError as err:
        raise ProfileError(f"{where}: ngày không hợp lệ '{value}' (dùng YYYY-MM-DD)") from err


def _item(item: Any, source: str, parent: Any, key: str, what: str) -> dict[str, Any]:
    if not isinstance(item, dict):
        raise ProfileError(f"{_loc(source, parent, key)}: mỗi mục trong '{key}' phải có {what}")
    return item


def _people(items: Any, source: str, parent: Any, key: str) -> tuple[Person, ...]:
    out = []
    for item in _list(items, source, parent, key):
        person = _item(item, source, parent, key, "'name'")
        out.append(
            Person(
                name=str(_req(person, "name", source)),
                role=str(person.get("role") or ""),
                phone=str(person.get("phone") or ""),
            )
        )
    return tuple(out)


def _events(items: Any, source: str, parent: Any, key: str) -> tuple[Event, ...]:
    out = []
    for item in _list(items, source, parent, key):
        event = _item(item, source, parent, key, "'title'")
        out.append(
            Event(
                date=_date(event.get("date"), _loc(source, event, "date")),
                title=str(_req(event, "title", source)),
                time=str(event.get("time") or ""),
                place=str(event.get("place") or ""),
                villages=tuple(
                    str(v) for v in _list(event.get("villages"), source, event, "villages")
                ),
                note=str(event.get("note") or ""),
            )
        )
    return tuple(sorted(out, key=lambda e: e.date or dt.date.max))


_PERIOD = re.compile(r"^\s*(\d{1,2})[:h](\d{2})\s*[-–]\s*(\d{1,2})[:h](\d{2})\s*$")


def _period(text: Any, where: str) -> tuple[dt.time, dt.time]:
    found = _PERIOD.match(str(text))
    try:
        if found is None:
            raise ValueError
        h1, m1, h2, m2 = (int(g) for g in found.groups())
        start, end = dt.time(h1, m1), dt.time(h2, m2)
    except ValueError:
        raise ProfileError(
            f"{where}: giờ làm việc '{text}' không hợp lệ (dùng dạng 07:30-11:30)"
        ) from None
    if end <= start:
        raise ProfileError(f"{where}: giờ làm việc '{text}' phải kết thúc sau khi bắt đầu")
    return start, end


def _handoff(data: Any, source: str) -> HandoffSettings:
    block = _map(data.get("handoff"), source, data, "handoff", "một bảng")
    if not block:
        return HandoffSettings()
    where = _loc(source, block, "hours")
    periods = tuple(
        sorted(_period(p, where) for p in _list(block.get("hours"), source, block, "hours"))
    )
    if any(a[1] > b[0] for a, b in itertools.pairwise(periods)):
        raise ProfileError(f"{where}: các khoảng giờ làm việc không được chồng lên nhau")
    defaults = HandoffSettings()
    return HandoffSettings(
        hours=periods or defaults.hours,
        remind_after_working_hours=_int(
            block, "remind_after_working_hours", defaults.remind_after_working_hours, source, 1
        ),
        close_after_hours=_int(block, "close_after_hours", defaults.close_after_hours, source, 1),
    )


def parse_profile(data: Any, source: str = "profile") -> CommuneProfile:
    """Build a profile from parsed YAML, raising ProfileError with a readable message.

    ``source`` is the file name used in messages; when ``data`` comes from ``load_yaml`` the
    messages carry line numbers (``file:line: message``).
    """
    if not isinstance(data, dict):
        raise ProfileError(f"{source}: hồ sơ xã phải là một bảng YAML (các cặp khóa: giá trị)")
    office = _map(_req(data, "office", source), source, data, "office", "một bảng")
    council = _map(data.get("council"), source, data, "council", "một bảng")
    committees = []
    for c in _list(council.get("committees"), source, council, "committees"):
        item = _item(c, source, council, "committees", "'id' và 'name'")
        committees.append(
            Committee(id=str(_req(item, "id", source)), name=str(_req(item, "name", source)))
        )
    if not committees:
        raise ProfileError(
            f"{_loc(source, council or data, 'committees')}: "
            "council.committees phải có ít nhất một ban"
        )
    committee_ids = {c.id for c in committees}
    petitions = _map(data.get("petitions"), source, data, "petitions", "một bảng")
    categories = []
    for c in _list(petitions.get("categories"), source, petitions, "categories"):
        item = _item(c, source, petitions, "categories", "'id', 'name' và 'committee'")
        cat = Category(
            id=str(_req(item, "id", source)),
            name=str(_req(item, "name", source)),
            committee=str(_req(item, "committee", source)),
            keywords=tuple(
                str(k).strip()
                for k in _list(item.get("keywords"), source, item, "keywords")
                if str(k).strip()
            ),
        )
        if cat.committee not in committee_ids:
            raise ProfileError(
                f"{_loc(source, item, 'committee')}: ban '{cat.committee}' "
                "không có trong council.committees"
            )
        categories.append(cat)
    if not categories:
        raise ProfileError(
            f"{_loc(source, petitions or data, 'categories')}: "
            "petitions.categories phải có ít nhất một lĩnh vực"
        )
    villages = []
    for v in _list(data.get("villages"), source, data, "villages"):
        item = _item(v, source, data, "villages", "'id' và 'name'")
        villages.append(
            Village(
                id=str(_req(item, "id", source)),
                name=str(_req(item, "name", source)),
                delegates=_people(item.get("delegates"), source, item, "delegates"),
                digital_team=_people(item.get("digital_team"), source, item, "digital_team"),
                aliases=tuple(
                    str(a).strip()
                    for a in _list(item.get("aliases"), source, item, "aliases")
                    if str(a).strip()
                ),
            )
        )
    if not villages:
        raise ProfileError(f"{_loc(source, data, 'villages')}: villages phải có ít nhất một thôn")
    listed: dict[str, list[dt.date]] = {"holidays": [], "working_days": []}
    for key, days in listed.items():
        for h in _list(petitions.get(key), source, petitions, key):
            day = _date(h, _loc(source, petitions, key))
            if day is not None:
                days.append(day)
    national = petitions.get("national_holidays", True)
    if not isinstance(national, bool):
        raise ProfileError(
            f"{_loc(source, petitions, 'national_holidays')}: national_holidays phải là true "
            "hoặc false"
        )
    holidays = DaysOff(frozenset(listed["holidays"]), frozenset(listed["working_days"]), national)
    settings = PetitionSettings(
        due_working_days=_int(petitions, "due_working_days", 15, source, 1),
        nearly_overdue_working_days=_int(petitions, "nearly_overdue_working_days", 3, source),
        draft_expiry_hours=_int(petitions, "draft_expiry_hours", 24, source, 1),
        satisfaction_timeout_days=_int(petitions, "satisfaction_timeout_days", 7, source, 1),
        holidays=holidays,
        reminder_working_days=_int(petitions, "reminder_working_days", 3, source),
        bodies=_bodies(petitions, source),
    )
    extra = _map(data.get("extra"), source, data, "extra", "một bảng")
    police = None
    if data.get("police") is not None:
        block = _map(data.get("police"), source, data, "police", "một bảng")
        police = Police(**{k: str(block.get(k) or "").strip() for k in PROFILE_KEYS["police"]})
    return CommuneProfile(
        id=str(_req(data, "id", source)),
        name=str(_req(data, "name", source)),
        province=str(data.get("province") or ""),
        office=Office(
            name=str(_req(office, "name", source)),
            address=str(_req(office, "address", source)),
            hours=str(_req(office, "hours", source)),
            phone=str(_req(office, "phone", source)),
        ),
        hotline=str(_req(data, "hotline", source)),
        website=str(data.get("website") or ""),
        council_website=str(council.get("website") or data.get("website") or ""),
        council_phone=str(council.get("phone") or data.get("hotline") or ""),
        villages=tuple(villages),
        committees=tuple(committees),
        categories=tuple(categories),
        voter_meetings=_events(data.get("voter_meetings"), source, data, "voter_meetings"),
        citizen_reception=_events(
            data.get("citizen_reception"), source, data, "citizen_reception"
        ),
        council_sessions=_events(council.get("sessions"), source, council, "sessions"),
        citizen_reception_rule=str(data.get("citizen_reception_rule") or "").strip(),
        digital_plan=str(data.get("digital_plan") or "").strip(),
        petitions=settings,
        extra={str(k): str(v) for k, v in extra.items()},
        digital_classes=str(data.get("digital_classes") or "").strip(),
        police=police,
        leaders=_people(data.get("leaders"), source, data, "leaders"),
        chairman_reception=str(data.get("chairman_reception") or "").strip(),
        handoff=_handoff(data, source),
        oa_menu=_oa_menu(data, source),
    )


def _oa_menu(data: dict[str, Any], source: Any) -> tuple[tuple[str, str], ...]:
    """``oa_menu: {"Gửi kiến nghị": kiennghi, …}``: the OA menu's phrases and their actions."""
    raw = data.get("oa_menu")
    if raw is None:
        return DEFAULT_OA_MENU
    if not isinstance(raw, dict) or not raw:
        raise ProfileError(f"{_loc(source, data, 'oa_menu')}: oa_menu phải là bảng cụm từ: việc")
    items = []
    for phrase, action in raw.items():
        if str(action) not in OA_MENU_ACTIONS or not str(phrase).strip():
            allowed = ", ".join(sorted(OA_MENU_ACTIONS))
            raise ProfileError(
                f"{_loc(source, data, 'oa_menu')}: '{phrase}: {action}' — việc phải là một "
                f"trong {allowed}"
            )
        items.append((str(phrase).strip()[:100], str(action)))
    return tuple(items)


def read_profile_file(path: str | Path | None) -> tuple[Path, Any]:
    target = Path(path) if path else BUNDLED_PROFILE
    try:
        return target, load_yaml(target)
    except YamlLoadError as err:
        where = f"{err.path}:{err.line}" if err.line else err.path
        raise ProfileError(f"{where}: {err.message}") from err


def load_profile(path: str | Path | None = None) -> CommuneProfile:
    """Load the profile at ``path`` (the bundled sample when None)."""
    target, data = read_profile_file(path)
    profile = parse_profile(data, str(target))
    object.__setattr__(profile, "source_path", target)
    return profile


def _bodies(petitions: dict[str, Any], source: str) -> tuple[ForwardBody, ...]:
    """``petitions.bodies``: ``[{name, email}]``, the bodies forwarded petitions go to."""
    out = []
    for b in _list(petitions.get("bodies"), source, petitions, "bodies"):
        item = _item(b, source, petitions, "bodies", "'name' và 'email'")
        email = str(item.get("email") or "").strip()
        if email and ("@" not in email or " " in email):
            where = _loc(source, item, "email")
            raise ProfileError(f"{where}: địa chỉ e-mail «{email}» không hợp lệ")
        out.append(ForwardBody(name=str(_req(item, "name", source)).strip(), email=email))
    return tuple(out)
