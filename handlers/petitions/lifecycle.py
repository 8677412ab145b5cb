"""The petition lifecycle: states, the transition table, and applying a change.

Every change goes through ``apply_action``: it checks the transition table, updates the petition,
appends an event (actor, time, from, to, public note, internal note) and queues the citizen's
notification in the outbox — all in the caller's transaction. The staff dashboard, the staff JSON
API and the citizen's own actions (answering a question, rating an answer) all use it, so there is
one set of rules.

Optimistic locking: callers pass the version they saw; if the petition changed since, the change
is refused with ``StaleVersion`` rather than silently overwriting another staff member's work.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from handlers import texts
from handlers.petitions import calendar
from handlers.petitions import texts as ptexts
from handlers.petitions.ui import channel_accepts_media
from handlers.types import Button, Reply
from knowledge.profile import CommuneProfile
from storage import outbox
from storage import petitions as repo
from storage.models import ChannelIdentity, Petition, PetitionEvent

RECEIVED, SCREENING, NEEDS_INFO, FORWARDED = "received", "screening", "needs_info", "forwarded"
ANSWERED, CLOSED, REJECTED, DUPLICATE, REOPENED = (
    "answered",
    "closed",
    "rejected",
    "duplicate",
    "reopened",
)
STATES = (
    RECEIVED,
    SCREENING,
    NEEDS_INFO,
    FORWARDED,
    ANSWERED,
    CLOSED,
    REJECTED,
    DUPLICATE,
    REOPENED,
)
OPEN_STATES = (RECEIVED, SCREENING, NEEDS_INFO, FORWARDED, REOPENED)
FINAL_STATES = (CLOSED, REJECTED, DUPLICATE)
# Waiting for the council's answer against a due date: the only states that can be (nearly)
# overdue. NEEDS_INFO is not among them: its clock is paused until the citizen answers.
AWAITING_ANSWER = (SCREENING, FORWARDED, REOPENED)

STATUS_LABELS = {
    RECEIVED: "Đã tiếp nhận",
    SCREENING: "Đang xem xét",
    NEEDS_INFO: "Cần bổ sung thông tin",
    FORWARDED: "Đã chuyển cơ quan giải quyết",
    ANSWERED: "Đã có trả lời",
    CLOSED: "Đã kết thúc",
    REJECTED: "Không tiếp nhận",
    DUPLICATE: "Trùng kiến nghị khác",
    REOPENED: "Mở lại",
}

REJECTION_REASONS = {
    "out_of_scope": "không thuộc thẩm quyền, phạm vi của HĐND xã",
    "complaint_denunciation": "là khiếu nại hoặc tố cáo, cần gửi theo thủ tục khiếu nại, tố cáo",
    "unclear": "nội dung chưa rõ, không xác định được sự việc",
    "abusive": "nội dung không phù hợp (xúc phạm, quảng cáo, vô nghĩa)",
}

INTAKE_CHANNELS = {
    "web": "Web chat",
    "telegram": "Telegram",
    "zalo": "Zalo",
    "in_person": "Trực tiếp tại xã",
    "voter_meeting": "Tiếp xúc cử tri",
    "citizen_reception": "Tiếp công dân",
    "phone": "Điện thoại",
}


@dataclass(frozen=True)
class Action:
    """A named change: which states it may start from, where it goes, what it needs."""

    name: str
    label: str
    sources: tuple[str, ...]
    target: str | None  # None: the state does not change (a note, an assignment)
    public: bool  # the citizen is told
    needs_public_note: bool = False


ACTIONS: dict[str, Action] = {
    a.name: a
    for a in (
        Action("screen", "Bắt đầu xem xét", (RECEIVED, REOPENED), SCREENING, True),
        Action("assign", "Giao ban phụ trách", OPEN_STATES, None, False),
        # the citizen picked the wrong category or village: staff correct it (and the routing)
        Action("reclassify", "Sửa lĩnh vực / thôn", OPEN_STATES, None, False),
        Action(
            "forward",
            "Chuyển UBND / cơ quan có thẩm quyền",
            (RECEIVED, SCREENING, REOPENED),
            FORWARDED,
            True,
        ),
        Action(
            "request_info",
            "Đề nghị công dân bổ sung thông tin",
            (RECEIVED, SCREENING, FORWARDED, REOPENED),
            NEEDS_INFO,
            True,
            needs_public_note=True,
        ),
        Action("info_received", "Công dân đã bổ sung thông tin", (NEEDS_INFO,), SCREENING, False),
        Action(
            "answer",
            "Ghi nhận trả lời",
            (SCREENING, FORWARDED, REOPENED),
            ANSWERED,
            True,
            needs_public_note=True,
        ),
        Action("close", "Kết thúc", (ANSWERED,), CLOSED, True),
        Action(
            "reject",
            "Không tiếp nhận",
            (RECEIVED, SCREENING, NEEDS_INFO, REOPENED),
            REJECTED,
            True,
        ),
        Action(
            "mark_duplicate",
            "Đánh dấu trùng",
            (RECEIVED, SCREENING, NEEDS_INFO, REOPENED),
            DUPLICATE,
            True,
        ),
        Action("reopen", "Mở lại", (ANSWERED, CLOSED, REJECTED, DUPLICATE), REOPENED, True),
        Action("note", "Ghi chú", STATES, None, False),
    )
}

# The staff API names target states; this maps a target status to the action that reaches it.
ACTION_FOR_STATUS = {
    SCREENING: "screen",
    FORWARDED: "forward",
    NEEDS_INFO: "request_info",
    ANSWERED: "answer",
    CLOSED: "close",
    REJECTED: "reject",
    DUPLICATE: "mark_duplicate",
    REOPENED: "reopen",
}


class LifecycleError(Exception):
    """A change the lifecycle does not allow; ``message`` is Vietnamese, for staff."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class TransitionNotAllowed(LifecycleError):
    pass


