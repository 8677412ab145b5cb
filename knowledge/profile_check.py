"""Checking a commune profile for ``python -m bot kb check``: every problem as ``file:line``.

Unknown fields are errors (a typo would silently drop a fact); a missing optional block (police,
leaders, the chairman's reception) is a warning, since the answers then point to the one-stop
office instead of inventing anything.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from knowledge.commune import BUNDLED_PROFILE, PROFILE_KEYS, CommuneProfile, ProfileError
from knowledge.profile import parse_profile, read_profile_file
from knowledge.yamlio import Issue, line_of


def _unknown_keys(node: Any, level: str, source: str, where: str) -> list[Issue]:
    if not isinstance(node, dict):
        return []
    issues = []
    for key in node:
        if key not in PROFILE_KEYS[level]:
            allowed = ", ".join(sorted(PROFILE_KEYS[level]))
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
        target, data = read_profile_file(target)
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
    issues += _unknown_keys(data.get("handoff"), "handoff", source, "handoff")
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
    ahead = sorted({today.year, (today + dt.timedelta(days=365)).year})
    missing = profile.petitions.holidays.uncovered_years(ahead)
    if missing:
        years = ", ".join(str(y) for y in missing)
        issues.append(
            Issue(
                source,
                line_of(data.get("petitions"), "holidays") or line_of(data, "petitions"),
                "warning",
                f"chưa có ngày nghỉ lễ nào cho năm {years} (12 tháng tới): hạn trả lời sẽ không "
                "trừ Tết và ngày lễ; hãy bật national_holidays hoặc thêm ngày vào holidays",
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
