"""The commune profile: everything that differs between communes, kept as data.

Answers never hard-code a commune's name, address, hours, phone numbers, villages, delegates or
schedules; they use placeholders filled from this profile. Petition categories and the committee
each one routes to, the working-day deadline and the holiday list live here too, because they are
the commune's own decisions.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from knowledge.yamlio import Issue, LineDict, YamlLoadError, line_of, load_yaml

BUNDLED_PROFILE = Path(__file__).parent / "data" / "profile-sample.yaml"


class ProfileError(ValueError):
    """The profile file is missing, unreadable or malformed.

    The message is one readable line, ``file:line: message`` when the line is known.
    """


@dataclass(frozen=True)
class Person:
    """A named contact (a council delegate, a digital-team leader)."""

    name: str
    role: str = ""
    phone: str = ""


@dataclass(frozen=True)
class Village:
    """A village (thôn) or residential group (tổ dân phố)."""

    id: str
    name: str
    delegates: tuple[Person, ...] = ()
    digital_team: tuple[Person, ...] = ()


@dataclass(frozen=True)
class Committee:
    """A committee (ban) of the People's Council that petitions are routed to."""

    id: str
    name: str


@dataclass(frozen=True)
class Category:
    """A petition category and the committee that supervises it."""

    id: str
    name: str
    committee: str


@dataclass(frozen=True)
class Event:
    """A scheduled event: voter meeting, citizen reception day, council session."""

    date: dt.date | None
    title: str
    time: str = ""
    place: str = ""
    villages: tuple[str, ...] = ()
    note: str = ""


@dataclass(frozen=True)
class Office:
    """The one-stop office (Trung tâm Phục vụ hành chính công xã)."""

    name: str
    address: str
    hours: str
    phone: str


@dataclass(frozen=True)
class Police:
    """The commune police (Công an xã). Optional: a commune that has not filled it in still gets
    an answer, pointing to the one-stop office and the hotline (see ``render.police_contact``)."""

    name: str = ""
    address: str = ""
    phone: str = ""
    hours: str = ""


@dataclass(frozen=True)
class PetitionSettings:
    """How petitions are timed for this commune."""

    due_working_days: int = 15
    nearly_overdue_working_days: int = 3
    draft_expiry_hours: int = 24
    satisfaction_timeout_days: int = 7
    holidays: tuple[dt.date, ...] = ()


@dataclass(frozen=True)
class CommuneProfile:
    """One commune's data; see ``data/profile-sample.yaml`` for every field."""

    id: str
    name: str
    province: str
    office: Office
    hotline: str
    website: str
    council_website: str
    council_phone: str
    villages: tuple[Village, ...]
    committees: tuple[Committee, ...]
    categories: tuple[Category, ...]
    voter_meetings: tuple[Event, ...] = ()
    citizen_reception: tuple[Event, ...] = ()
    council_sessions: tuple[Event, ...] = ()
    citizen_reception_rule: str = ""
    digital_plan: str = ""
    petitions: PetitionSettings = field(default_factory=PetitionSettings)
    extra: dict[str, str] = field(default_factory=dict)
    source_path: Path | None = None
    digital_classes: str = ""
    police: Police | None = None
    leaders: tuple[Person, ...] = ()
    chairman_reception: str = ""

    def village(self, village_id: str) -> Village | None:
        """The village with this id, or None."""
        return next((v for v in self.villages if v.id == village_id), None)

    def committee(self, committee_id: str) -> Committee | None:
        """The committee with this id, or None."""
        return next((c for c in self.committees if c.id == committee_id), None)

    def category(self, category_id: str) -> Category | None:
        """The petition category with this id, or None."""
        return next((c for c in self.categories if c.id == category_id), None)


