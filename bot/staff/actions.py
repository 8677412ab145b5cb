"""One staff change to one petition, shared by the dashboard forms and the staff JSON API.

The change runs inside one workflow transaction with the petition row locked (``FOR UPDATE`` on
PostgreSQL; SQLite serialises writers) and carries the version the member saw: if someone else
changed the petition meanwhile, the workflow refuses with ``StaleVersion``. A
concurrent write that slips past (SQLAlchemy's ``StaleDataError`` from the version column) is
reported with the same message. Either way the transaction rolls back and nothing changes.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from multidict import MultiDict
from sqlalchemy.orm.exc import StaleDataError

from bot.integers import MAX_INT4, parse_int
from bot.runtime import Runtime
from bot.staff.dates import parse_date
from bot.staff.forms import BadInput, field, note_field
from bot.staff.labels import Labels
from bot.staff.roles import StaffUser
from handlers import workflow
from handlers.texts.staff_followup import StaffFollowupTexts
from handlers.workflow import Actor, Change, StaleVersion, calendar
from handlers.workflow import council as workflow_council
from storage import petitions as repo
from storage.models import Petition

STALE_MESSAGE = (
    "Kiến nghị vừa được người khác cập nhật. Thay đổi của bạn CHƯA được lưu. "
    "Hãy xem trạng thái mới nhất bên dưới rồi thực hiện lại nếu vẫn cần."
)


class ActionRefused(Exception):
    """The member may not do this here; ``status`` is the HTTP status to answer with."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


NOT_FOUND = "Không tìm thấy kiến nghị với mã này."
OTHER_COMMITTEE = "Kiến nghị này do ban khác phụ trách; tài khoản của bạn không xem được."


def check_due(due: dt.date | None, petition: Petition, now: dt.datetime) -> None:
    """A due date before the petition arrived, or years ahead, is a typing mistake."""
    if due is None:
        return
    received = calendar.vn_today(petition.created_at)
    if due < received:
        raise BadInput(
            f"Hạn trả lời {due:%d/%m/%Y} sớm hơn ngày nhận kiến nghị ({received:%d/%m/%Y})."
        )
    if due > calendar.vn_today(now) + dt.timedelta(days=730):
        raise BadInput(f"Hạn trả lời {due:%d/%m/%Y} quá xa (tối đa 2 năm kể từ hôm nay).")


def change_from_form(form: MultiDict[str], action: str) -> Change:
    """Build a Change from the dashboard's action form; BadInput on anything malformed."""
    version_text = form.get("version", "")
    version = parse_int(version_text, 0, MAX_INT4)
    if version is None:
        raise BadInput(
            "Thiếu thông tin phiên bản của kiến nghị. Hãy tải lại trang rồi làm lại."
        ) from None
    change = Change(
        public_note=note_field(form, "public_note", "Ghi chú gửi công dân"),
        internal_note=note_field(form, "internal_note", "Ghi chú nội bộ"),
        expected_version=version,
    )
    if action in ("forward", "assign", "screen"):
        change.committee = field(form, "committee", limit=40) or None
    if action == "forward":
        change.forwarded_to = field(form, "forwarded_to", limit=200, label="Nơi nhận") or None
        change.forward_doc_no = field(form, "doc_no", limit=100, label="Số văn bản") or None
        change.due = parse_date(form.get("due", "")[:40], "Hạn trả lời")
    if action == "reject":
        change.reason = field(form, "reason", limit=40) or None
    if action == "reclassify":
        change.category = field(form, "category", limit=40) or None
        change.village = field(form, "village", limit=40) or None
    if action == "mark_duplicate":
        raw = field(form, "duplicate_of", limit=40)
        code = repo.normalize_code(raw)
        if raw and code is None:
            raise BadInput(f"«{raw}» không phải mã kiến nghị (8 ký tự, ví dụ AB3D7XYZ).")
        change.duplicate_of = code
    return change


@dataclass
class CouncilChange:
    """The council cycle's fields of a change (``handlers.workflow.council``); None: untouched."""

    summary: str | None = None
    session_id: int | None = None
    group_with: str | None = None
    resolution: str | None = None

    def __bool__(self) -> bool:
        return any(v is not None for v in vars(self).values())


COUNCIL_ONLY = "Chỉ Văn phòng HĐND và quản trị viên được chuyển kỳ họp hoặc gộp ý kiến."


async def perform(
    runtime: Runtime,
    user: StaffUser,
    code: str,
    action: str | None,
    change: Change,
    council: CouncilChange | None = None,
) -> Petition:
    """Apply ``action`` (and the council fields) for ``user``; raises ActionRefused, BadInput or
    a LifecycleError. A forward or an answer on a grouped petition reaches the whole group."""
    council = council or CouncilChange()
    if (council.session_id is not None or council.group_with) and not user.can("council"):
        raise ActionRefused(403, COUNCIL_ONLY)
    if council and not user.may_act("note"):
        raise ActionRefused(403, "Tài khoản của bạn không được sửa kiến nghị.")
    if action is None:
        pass
    elif action not in workflow.ACTIONS:
        raise BadInput(f"Không có thao tác «{action[:40]}».")
    elif not user.may_act(action):
        label = Labels.of(runtime.texts).action_label(action)
        raise ActionRefused(403, f"Tài khoản của bạn không được thực hiện «{label}».")
    try:
        async with workflow.transaction(
            runtime.db, runtime.services, on_commit=runtime.worker.wake
        ) as txn:
            petition = await workflow.petition_for_change(txn, code)
            if petition is None:
                raise ActionRefused(404, NOT_FOUND)
            if not user.sees(petition.committee):
                raise ActionRefused(403, OTHER_COMMITTEE)
            check_due(change.due, petition, txn.now)
            actor = Actor("staff", user.id, user.label)
            if action is not None:  # first: it checks the version the member saw
                await workflow.apply_action(txn, petition, action, actor, change)
            if council:
                await workflow_council.apply_council_change(
                    txn,
                    petition,
                    actor,
                    summary=council.summary,
                    session_id=council.session_id,
                    group_code=council.group_with,
                    resolution=council.resolution,
                )
            if action is not None:
                await workflow_council.spread_to_group(txn, petition, action, actor, change)
    except StaleDataError:
        raise StaleVersion(STALE_MESSAGE) from None
    except StaleVersion:
        raise StaleVersion(STALE_MESSAGE) from None
    return petition


PUBLISHERS = frozenset({"admin", "office"})


async def publish(
    runtime: Runtime, user: StaffUser, code: str, public: bool, public_text: bool | None
) -> None:
    """Show the petition on the public page or withdraw it (office and admin only)."""
    if user.role not in PUBLISHERS:
        texts = StaffFollowupTexts.of(runtime.texts)
        raise ActionRefused(403, texts.not_allowed_publish())
    async with workflow.transaction(runtime.db, runtime.services) as txn:
        petition = await workflow.petition_for_change(txn, code)
        if petition is None:
            raise ActionRefused(404, NOT_FOUND)
        await workflow.publication.set_public(
            txn, petition, Actor("staff", user.id, user.label), public, public_text
        )
