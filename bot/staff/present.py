"""How a petition is shown to one staff member: labels, flags, and only the data their role allows.

The dashboard and the staff JSON API both go through ``petition_view``/``petition_json`` so the
rule "viewer and digital team never see contact details, exact location, attachments or internal
notes" is written once.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from bot.integers import parse_int
from bot.staff.dates import iso_date, parse_date, vn_midnight
from bot.staff.forms import BadInput
from bot.staff.labels import ActionView, Labels
from bot.staff.masking import for_role, petition_text
from bot.staff.roles import StaffUser
from handlers import phones, workflow
from handlers.workflow import calendar
from knowledge import normalize
from knowledge.profile import CommuneProfile
from storage.models import Petition, PetitionAttachment, PetitionEvent
from storage.petitions import PetitionFilter, fold_name

PAGE_SIZE = 25
MAX_SEARCH = 200  # characters of a search; longer is refused with a message
AWAITING = workflow.AWAITING_ANSWER  # the statuses flags() and the "Hạn" filter apply to
ATTACHMENT_KINDS = {
    "photo": "Ảnh",
    "file": "Tệp",
    "voice": "Ghi âm",
    "video": "Video",
    "answer": "Văn bản trả lời",
}


def category_name(profile: CommuneProfile, category_id: str | None) -> str:
    found = profile.category(category_id) if category_id else None
    return found.name if found else (category_id or "")


def committee_name(profile: CommuneProfile, committee_id: str | None) -> str:
    found = profile.committee(committee_id) if committee_id else None
    return found.name if found else (committee_id or "")


def village_name(profile: CommuneProfile, village_id: str | None) -> str:
    found = profile.village(village_id) if village_id else None
    return found.name if found else (village_id or "")


def flags(petition: Petition, profile: CommuneProfile, now: dt.datetime) -> tuple[bool, bool]:
    """(overdue, nearly overdue) of one petition now."""
    return calendar.flags(petition.status, petition.due_date, profile, now)


def map_links(latitude: float | None, longitude: float | None) -> dict[str, str]:
    if latitude is None or longitude is None:
        return {}
    lat, lon = f"{latitude:.6f}", f"{longitude:.6f}"
    return {
        "osm": f"https://www.openstreetmap.org/?mlat={lat}&mlon={lon}#map=18/{lat}/{lon}",
        "google": f"https://www.google.com/maps/search/?api=1&query={quote(lat + ',' + lon)}",
    }


def attachment_view(item: PetitionAttachment) -> dict[str, Any]:
    ref = item.ref or ""
    link = ref if ref.startswith("https://") or ref.startswith("http://") else ""
    return {
        "id": item.id,
        "kind": item.kind,
        "kind_label": ATTACHMENT_KINDS.get(item.kind, item.kind),
        "channel": item.channel,
        "name": item.name or "",
        "mime": item.mime or "",
        "size": item.size,
        "url": link,
        "ref": "" if link else ref,
    }


def event_view(
    event: PetitionEvent,
    user: StaffUser,
    labels: Labels,
    profile: CommuneProfile | None = None,
    petition: Petition | None = None,
) -> dict[str, Any]:
    internal = event.internal_note if user.can("personal") else ""
    public_note = event.public_note
    if event.actor_kind == "citizen" and public_note:  # the citizen's own words: may name them
        public_note = petition_text(public_note, petition, user)
    data = event.data or {}
    changes = []
    if profile is not None and data.get("from_category") is not None:
        old, new = data["from_category"], data.get("category")
        changes.append(f"lĩnh vực: {category_name(profile, old)} → {category_name(profile, new)}")
    if profile is not None and data.get("from_village") is not None:
        old = village_name(profile, data["from_village"]) or "không rõ"
        changes.append(f"thôn: {old} → {village_name(profile, data.get('village'))}")
    return {
        "changes": changes,
        "document": data.get("document"),  # the answer document: not personal data
        "at": event.at,
        "action": event.action,
        "action_label": labels.action_label(event.action),
        "from": event.from_status,
        "to": event.to_status,
        "actor_kind": event.actor_kind,
        "actor": event.actor_label
        or {"citizen": "Công dân", "system": "Hệ thống"}.get(event.actor_kind, ""),
        "public_note": public_note,
        "internal_note": internal,
        "data": {k: v for k, v in data.items() if k != "citizen_note"}
        if user.can("personal")
        else {
            k: v
            for k, v in data.items()
            if k in ("due", "committee", "reason", "category", "from_category")
        },
    }


def petition_json(
    petition: Petition,
    user: StaffUser,
    profile: CommuneProfile,
    now: dt.datetime,
    labels: Labels,
    *,
    duplicate_code: str | None = None,
    events: list[PetitionEvent] | None = None,
    attachments: list[PetitionAttachment] | None = None,
) -> dict[str, Any]:
    """The staff API's petition object (see docs/staff.md for every field)."""
    overdue, nearly = flags(petition, profile, now)
    data: dict[str, Any] = {
        "code": petition.code,
        "status": petition.status,
        "status_label": labels.status_label(petition.status),
        "category": petition.category,
        "category_label": category_name(profile, petition.category),
        "committee": petition.committee,
        "village": petition.village,
        "place": petition.place_text,
        "content": petition_text(petition.content, petition, user),
        "intake_channel": petition.intake_channel,
        "priority": bool(petition.priority),
        "created_at": petition.created_at.isoformat(),
        "updated_at": petition.updated_at.isoformat() if petition.updated_at else None,
        "due": iso_date(petition.due_date) or None,
        "overdue": overdue,
        "nearly_overdue": nearly,
        "forwarded_to": petition.forwarded_to,
        "forward_doc_no": petition.forward_doc_no,
        "forwarded_at": petition.forwarded_at.isoformat() if petition.forwarded_at else None,
        "answer": petition.answer,
        "answered_at": petition.answered_at.isoformat() if petition.answered_at else None,
        "closed_at": petition.closed_at.isoformat() if petition.closed_at else None,
        "satisfaction": petition.satisfaction,
        "rejection_reason": petition.rejection_reason,
        "duplicate_of": duplicate_code,
        "anonymous": bool(petition.anonymous),
        "version": petition.version,
        "public": petition.public_at is not None,
        "public_text": bool(petition.public_text),
        "allowed_statuses": allowed_statuses(petition.status, user, labels),
    }
    if user.can("personal"):
        data["contact"] = {"name": petition.contact_name, "phone": petition.contact_phone}
        data["location"] = (
            {"latitude": petition.latitude, "longitude": petition.longitude}
            if petition.latitude is not None
            else None
        )
        if attachments is not None:
            data["attachments"] = [attachment_view(a) for a in attachments]
    if events is not None:
        data["events"] = [
            {
                **{
                    k: v
                    for k, v in event_view(e, user, labels, petition=petition).items()
                    if k != "at"
                },
                "at": e.at.isoformat(),
            }
            for e in events
        ]
        if not user.can("personal"):
            for item in data["events"]:
                item.pop("internal_note", None)
    return data