# Known keys at each level of the profile file; anything else is reported by check_profile.
_KEYS: dict[str, set[str]] = {
    "": {
        "id",
        "name",
        "province",
        "hotline",
        "website",
        "office",
        "council",
        "villages",
        "voter_meetings",
        "citizen_reception_rule",
        "citizen_reception",
        "digital_plan",
        "digital_classes",
        "petitions",
        "extra",
        "police",
        "leaders",
        "chairman_reception",
    },
    "office": {"name", "address", "hours", "phone"},
    "police": {"name", "address", "hours", "phone"},
    "council": {"website", "phone", "committees", "sessions"},
    "committee": {"id", "name"},
    "village": {"id", "name", "delegates", "digital_team"},
    "person": {"name", "role", "phone"},
    "event": {"date", "time", "title", "place", "villages", "note"},
    "petitions": {
        "due_working_days",
        "nearly_overdue_working_days",
        "draft_expiry_hours",
        "satisfaction_timeout_days",
        "holidays",
        "categories",
    },
    "category": {"id", "name", "committee"},
}


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
            )
        )
    if not villages:
        raise ProfileError(f"{_loc(source, data, 'villages')}: villages phải có ít nhất một thôn")
    holidays = []
    for h in _list(petitions.get("holidays"), source, petitions, "holidays"):
        day = _date(h, _loc(source, petitions, "holidays"))
        if day is not None:
            holidays.append(day)
    settings = PetitionSettings(
        due_working_days=_int(petitions, "due_working_days", 15, source, 1),
        nearly_overdue_working_days=_int(petitions, "nearly_overdue_working_days", 3, source),
        draft_expiry_hours=_int(petitions, "draft_expiry_hours", 24, source, 1),
        satisfaction_timeout_days=_int(petitions, "satisfaction_timeout_days", 7, source, 1),
        holidays=tuple(sorted(holidays)),
    )
    extra = _map(data.get("extra"), source, data, "extra", "một bảng")
    police = None
    if data.get("police") is not None:
        block = _map(data.get("police"), source, data, "police", "một bảng")
        police = Police(**{k: str(block.get(k) or "").strip() for k in _KEYS["police"]})
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
    )


def _read(path: str | Path | None) -> tuple[Path, Any]:
    target = Path(path) if path else BUNDLED_PROFILE
    try:
        return target, load_yaml(target)
    except YamlLoadError as err:
        where = f"{err.path}:{err.line}" if err.line else err.path
        raise ProfileError(f"{where}: {err.message}") from err


def load_profile(path: str | Path | None = None) -> CommuneProfile:
    """Load the profile at ``path`` (the bundled sample when None)."""
    target, data = _read(path)
    profile = parse_profile(data, str(target))
    object.__setattr__(profile, "source_path", target)
    return profile


def _unknown_keys(node: Any, level: str, source: str, where: str) -> list[Issue]:
    if not isinstance(node, dict):
        return []
    issues = []
    for key in node:
        if key not in _KEYS[level]:
            allowed = ", ".join(sorted(_KEYS[level]))
            issues.append(
                Issue(
                    source,
                    line_of(node, key),
                    "error",
                    f"trường không hợp lệ '{key}' trong {where} (dùng: {allowed})",
                )
            )
    for key, line in getattr(node, "duplicate_keys", []):
        issues.append(Issue(source, line, "error", f"trường '{key}' bị khai báo hai lần"))
    return issues


def _each(node: Any, key: str) -> list[Any]:
    value = node.get(key) if isinstance(node, dict) else None
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def _check_police(data: Any, source: str) -> list[Issue]:
    """Unknown fields are errors; a missing block or missing contact details are warnings: the
    bot still answers, sending citizens to the one-stop office and the hotline instead."""
    police = data.get("police")
    if police is None:
        return [
            Issue(
                source,
                line_of(data) or 1,
                "warning",
                "chưa có thông tin Công an xã (police: address, phone, hours); bot sẽ chỉ dẫn "
                "người dân tới bộ phận một cửa và đường dây nóng",
            )
        ]
    issues = _unknown_keys(police, "police", source, "police")
    missing = [k for k in ("address", "phone", "hours") if not str(police.get(k) or "").strip()]
    if missing:
        issues.append(
            Issue(
                source,
                line_of(data, "police"),
                "warning",
                f"police chưa có {', '.join(missing)}; bot sẽ chỉ dẫn tới bộ phận một cửa "
                "và đường dây nóng cho phần còn thiếu",
            )
        )
    return issues


