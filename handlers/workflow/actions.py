"""One function per action on a petition; each checks, changes, records and notifies.

Every action goes through ``_perform``: the transition table (``transitions``) and the version
the caller saw (optimistic locking: if the petition changed since, ``StaleVersion`` rather than
silently overwriting another staff member's work), the action's own checks, its changes, one event
(actor, time, from, to, public note, internal note) and — for a public change — the citizen's
notification, all in the caller's transaction (``Txn``). The staff dashboard, the staff API, the
chat (the citizen answering a question, rating an answer) and the timers all call these.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from handlers.context import Txn
from handlers.texts import Texts
from handlers.texts.workflow import WorkflowTexts
from handlers.workflow import calendar
from handlers.workflow.changes import (
    MAX_NOTE,
    Actor,
    Change,
    InvalidChange,
    StaleVersion,
    TransitionNotAllowed,
)
from handlers.workflow.documents import store_answer_document, with_document
from handlers.workflow.notify import notification, notify
from handlers.workflow.states import NEEDS_INFO, REJECTION_REASONS, SCREENING
from handlers.workflow.transitions import ACTION_FOR_STATUS, TRANSITIONS
from storage import petitions as repo
from storage.models import Petition, PetitionEvent

Check = Callable[[Txn, Petition, Change], None]
Apply = Callable[[Txn, Petition, Change, dict[str, Any]], Any]


def _texts(txn: Txn) -> WorkflowTexts:
    return WorkflowTexts.of(txn.texts)


def due_for(txn: Txn) -> Any:
    """The default due date when a petition is forwarded now."""
    return calendar.due_date(txn.profile, txn.now)


# --- the checks and changes of each action ---------------------------------------------------


def _check_reject(txn: Txn, petition: Petition, change: Change) -> None:
    if change.reason not in REJECTION_REASONS:
        raise InvalidChange(_texts(txn).needs_reason(codes=", ".join(REJECTION_REASONS)))


def _check_assign(txn: Txn, petition: Petition, change: Change) -> None:
    if not change.committee or txn.profile.committee(change.committee) is None:
        raise InvalidChange(_texts(txn).needs_committee())


def _check_duplicate(txn: Txn, petition: Petition, change: Change) -> None:
    if not change.duplicate_of:
        raise InvalidChange(_texts(txn).needs_duplicate_code())


def _check_note(txn: Txn, petition: Petition, change: Change) -> None:
    if not (change.public_note.strip() or change.internal_note.strip()):
        raise InvalidChange(_texts(txn).empty_note())


def _check_reclassify(txn: Txn, petition: Petition, change: Change) -> None:
    t, profile = _texts(txn), txn.profile
    if change.category and profile.category(change.category) is None:
        raise InvalidChange(t.unknown_category(category=change.category))
    if change.village and profile.village(change.village) is None:
        raise InvalidChange(t.unknown_village(village=change.village))
    new_category = change.category and change.category != petition.category
    new_village = change.village and change.village != petition.village
    if not (new_category or new_village):
        raise InvalidChange(t.nothing_to_reclassify())


def _apply_forward(txn: Txn, petition: Petition, change: Change, data: dict[str, Any]) -> None:
    default = _texts(txn).default_forward_to()
    petition.forwarded_to = (change.forwarded_to or default).strip()[:200]
    petition.forward_doc_no = (change.forward_doc_no or "").strip()[:100] or None
    petition.due_date = change.due or due_for(txn)
    petition.forwarded_at = txn.now
    data.update(forwarded_to=petition.forwarded_to, due=petition.due_date.isoformat())
    if petition.forward_doc_no:
        data["doc_no"] = petition.forward_doc_no


def _apply_reclassify(txn: Txn, petition: Petition, change: Change, data: dict[str, Any]) -> None:
    """New category and/or village; the routing follows the category unless staff chose a ban."""
    profile = txn.profile
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


def _apply_request_info(txn: Txn, petition: Petition, change: Change, data: dict) -> None:
    petition.paused_at = txn.now


def _apply_info_received(txn: Txn, petition: Petition, change: Change, data: dict) -> None:
    if petition.paused_at is not None and petition.due_date:
        # The clock stopped while the citizen was asked; give those working days back.
        holidays = txn.profile.petitions.holidays
        paused = calendar.working_days_between(
            calendar.vn_today(petition.paused_at), calendar.vn_today(txn.now), holidays
        )
        if paused > 0:
            petition.due_date = calendar.add_working_days(petition.due_date, paused, holidays)
    petition.paused_at = None


async def _apply_answer(txn: Txn, petition: Petition, change: Change, data: dict) -> None:
    petition.answer = change.public_note.strip()
    petition.answered_at = txn.now
    petition.satisfaction = None
    if change.document is not None:
        data["document"] = await store_answer_document(txn, petition, change.document)


def _apply_reject(txn: Txn, petition: Petition, change: Change, data: dict) -> None:
    petition.rejection_reason = change.reason
    data["reason"] = change.reason


async def _apply_duplicate(txn: Txn, petition: Petition, change: Change, data: dict) -> None:
    code = repo.normalize_code(change.duplicate_of or "")
    original = await repo.get_by_code(txn.session, code) if code else None
    if (
        original is None
        or original.id == petition.id
        or original.commune_id != petition.commune_id
    ):
        raise InvalidChange(_texts(txn).original_not_found())
    petition.duplicate_of_id = original.id
    data["duplicate_of"] = original.code
    # Whoever waits on this petition now hears about the original one.
    for identity in await repo.recipients(txn.session, petition):
        await repo.add_follower(txn.session, original.id, identity.id, txn.now)


def _apply_close(txn: Txn, petition: Petition, change: Change, data: dict) -> None:
    petition.closed_at = txn.now


def _apply_reopen(txn: Txn, petition: Petition, change: Change, data: dict) -> None:
    petition.closed_at = None
    petition.rejection_reason = None
    petition.duplicate_of_id = None


STEPS: dict[str, tuple[Check | None, Apply | None]] = {
    "screen": (None, None),
    "assign": (_check_assign, None),
    "reclassify": (_check_reclassify, _apply_reclassify),
    "forward": (None, _apply_forward),
    "request_info": (None, _apply_request_info),
    "info_received": (None, _apply_info_received),
    "answer": (None, _apply_answer),
    "close": (None, _apply_close),
    "reject": (_check_reject, _apply_reject),
    "mark_duplicate": (_check_duplicate, _apply_duplicate),
    "reopen": (None, _apply_reopen),
    "note": (_check_note, None),
}
assert STEPS.keys() == TRANSITIONS.keys(), "every transition has its checks and changes"


def _check_common(txn: Txn, petition: Petition, name: str, change: Change) -> None:
    t = _texts(txn)
    transition = TRANSITIONS[name]
    if change.expected_version is not None and change.expected_version != petition.version:
        raise StaleVersion(t.stale_version())
    if petition.status not in transition.sources:
        raise TransitionNotAllowed(
            t.transition_not_allowed(
                action=t.action.text(name, name), status=t.status.text(petition.status)
            )
        )
    for note in (change.public_note, change.internal_note):
        if len(note) > MAX_NOTE:
            raise InvalidChange(t.note_too_long(max=MAX_NOTE))
    if transition.needs_public_note and not change.public_note.strip():
        raise InvalidChange(t.needs_question() if name == "request_info" else t.needs_answer())


async def _perform(
    txn: Txn,
    petition: Petition,
    name: str,
    actor: Actor,
    change: Change,
    *,
    skip_identity_id: int | None = None,
) -> PetitionEvent:
    transition = TRANSITIONS[name]
    check, apply = STEPS[name]
    _check_common(txn, petition, name, change)
    if check is not None:
        check(txn, petition, change)
    if change.committee and txn.profile.committee(change.committee) is None:
        raise InvalidChange(_texts(txn).unknown_committee(committee=change.committee))

    before = petition.status
    data: dict[str, Any] = dict(change.data)
    if change.committee:
        petition.committee = change.committee
        data["committee"] = change.committee
    if change.due is not None and name != "forward":
        petition.due_date = change.due
        data["due"] = change.due.isoformat()
    if apply is not None:
        result = apply(txn, petition, change, data)
        if result is not None:
            await result
    if transition.target is not None:
        petition.status = transition.target
    petition.updated_at = txn.now

    event = PetitionEvent(
        petition_id=petition.id,
        at=txn.now,
        actor_kind=actor.kind,
        actor_id=actor.id,
        actor_label=actor.label[:100],
        action=name,
        from_status=before,
        to_status=petition.status,
        public_note=change.public_note.strip(),
        internal_note=change.internal_note.strip(),
        data=data,
    )
    txn.session.add(event)
    await txn.session.flush()  # raises StaleDataError if another transaction changed the row

    if transition.public or (name == "note" and change.public_note.strip()):
        reply = notification(txn.texts, petition, name, change, txn.profile)
        if reply is not None and change.document is not None and change.document.token:
            reply = with_document(txn, reply, change.document)
        if reply is not None:
            await notify(txn, petition, reply, skip_identity_id=skip_identity_id)
    return event


async def apply_action(
    txn: Txn,
    petition: Petition,
    name: str,
    actor: Actor,
    change: Change | None = None,
    *,
    skip_identity_id: int | None = None,
) -> PetitionEvent:
    """Perform the action called ``name`` (what the dashboard and the staff API name).

    ``skip_identity_id``: a citizen acting in chat gets a direct reply, not also a notification.
    """
    if name not in TRANSITIONS:
        raise InvalidChange(_texts(txn).unknown_action(action=name))
    return await _perform(
        txn, petition, name, actor, change or Change(), skip_identity_id=skip_identity_id
    )


def _action(name: str, doc: str):  # type: ignore[no-untyped-def]
    async def perform(
        txn: Txn,
        petition: Petition,
        actor: Actor,
        change: Change | None = None,
        *,
        skip_identity_id: int | None = None,
    ) -> PetitionEvent:
        return await _perform(
            txn, petition, name, actor, change or Change(), skip_identity_id=skip_identity_id
        )

    perform.__name__ = perform.__qualname__ = name
    perform.__doc__ = doc
    return perform


screen = _action("screen", "Start looking at the petition (the citizen is told).")
assign = _action("assign", "Route it to a committee (``change.committee``), silently.")
reclassify = _action("reclassify", "Correct the category and/or village (and the routing).")
forward = _action("forward", "Send it to the UBND or another body, with a due date.")
request_info = _action("request_info", "Ask the citizen a question (``public_note``); pauses.")
info_received = _action("info_received", "The citizen answered; the clock runs on.")
answer = _action("answer", "Record the answer (``public_note``); the citizen rates it.")
close = _action("close", "End an answered petition.")
reject = _action("reject", "Refuse it with a coded reason (``change.reason``).")
mark_duplicate = _action("mark_duplicate", "Link it to the one it repeats (``duplicate_of``).")
reopen = _action("reopen", "Open a finished petition again.")
note = _action("note", "Add a note; a public one reaches the citizen.")


def action_for_status(texts: Texts, status: str, current: str, change: Change) -> str:
    """The action that moves a petition at ``current`` to ``status`` (the staff API's way of
    naming changes); without a status, an assignment or a note."""
    if status:
        if status == SCREENING and current == NEEDS_INFO:
            return "info_received"
        action = ACTION_FOR_STATUS.get(status)
        if action is None:
            t = WorkflowTexts.of(texts)
            label = t.status.text(status, status)
            raise TransitionNotAllowed(t.status_not_reachable(status=label))
        return action
    return "assign" if change.committee else "note"