class StaleVersion(LifecycleError):
    pass


class InvalidChange(LifecycleError):
    pass


@dataclass
class Actor:
    """Who makes a change: a staff account, the citizen, or the system (timers)."""

    kind: str  # staff | citizen | system
    id: int | None = None
    label: str = ""


@dataclass
class Change:
    """Everything an action may carry."""

    public_note: str = ""
    internal_note: str = ""
    due: dt.date | None = None
    forwarded_to: str | None = None
    forward_doc_no: str | None = None
    committee: str | None = None
    reason: str | None = None
    duplicate_of: str | None = None  # a tracking code
    category: str | None = None  # reclassify: a category id of the profile
    village: str | None = None  # reclassify: a village id of the profile
    expected_version: int | None = None
    data: dict[str, Any] = field(default_factory=dict)


MAX_NOTE = 5000


def allowed_actions(status: str) -> list[Action]:
    """The actions the lifecycle allows from ``status``, in the order staff see them."""
    return [a for a in ACTIONS.values() if status in a.sources]


def status_label(status: str) -> str:
    return STATUS_LABELS.get(status, status)


def due_for(profile: CommuneProfile, now: dt.datetime) -> dt.date:
    """The default due date when a petition is forwarded today."""
    return calendar.add_working_days(
        calendar.vn_today(now), profile.petitions.due_working_days, profile.petitions.holidays
    )


def flags(petition: Petition, profile: CommuneProfile, now: dt.datetime) -> tuple[bool, bool]:
    """(overdue, nearly_overdue), computed; only a petition awaiting an answer can be late."""
    if petition.status not in AWAITING_ANSWER or petition.due_date is None:
        return False, False
    return calendar.deadline_flags(
        petition.due_date,
        calendar.vn_today(now),
        profile.petitions.holidays,
        profile.petitions.nearly_overdue_working_days,
    )