def allowed_statuses(status: str, user: StaffUser, labels: Labels) -> list[str]:
    """The statuses this member may move the petition to now (the API's view of actions)."""
    out = []
    for action in allowed_actions(status, user, labels):
        if action.target is not None and action.target not in out:
            out.append(action.target)
    return out


def allowed_actions(status: str, user: StaffUser, labels: Labels) -> list[ActionView]:
    return [a for a in labels.action_views(status) if user.may_act(a.name)]


def similar(
    pool: list[tuple[str, str, str, str, str, str | None]],
    petition: Any,
    limit: int = 5,
    *,
    personal: bool = True,
) -> list[dict[str, Any]]:
    """The petitions most likely to describe the same problem, by the same rule the chat uses to
    offer "follow this one instead" (wording, same category, a different village or number)."""
    if not pool:
        return []
    ranked = workflow.similar.rank_pool(
        pool, petition.content_norm, petition.category, petition.village, limit
    )
    out = []
    for score, index in ranked:
        code, status, _norm, content, _category, _village = pool[index]
        content = for_role(content, personal)
        out.append(
            {
                "code": code,
                "status": status,
                "score": round(score),
                "content": content if len(content) <= 160 else content[:160] + "…",
            }
        )
    return out


# --- inbox filters ------------------------------------------------------------------------


