"""The council cycle's actions on a petition: the staff summary, the session it is compiled for,
joining a group of identical opinions, how an answer settled it — and carrying a forward or an
answer to every petition of a group.

Each function writes its event in the caller's transaction. None of them changes what the
citizen sees of their own petition, so none notifies anyone — except ``spread_to_group``, which
performs the real ``forward``/``answer`` action on each member, so each member's citizen is told
exactly as if staff had acted on their petition alone. The citizen's own words (``content``)
are never touched: the summary sits next to them.
"""

from __future__ import annotations

from typing import Any

from handlers.context import Txn
from handlers.texts.council import CouncilTexts
from handlers.workflow.actions import apply_action
from handlers.workflow.changes import Actor, Change, InvalidChange
from handlers.workflow.events import same_status_event
from handlers.workflow.states import ANSWERED, FINAL_STATES, FORWARDED
from handlers.workflow.transitions import TRANSITIONS
from storage import council as council_repo
from storage import petitions as petitions_repo
from storage.models import CouncilSession, Petition, PetitionEvent

MAX_SUMMARY = 1000
RESOLUTIONS = ("resolved", "in_progress", "explained", "unresolved")
SPREAD = ("forward", "answer")  # what a group does once for all its members


def _texts(txn: Txn) -> CouncilTexts:
    return CouncilTexts.of(txn.texts)


def _event(
    txn: Txn, petition: Petition, actor: Actor, action: str, note: str, data: dict[str, Any]
) -> PetitionEvent:
    return same_status_event(txn, petition, actor, action, note=note, data=data)


def clean_summary(txn: Txn, text: str) -> str:
    """The summary as stored (trimmed, spaces collapsed); InvalidChange when too long."""
    summary = " ".join(text.split())
    if len(summary) > MAX_SUMMARY:
        raise InvalidChange(_texts(txn).summary_long(max=MAX_SUMMARY))
    return summary


async def set_summary(txn: Txn, petition: Petition, actor: Actor, text: str) -> PetitionEvent:
    """Write the staff summary (nội dung tóm tắt) reports use; empty removes it."""
    summary = clean_summary(txn, text)
    before = petition.summary or ""
    petition.summary = summary or None
    return _event(
        txn,
        petition,
        actor,
        "summary",
        _texts(txn).event_summary(),
        {"summary": summary, "from_summary": before},
    )


async def move_to_session(
    txn: Txn, petition: Petition, actor: Actor, target: CouncilSession
) -> PetitionEvent:
    """Compile the petition for ``target`` instead of the session it defaults to."""
    if target.commune_id != petition.commune_id:
        raise InvalidChange(_texts(txn).session_not_found(id=target.id))
    petition.session_id = target.id
    return _event(
        txn,
        petition,
        actor,
        "session",
        _texts(txn).event_session(number=target.number),
        {"session": target.id, "number": target.number},
    )


async def set_resolution(txn: Txn, petition: Petition, actor: Actor, value: str) -> PetitionEvent:
    """How the answer settled the petition, in the classes the results report counts."""
    t = _texts(txn)
    if value not in RESOLUTIONS:
        raise InvalidChange(t.resolution_unknown(value=value[:40], values=", ".join(RESOLUTIONS)))
    petition.resolution = value
    return _event(
        txn, petition, actor, "resolution", t.resolution.text(value), {"resolution": value}
    )


async def group_with(
    txn: Txn, petition: Petition, actor: Actor, other: Petition | None, code: str
) -> PetitionEvent:
    """Join ``petition`` (and any group it leads) to the group of ``other``: one item, N lượt.

    The group's lead is the petition the others joined; a member catches up with what the
    group already went through (forwarded, answered), so its citizen hears the answer too.
    """
    t = _texts(txn)
    if other is None or other.commune_id != petition.commune_id:
        raise InvalidChange(t.group_not_found(code=code))
    lead_id = other.group_id or other.id
    if other.id == petition.id:
        raise InvalidChange(t.group_self())
    if lead_id == petition.id or petition.group_id == lead_id:
        raise InvalidChange(t.group_same(code=other.code))
    # the petition's own group (if it led one) moves with it
    for member in await council_repo.group_members(txn.session, petition.id):
        if member.id != petition.id and member.group_id == petition.id:
            member.group_id = lead_id
    petition.group_id = lead_id
    await txn.session.flush()
    members = await council_repo.group_members(txn.session, lead_id)
    lead = members[0]
    event = _event(
        txn,
        petition,
        actor,
        "group",
        t.event_group(code=lead.code, count=len(members)),
        {"group": lead.code, "count": len(members)},
    )
    await txn.session.flush()
    await _catch_up(txn, lead, petition, actor)
    return event


async def _catch_up(txn: Txn, lead: Petition, member: Petition, actor: Actor) -> None:
    if lead.status in (FORWARDED, ANSWERED) and member.status in TRANSITIONS["forward"].sources:
        change = Change(forwarded_to=lead.forwarded_to, due=lead.due_date)
        await apply_action(txn, member, "forward", actor, change)
    if lead.status == ANSWERED and lead.answer and member.status in TRANSITIONS["answer"].sources:
        await apply_action(txn, member, "answer", actor, Change(public_note=lead.answer))
        member.resolution = lead.resolution


async def spread_to_group(
    txn: Txn, petition: Petition, name: str, actor: Actor, change: Change
) -> int:
    """After ``name`` was done on a grouped petition, do it on every other member that may
    take it (each writes its event and tells its citizen). Returns how many were changed."""
    if name not in SPREAD:
        return 0
    lead_id = petition.group_id or petition.id
    done = 0
    for member in await council_repo.group_members(txn.session, lead_id):
        if member.id == petition.id or member.status in FINAL_STATES:
            continue
        if member.status not in TRANSITIONS[name].sources:
            continue
        copy = Change(
            public_note=change.public_note,
            due=petition.due_date if name == "forward" else None,
            forwarded_to=petition.forwarded_to if name == "forward" else None,
            forward_doc_no=petition.forward_doc_no if name == "forward" else None,
            data={"group": petition.code},
        )
        await apply_action(txn, member, name, actor, copy)
        if name == "answer":
            member.resolution = petition.resolution
        done += 1
    return done


async def apply_council_change(
    txn: Txn,
    petition: Petition,
    actor: Actor,
    *,
    summary: str | None = None,
    session_id: int | None = None,
    group_code: str | None = None,
    resolution: str | None = None,
) -> list[PetitionEvent]:
    """The council fields of one staff change, in order: summary, session, group, resolution."""
    events = []
    if summary is not None:
        events.append(await set_summary(txn, petition, actor, summary))
    if session_id is not None:
        target = await council_repo_session(txn, session_id)
        if target is None:
            raise InvalidChange(_texts(txn).session_not_found(id=session_id))
        events.append(await move_to_session(txn, petition, actor, target))
    if group_code is not None:
        other = await petitions_repo.get_by_code(txn.session, group_code)
        events.append(await group_with(txn, petition, actor, other, group_code))
    if resolution is not None:
        events.append(await set_resolution(txn, petition, actor, resolution))
    await txn.session.flush()
    return events


async def council_repo_session(txn: Txn, session_id: int) -> CouncilSession | None:
    return await council_repo.get_session(txn.session, txn.profile.id, session_id)