def _validate(petition: Petition, action: Action, change: Change, profile: CommuneProfile) -> None:
    for note in (change.public_note, change.internal_note):
        if len(note) > MAX_NOTE:
            raise InvalidChange(f"Ghi chú dài quá {MAX_NOTE} ký tự.")
    if action.needs_public_note and not change.public_note.strip():
        what = "câu hỏi gửi công dân" if action.name == "request_info" else "nội dung trả lời"
        raise InvalidChange(f"Cần nhập {what} (ghi chú công khai).")
    if action.name == "reject" and change.reason not in REJECTION_REASONS:
        codes = ", ".join(REJECTION_REASONS)
        raise InvalidChange(f"Cần chọn lý do không tiếp nhận ({codes}).")
    if action.name == "assign" and (
        not change.committee or profile.committee(change.committee) is None
    ):
        raise InvalidChange("Cần chọn một ban của HĐND xã.")
    if change.committee and profile.committee(change.committee) is None:
        raise InvalidChange(f"Không có ban '{change.committee}'.")
    if action.name == "mark_duplicate" and not change.duplicate_of:
        raise InvalidChange("Cần nhập mã kiến nghị bị trùng.")
    if action.name == "note" and not (change.public_note.strip() or change.internal_note.strip()):
        raise InvalidChange("Ghi chú trống.")
    if action.name == "reclassify":
        if change.category and profile.category(change.category) is None:
            raise InvalidChange(f"Không có lĩnh vực '{change.category}'.")
        if change.village and profile.village(change.village) is None:
            raise InvalidChange(f"Không có thôn '{change.village}'.")
        new_category = change.category and change.category != petition.category
        new_village = change.village and change.village != petition.village
        if not (new_category or new_village):
            raise InvalidChange("Chọn lĩnh vực hoặc thôn khác với hiện tại.")


def _reclassify(
    petition: Petition, change: Change, profile: CommuneProfile, data: dict[str, Any]
) -> None:
    """New category and/or village; the routing follows the category unless staff chose a ban."""
    if change.category and change.category != petition.category:
        old = profile.category(petition.category)
        new = profile.category(change.category)
        data.update(category=change.category, from_category=petition.category)
        petition.category = change.category
        routed_by_category = petition.committee is None or (
            old is not None and petition.committee == old.committee
        )
        if new is not None and routed_by_category and not change.committee:
            petition.committee = new.committee
            data["committee"] = new.committee
    if change.village and change.village != petition.village:
        data.update(village=change.village, from_village=petition.village or "")
        petition.village = change.village


async def apply_action(
    session: AsyncSession,
    petition: Petition,
    action_name: str,
    actor: Actor,
    change: Change,
    *,
    profile: CommuneProfile,
    now: dt.datetime,
    skip_identity_id: int | None = None,
) -> PetitionEvent:
    """Apply one change (validated against the transition table) and notify the citizen.

    ``skip_identity_id``: a citizen acting in chat gets a direct reply, not also a notification.
    """
    action = ACTIONS.get(action_name)
    if action is None:
        raise InvalidChange(f"Không có thao tác '{action_name}'.")
    if change.expected_version is not None and change.expected_version != petition.version:
        raise StaleVersion(
            "Kiến nghị vừa được người khác cập nhật. Tải lại trang để xem thay đổi mới nhất."
        )
    if petition.status not in action.sources:
        raise TransitionNotAllowed(
            f"Không thể '{action.label}' khi kiến nghị đang ở trạng thái "
            f"'{status_label(petition.status)}'."
        )
    _validate(petition, action, change, profile)

    before = petition.status
    data: dict[str, Any] = dict(change.data)
    if change.committee:
        petition.committee = change.committee
        data["committee"] = change.committee
    if action.name == "forward":
        petition.forwarded_to = (change.forwarded_to or "UBND xã").strip()[:200]
        petition.forward_doc_no = (change.forward_doc_no or "").strip()[:100] or None
        petition.due_date = change.due or due_for(profile, now)
        petition.forwarded_at = now
        data.update(forwarded_to=petition.forwarded_to, due=petition.due_date.isoformat())
        if petition.forward_doc_no:
            data["doc_no"] = petition.forward_doc_no
    elif change.due is not None:
        petition.due_date = change.due
        data["due"] = change.due.isoformat()
    if action.name == "reclassify":
        _reclassify(petition, change, profile, data)
    if action.name == "request_info":
        petition.paused_at = now
    if action.name == "info_received" and petition.paused_at is not None and petition.due_date:
        # The clock stopped while the citizen was asked; give those working days back.
        paused = calendar.working_days_between(
            calendar.vn_today(petition.paused_at),
            calendar.vn_today(now),
            profile.petitions.holidays,
        )
        if paused > 0:
            petition.due_date = calendar.add_working_days(
                petition.due_date, paused, profile.petitions.holidays
            )
        petition.paused_at = None
    if action.name == "answer":
        petition.answer = change.public_note.strip()
        petition.answered_at = now
        petition.satisfaction = None
    if action.name == "reject":
        petition.rejection_reason = change.reason
        data["reason"] = change.reason
    if action.name == "mark_duplicate":
        code = repo.normalize_code(change.duplicate_of or "")
        original = await repo.get_by_code(session, code) if code else None
        if (
            original is None
            or original.id == petition.id
            or original.commune_id != petition.commune_id
        ):
            raise InvalidChange("Không tìm thấy kiến nghị gốc với mã đã nhập.")
        petition.duplicate_of_id = original.id
        data["duplicate_of"] = original.code
        # Whoever waits on this petition now hears about the original one.
        for identity in await repo.recipients(session, petition):
            await repo.add_follower(session, original.id, identity.id, now)
    if action.name == "close":
        petition.closed_at = now
    if action.name == "reopen":
        petition.closed_at = None
        petition.rejection_reason = None
        petition.duplicate_of_id = None
    if action.target is not None:
        petition.status = action.target
    petition.updated_at = now

    event = PetitionEvent(
        petition_id=petition.id,
        at=now,
        actor_kind=actor.kind,
        actor_id=actor.id,
        actor_label=actor.label[:100],
        action=action.name,
        from_status=before,
        to_status=petition.status,
        public_note=change.public_note.strip(),
        internal_note=change.internal_note.strip(),
        data=data,
    )
    session.add(event)
    await session.flush()  # raises StaleDataError if another transaction changed the row

    if action.public or (action.name == "note" and change.public_note.strip()):
        reply = notification(petition, action.name, change, profile)
        if reply is not None:
            await notify(session, petition, reply, now, skip_identity_id=skip_identity_id)
    return event