@dataclass
class InboxQuery:
    """The inbox's filters as typed in the form (strings), kept for links and pagination."""

    status: str = ""
    category: str = ""
    committee: str = ""
    village: str = ""
    flag: str = ""  # overdue | nearly
    channel: str = ""
    date_from: str = ""
    date_to: str = ""
    q: str = ""
    page: int = 1
    errors: list[str] = field(default_factory=list)

    def params(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "category": self.category,
            "committee": self.committee,
            "village": self.village,
            "flag": self.flag,
            "channel": self.channel,
            "from": self.date_from,
            "to": self.date_to,
            "q": self.q,
        }


STATUS_GROUPS = {"open": workflow.OPEN_STATES, "awaiting": AWAITING}


def parse_inbox(query: Any, profile: CommuneProfile) -> InboxQuery:
    """Read the inbox filters; unknown values are dropped with a message (never an error page)."""
    iq = InboxQuery()

    def pick(name: str, allowed: Any, label: str) -> str:
        value = (query.get(name) or "").strip()
        if value and value not in allowed:
            iq.errors.append(f"{label} «{value[:40]}» không có; bộ lọc này đã được bỏ qua.")
            return ""
        return value

    iq.status = pick("status", (*workflow.STATES, *STATUS_GROUPS), "Trạng thái")
    iq.category = pick("category", [c.id for c in profile.categories], "Lĩnh vực")
    iq.committee = pick("committee", [c.id for c in profile.committees], "Ban")
    iq.village = pick("village", [v.id for v in profile.villages], "Thôn")
    iq.flag = pick("flag", ("overdue", "nearly"), "Hạn")
    iq.channel = pick("channel", workflow.INTAKE_CHANNELS, "Kênh tiếp nhận")
    iq.q = (query.get("q") or "").strip()
    if len(iq.q) > MAX_SEARCH:
        iq.errors.append(search_too_long())
        iq.q = ""
    for name, label in (("from", "Từ ngày"), ("to", "Đến ngày")):
        value = (query.get(name) or "").strip()[:40]
        try:
            parse_date(value, label)
        except BadInput as err:
            iq.errors.append(err.message + " Bộ lọc ngày này đã được bỏ qua.")
            value = ""
        if name == "from":
            iq.date_from = value
        else:
            iq.date_to = value
    page = parse_int(query.get("page") or "1", 1, 10_000)
    if page is None:
        iq.errors.append("Số trang phải là số nguyên từ 1 đến 10.000; đang hiện trang 1.")
    iq.page = page or 1
    return iq


def inbox_filter(
    iq: InboxQuery, user: StaffUser, profile: CommuneProfile, now: dt.datetime
) -> PetitionFilter:
    """The storage filter for these inbox choices, narrowed to what ``user`` may see."""
    statuses: tuple[str, ...] = ()
    if iq.status in STATUS_GROUPS:
        statuses = tuple(STATUS_GROUPS[iq.status])
    elif iq.status:
        statuses = (iq.status,)
    flt = PetitionFilter(
        commune_id=profile.id,
        statuses=statuses,
        category=iq.category or None,
        committee=user.scope_committee or iq.committee or None,
        village=iq.village or None,
        intake_channel=iq.channel or None,
    )
    start = parse_date(iq.date_from)
    end = parse_date(iq.date_to)
    if start:
        flt.since = vn_midnight(start)
    if end:
        flt.until = vn_midnight(end + dt.timedelta(days=1))
    if iq.flag:
        today = calendar.vn_today(now)
        awaiting = [s for s in AWAITING if not statuses or s in statuses]
        flt.statuses = awaiting or ("\x00none",)
        if iq.flag == "overdue":
            flt.due_before = today - dt.timedelta(days=1)
        else:
            flt.due_after = today
            flt.due_before = calendar.nearly_overdue_horizon(
                today, profile.petitions.holidays, profile.petitions.nearly_overdue_working_days
            )
    if iq.q:
        apply_search(flt, iq.q, user)
    return flt


def search_too_long() -> str:
    return (
        f"Nội dung tìm kiếm dài quá {MAX_SEARCH} ký tự; hãy nhập ngắn hơn "
        "(ví dụ một số điện thoại hoặc vài từ)."
    )


def apply_search(flt: PetitionFilter, q: str, user: StaffUser) -> None:
    """Words of the text or the code; for roles that may see contact details also the
    petitioner's name (without diacritics) and phone number in any written form. Other roles
    search as if the contact fields did not exist."""
    flt.search_norm = normalize(q) or q.lower()
    if user.can("personal"):
        flt.search_name = fold_name(q) or None
        flt.search_phone = phones.search_key(q)
