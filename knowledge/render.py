"""Placeholders: how answer templates get commune-specific facts from the profile.

An answer writes ``{hotline}`` or ``{delegates}`` instead of a phone number or a list of names;
``render`` fills them from the commune profile when the answer is sent, so one knowledge base
serves every commune and a schedule change is one edit in the profile. ``{{`` and ``}}`` give
literal braces. ``PLACEHOLDERS`` is the closed list ``kb check`` accepts (plus ``extra_<key>``
for every key under ``extra:`` in the profile).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable

from knowledge.profile import CommuneProfile, Event, Person

__all__ = ["MISSING", "PLACEHOLDERS", "context", "placeholders_in", "police_contact", "render"]

MISSING = "(xã chưa cập nhật thông tin này)"

_WEEKDAYS = ["thứ Hai", "thứ Ba", "thứ Tư", "thứ Năm", "thứ Sáu", "thứ Bảy", "Chủ nhật"]


def _day(d: dt.date | None) -> str:
    return f"{_WEEKDAYS[d.weekday()]} {d:%d/%m/%Y}" if d else "ngày sẽ thông báo sau"


def _event_lines(events: Iterable[Event], profile: CommuneProfile, today: dt.date) -> str:
    lines = []
    for e in events:
        if e.date is not None and e.date < today:
            continue
        when = _day(e.date) + (f", {e.time}" if e.time else "")
        line = f"• {when}: {e.title}"
        if e.place:
            line += f" – {e.place}"
        names = [v.name for vid in e.villages if (v := profile.village(vid)) is not None]
        if names:
            line += f" (cử tri {', '.join(names)})"
        if e.note:
            line += f". {e.note}"
        lines.append(line)
        if len(lines) == 6:
            break
    return "\n".join(lines) if lines else "• Hiện chưa có lịch mới; lịch sẽ được thông báo sau."


def _people_lines(profile: CommuneProfile, pick: Callable[..., tuple[Person, ...]]) -> str:
    lines = []
    for v in profile.villages:
        people = pick(v)
        if not people:
            continue
        who = "; ".join(p.name + (f" – {p.phone}" if p.phone else "") for p in people)
        lines.append(f"• {v.name}: {who}")
    return "\n".join(lines) if lines else MISSING


def police_contact(profile: CommuneProfile) -> str:
    """How to reach the commune police, one line per fact. A fact the profile lacks is replaced
    by the place that can give it (the one-stop office, the hotline), never left blank."""
    police = profile.police
    office = profile.office
    ask = f"hỏi {office.name}, {office.address} (điện thoại {office.phone})"
    if police is None or not (police.address or police.phone or police.hours):
        return (
            "• Bot chưa có địa chỉ, số điện thoại riêng của Công an xã: "
            f"{ask}, hoặc gọi đường dây nóng của xã {profile.hotline}."
        )
    return "\n".join(
        (
            f"• Trụ sở: {police.address or ask}",
            f"• Điện thoại: {police.phone or f'gọi đường dây nóng của xã {profile.hotline}'}",
            f"• Giờ tiếp dân: {police.hours or 'gọi trước để hỏi'}",
        )
    )


def _leaders(profile: CommuneProfile) -> str:
    """The commune's leaders as the profile lists them; never a name the profile lacks."""
    if not profile.leaders:
        office = profile.office
        where = f" và trên trang {profile.website}" if profile.website else ""
        return (
            f"• Danh sách lãnh đạo xã được niêm yết tại trụ sở xã{where}; "
            f"hỏi {office.name} (điện thoại {office.phone})."
        )
    return "\n".join(
        f"• {p.role + ': ' if p.role else ''}{p.name}{f' – {p.phone}' if p.phone else ''}"
        for p in profile.leaders
    )


def _chairman_reception(profile: CommuneProfile) -> str:
    if profile.chairman_reception:
        return profile.chairman_reception
    office = profile.office
    return (
        "Lịch tiếp công dân của Chủ tịch UBND xã được niêm yết tại trụ sở xã; "
        f"gọi {office.name} ({office.phone}) để hỏi ngày tiếp và đăng ký trước."
    )


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