def rating_buttons(code: str) -> list[Button]:
    """ "Resolved?" under an answer: in its notification and in the status shown in chat."""
    return [
        Button(text="✅ Đã giải quyết", payload=f"psat:{code}:yes"),
        Button(text="❌ Chưa giải quyết", payload=f"psat:{code}:no"),
    ]


def notification(
    petition: Petition, action: str, change: Change, profile: CommuneProfile
) -> Reply | None:
    """The message the citizen receives for a public change, in plain Vietnamese."""
    code = petition.code
    note = change.public_note.strip()
    head = f"Kiến nghị {code}: "
    if action == "screen":
        text = head + "HĐND xã đã bắt đầu xem xét."
    elif action == "forward":
        text = (
            head + f"đã được chuyển tới {petition.forwarded_to} để giải quyết. "
            f"Hạn trả lời: {calendar.vn_date(petition.due_date)}. "
            "HĐND xã sẽ theo dõi đến khi có kết quả."
        )
    elif action == "request_info":
        text = (
            head + f"HĐND xã cần bạn bổ sung thông tin:\n«{note}»\n\n"
            f"Bạn trả lời ngay trong tin nhắn tiếp theo{PHOTO_HINT}."
        )
        return Reply(
            text=text,
            buttons=[Button(text="Trả lời câu hỏi này", payload=f"pinfo:{code}")],
            meta={"petition_code": code, "status": petition.status, "action": action},
        )
    elif action == "answer":
        text = (
            head + f"đã có trả lời:\n«{note}»\n\n"
            "Câu trả lời này đã giải quyết được việc bạn nêu chưa? Bạn bấm một nút bên dưới. "
            f"Nếu sau {profile.petitions.satisfaction_timeout_days} ngày chưa có ý kiến, "
            "kiến nghị sẽ tự kết thúc."
        )
        return Reply(
            text=text,
            buttons=rating_buttons(code),
            meta={"petition_code": code, "status": petition.status, "action": action},
        )
    elif action == "close" and change.data.get("auto"):
        text = (
            head + f"đã kết thúc vì sau {profile.petitions.satisfaction_timeout_days} ngày "
            "chưa nhận được ý kiến của bạn về câu trả lời. Nếu việc vẫn chưa được giải quyết, "
            f"bạn gửi kiến nghị mới (gõ /kiennghi) và ghi rõ mã {code}."
        )
        return Reply(
            text=text, meta={"petition_code": code, "status": petition.status, "action": action}
        )
    elif action == "close":
        text = head + "đã kết thúc. Cảm ơn bạn đã đóng góp ý kiến với HĐND xã."
    elif action == "reject":
        reason = REJECTION_REASONS.get(petition.rejection_reason or "", "")
        text = head + f"HĐND xã không tiếp nhận vì {reason}."
        if petition.rejection_reason == "complaint_denunciation":
            text += (
                f" Bạn có thể gửi đơn tại Bộ phận tiếp công dân của {profile.name} "
                f"hoặc gọi {profile.hotline} để được hướng dẫn."
            )
    elif action == "mark_duplicate":
        text = (
            head + "trùng với một kiến nghị đã được tiếp nhận trước đó. HĐND xã sẽ giải quyết "
            "chung, và bạn sẽ nhận thông báo khi có kết quả."
        )
    elif action == "reopen" and change.data.get("citizen_note"):
        # The note is the citizen's own comment: followers are told the fact, not the words.
        text = (
            head + "người gửi cho biết việc chưa được giải quyết, nên kiến nghị được mở lại. "
            "HĐND xã sẽ xem xét lại và báo bạn kết quả."
        )
        return Reply(
            text=text, meta={"petition_code": code, "status": petition.status, "action": action}
        )
    elif action == "reopen":
        text = head + "đã được mở lại để tiếp tục xem xét."
    elif action == "note":
        text = head + note
    else:
        return None
    if note and action not in ("note",):
        text += f"\nGhi chú của HĐND xã: {note}"
    return Reply(
        text=text, meta={"petition_code": code, "status": petition.status, "action": action}
    )