def check_profile(
    path: str | Path | None = None, today: dt.date | None = None
) -> tuple[CommuneProfile | None, list[Issue]]:
    """Validate a profile file for ``kb check``: the profile (None on errors) and every issue.

    Errors: unreadable/invalid YAML, missing or malformed fields, unknown fields, duplicate ids,
    events naming villages that do not exist. Warnings: schedules with no upcoming date, villages
    without delegates or digital-team contacts.
    """
    today = today or dt.date.today()
    target = Path(path) if path else BUNDLED_PROFILE
    source = str(target)
    try:
        target, data = _read(target)
        profile = parse_profile(data, source)
    except ProfileError as err:
        text = str(err)
        file_part, _, rest = text.partition(": ")
        if file_part.startswith(source + ":") and file_part[len(source) + 1 :].isdigit():
            line = int(file_part[len(source) + 1 :])
        else:
            line, rest = (0, text[len(source) + 2 :]) if text.startswith(source) else (0, text)
        return None, [Issue(source, line, "error", rest)]
    object.__setattr__(profile, "source_path", target)
    issues = _unknown_keys(data, "", source, "hồ sơ xã")
    issues += _unknown_keys(data.get("office"), "office", source, "office")
    issues += _check_police(data, source)
    for person in _each(data, "leaders"):
        issues += _unknown_keys(person, "person", source, "leaders")
    council = data.get("council") or {}
    issues += _unknown_keys(council, "council", source, "council")
    for c in _each(council, "committees"):
        issues += _unknown_keys(c, "committee", source, "council.committees")
    for e in _each(council, "sessions"):
        issues += _unknown_keys(e, "event", source, "council.sessions")
    petitions = data.get("petitions") or {}
    issues += _unknown_keys(petitions, "petitions", source, "petitions")
    for c in _each(petitions, "categories"):
        issues += _unknown_keys(c, "category", source, "petitions.categories")
    village_ids = {v.id for v in profile.villages}
    for v in _each(data, "villages"):
        issues += _unknown_keys(v, "village", source, "villages")
        for key in ("delegates", "digital_team"):
            for person in _each(v, key):
                issues += _unknown_keys(person, "person", source, f"villages.{key}")
        if not v.get("delegates"):
            issues.append(
                Issue(source, line_of(v), "warning", f"thôn '{v.get('id')}' chưa có đại biểu HĐND")
            )
        if not v.get("digital_team"):
            issues.append(
                Issue(
                    source,
                    line_of(v),
                    "warning",
                    f"thôn '{v.get('id')}' chưa có liên hệ Tổ công nghệ số",
                )
            )
    for key in ("voter_meetings", "citizen_reception"):
        for e in _each(data, key):
            issues += _unknown_keys(e, "event", source, key)
            for vid in e.get("villages") or []:
                if str(vid) not in village_ids:
                    issues.append(
                        Issue(
                            source,
                            line_of(e, "villages"),
                            "error",
                            f"{key}: thôn '{vid}' không có trong villages",
                        )
                    )
    for label, items, key in (
        ("thôn", [v.id for v in profile.villages], "villages"),
        ("ban", [c.id for c in profile.committees], "council"),
        ("lĩnh vực", [c.id for c in profile.categories], "petitions"),
    ):
        seen: set[str] = set()
        for item_id in items:
            if item_id in seen:
                issues.append(
                    Issue(source, line_of(data, key), "error", f"mã {label} '{item_id}' bị trùng")
                )
            seen.add(item_id)
    for label, events, key in (
        ("tiếp xúc cử tri", profile.voter_meetings, "voter_meetings"),
        ("tiếp công dân", profile.citizen_reception, "citizen_reception"),
        ("kỳ họp HĐND", profile.council_sessions, "council"),
    ):
        if events and not any(e.date is None or e.date >= today for e in events):
            issues.append(
                Issue(
                    source,
                    line_of(data, key),
                    "warning",
                    f"lịch {label} không còn ngày nào sắp tới; hãy cập nhật",
                )
            )
    for key in ("website",):
        url = data.get(key)
        if url and not str(url).startswith(("http://", "https://")):
            issues.append(
                Issue(
                    source,
                    line_of(data, key),
                    "error",
                    f"'{key}' phải bắt đầu bằng http:// hoặc https://",
                )
            )
    return profile, issues


__all__ = [
    "BUNDLED_PROFILE",
    "Category",
    "Committee",
    "CommuneProfile",
    "Event",
    "LineDict",
    "Office",
    "Person",
    "PetitionSettings",
    "Police",
    "ProfileError",
    "Village",
    "check_profile",
    "load_profile",
    "parse_profile",
]