# name -> (description for docs, function producing the value)
PLACEHOLDERS: dict[str, tuple[str, Callable[[CommuneProfile, dt.date], str]]] = {
    "commune": ("tên xã, viết thường đầu câu: 'xã Tân Phú An'", lambda p, t: p.name),
    "Commune": ("tên xã viết hoa chữ đầu: 'Xã Tân Phú An'", lambda p, t: _capital(p.name)),
    "province": ("tên tỉnh", lambda p, t: p.province),
    "office_name": ("tên Trung tâm Phục vụ hành chính công xã", lambda p, t: p.office.name),
    "office_address": ("địa chỉ bộ phận một cửa", lambda p, t: p.office.address),
    "office_hours": ("giờ làm việc", lambda p, t: p.office.hours),
    "office_phone": ("điện thoại bộ phận một cửa", lambda p, t: p.office.phone),
    "hotline": ("đường dây nóng của xã", lambda p, t: p.hotline),
    "website": ("trang thông tin điện tử của xã", lambda p, t: p.website),
    "council_website": ("trang của HĐND xã", lambda p, t: p.council_website),
    "council_phone": ("điện thoại Văn phòng HĐND xã", lambda p, t: p.council_phone),
    "villages": ("danh sách thôn", lambda p, t: ", ".join(v.name for v in p.villages)),
    "delegates": (
        "đại biểu HĐND theo thôn, mỗi thôn một dòng",
        lambda p, t: _people_lines(p, lambda v: v.delegates),
    ),
    "digital_team": (
        "liên hệ Tổ công nghệ số theo thôn, mỗi thôn một dòng",
        lambda p, t: _people_lines(p, lambda v: v.digital_team),
    ),
    "committees": ("các ban của HĐND", lambda p, t: ", ".join(c.name for c in p.committees)),
    "categories": (
        "các lĩnh vực kiến nghị",
        lambda p, t: ", ".join(c.name for c in p.categories),
    ),
    "voter_meetings": (
        "lịch tiếp xúc cử tri sắp tới",
        lambda p, t: _event_lines(p.voter_meetings, p, t),
    ),
    "citizen_reception": (
        "lịch tiếp công dân sắp tới",
        lambda p, t: _event_lines(p.citizen_reception, p, t),
    ),
    "citizen_reception_rule": (
        "quy định tiếp công dân định kỳ",
        lambda p, t: p.citizen_reception_rule,
    ),
    "council_sessions": (
        "các kỳ họp HĐND sắp tới",
        lambda p, t: _event_lines(p.council_sessions, p, t),
    ),
    "digital_plan": ("kế hoạch chuyển đổi số của xã", lambda p, t: p.digital_plan),
    "digital_classes": ("lịch lớp Bình dân học vụ số", lambda p, t: p.digital_classes),
    "police_name": (
        "tên Công an xã (mặc định: 'Công an' + tên xã)",
        lambda p, t: p.police.name if p.police and p.police.name else f"Công an {p.name}",
    ),
    "police_contact": (
        "trụ sở, điện thoại, giờ tiếp dân của Công an xã (thiếu thì chỉ tới một cửa)",
        lambda p, t: police_contact(p),
    ),
    "leaders": ("lãnh đạo xã theo hồ sơ (không có thì chỉ nơi hỏi)", lambda p, t: _leaders(p)),
    "chairman_reception": (
        "lịch tiếp công dân của Chủ tịch UBND xã (không có thì chỉ tới một cửa)",
        lambda p, t: _chairman_reception(p),
    ),
    "petition_due_days": (
        "số ngày làm việc để trả lời kiến nghị",
        lambda p, t: str(p.petitions.due_working_days),
    ),
}

_PLACEHOLDER = re.compile(r"\{\{|\}\}|\{([A-Za-z_][A-Za-z0-9_]*)\}")


def placeholders_in(template: str) -> list[str]:
    """Names of the placeholders used in ``template``, in order of appearance."""
    return [m.group(1) for m in _PLACEHOLDER.finditer(template) if m.group(1)]


def known_placeholders(profile: CommuneProfile | None) -> set[str]:
    names = set(PLACEHOLDERS)
    if profile is not None:
        names |= {f"extra_{k}" for k in profile.extra}
    return names


def context(profile: CommuneProfile, today: dt.date | None = None) -> dict[str, str]:
    """Every placeholder's value for this profile (empty values become ``MISSING``)."""
    today = today or dt.date.today()
    values = {name: fn(profile, today) for name, (_, fn) in PLACEHOLDERS.items()}
    values.update({f"extra_{k}": v for k, v in profile.extra.items()})
    return {k: (v.strip() or MISSING) for k, v in values.items()}


def render(template: str, values: dict[str, str]) -> str:
    """Fill ``{name}`` placeholders; an unknown name is left as it is (``kb check`` reports it)."""

    def sub(m: re.Match[str]) -> str:
        token = m.group(0)
        if token == "{{":
            return "{"
        if token == "}}":
            return "}"
        return values.get(m.group(1), token)

    return _PLACEHOLDER.sub(sub, template)