# Where a channel can carry photos, the council's question says they are welcome.
PHOTO_HINT = " (có thể gửi kèm ảnh)"


def for_recipient(petition: Petition, reply: Reply, identity: ChannelIdentity) -> Reply:
    """The notification as this recipient should read it: a follower's variant, no mention of
    photos on a channel that cannot send them, and a way to see the whole status."""
    message = reply if identity.id == petition.identity_id else for_follower(petition, reply)
    text = message.text
    if not channel_accepts_media(identity.channel):
        text = text.replace(PHOTO_HINT, "")
    buttons = list(message.buttons)
    if not buttons:
        buttons = [Button(text=ptexts.BTN_TRACK_THIS, payload=f"ptrack:{petition.code}")]
        if message.meta.get("action") == "reject":
            buttons.append(Button(text=texts.BTN_HUMAN, payload="topic:contact-human"))
        buttons.append(texts.menu_button())
    return Reply(text=text, buttons=buttons, meta=dict(message.meta))


def for_follower(petition: Petition, reply: Reply) -> Reply:
    """The variant a follower receives: only the submitter can answer the council's question."""
    if reply.meta.get("action") != "request_info":
        return reply
    return Reply(
        text=(
            f"Kiến nghị {petition.code}: HĐND xã đã đề nghị người gửi bổ sung thông tin. "
            "Bạn sẽ nhận tin nhắn khi kiến nghị có tiến triển."
        ),
        meta=dict(reply.meta),
    )


async def notify(
    session: AsyncSession,
    petition: Petition,
    reply: Reply,
    now: dt.datetime,
    *,
    skip_identity_id: int | None = None,
) -> int:
    """Queue ``reply`` for the submitter and every follower, on the channel each used."""
    count = 0
    for identity in await repo.recipients(session, petition):
        if identity.id == skip_identity_id:
            continue
        message = for_recipient(petition, reply, identity)
        session.add(
            outbox.new_message(
                commune_id=petition.commune_id,
                channel=identity.channel,
                recipient=identity.external_user_id,
                identity_id=identity.id,
                body=message.to_dict(),
                now=now,
                kind="push",
                petition_id=petition.id,
            )
        )
        count += 1
    return count
