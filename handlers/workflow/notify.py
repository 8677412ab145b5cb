"""What the citizen (and every follower) is told when a petition changes, and queueing it.

One path: ``notify`` builds each recipient's variant and queues it on ``txn.out`` (the outbox and
the offered-button record are written at the end of the transaction, ``handlers.outgoing``).
"""

from __future__ import annotations

from handlers.buttons import human_button, menu_button
from handlers.context import Txn
from handlers.texts import Texts
from handlers.texts.notifications import NotificationTexts
from handlers.texts.workflow import WorkflowTexts
from handlers.types import Button, Reply
from handlers.workflow import calendar
from handlers.workflow.buttons import question_button, rating_buttons, track_button
from handlers.workflow.changes import Change
from knowledge.profile import CommuneProfile
from storage import petitions as repo
from storage.models import ChannelIdentity, Petition

# Actions whose message carries its own buttons (or none): told as they are, no note appended.
OWN_WORDING = frozenset({"request_info", "answer"})


def notification(
    texts: Texts, petition: Petition, action: str, change: Change, profile: CommuneProfile
) -> Reply | None:
    """The message the citizen receives for a public change, in plain Vietnamese."""
    t = NotificationTexts.of(texts)
    code = petition.code
    note = change.public_note.strip()
    head = t.head(code=code)
    meta = {"petition_code": code, "status": petition.status, "action": action}
    days = profile.petitions.satisfaction_timeout_days
    if action == "request_info":
        text = head + t.request_info(note=note, photo_hint=t.photo_hint())
        return Reply(text=text, buttons=[question_button(texts, code)], meta=meta)
    if action == "answer":
        text = head + t.answer(note=note, days=days)
        return Reply(text=text, buttons=rating_buttons(texts, code), meta=meta)
    if action == "close" and change.data.get("auto"):
        return Reply(text=head + t.close_auto(days=days, code=code), meta=meta)
    if action == "reopen" and change.data.get("citizen_note"):
        # The note is the citizen's own comment: followers are told the fact, not the words.
        return Reply(text=head + t.reopen_by_citizen(), meta=meta)
    if action == "screen":
        text = head + t.screen()
    elif action == "forward":
        due = calendar.vn_date(petition.due_date)
        text = head + t.forward(to=petition.forwarded_to, due=due)
    elif action == "close":
        text = head + t.close()
    elif action == "reject":
        reason = WorkflowTexts.of(texts).rejection_reason.text(petition.rejection_reason or "")
        text = head + t.reject(reason=reason)
        if petition.rejection_reason == "complaint_denunciation":
            text += t.reject_complaint()
    elif action == "mark_duplicate":
        text = head + t.mark_duplicate()
    elif action == "reopen":
        text = head + t.reopen()
    elif action == "note":
        return Reply(text=head + t.note(note=note), meta=meta)
    else:
        return None
    if note:
        text += t.council_note(note=note)
    return Reply(text=text, meta=meta)


def for_recipient(txn: Txn, petition: Petition, reply: Reply, identity: ChannelIdentity) -> Reply:
    """The notification as this recipient should read it: a follower's variant, no mention of
    photos on a channel that cannot send them, and a way to see the whole status."""
    texts = txn.texts
    message = (
        reply if identity.id == petition.identity_id else for_follower(texts, petition, reply)
    )
    text = message.text
    if not txn.services.capabilities_of(identity.channel).accepts_media:
        text = text.replace(NotificationTexts.of(texts).photo_hint(), "")
    buttons: list[Button] = list(message.buttons)
    if not buttons:
        buttons = [track_button(texts, petition.code)]
        if message.meta.get("action") == "reject":
            buttons.append(human_button(texts))
        buttons.append(menu_button(texts))
    return Reply(text=text, buttons=buttons, meta=dict(message.meta))


def for_follower(texts: Texts, petition: Petition, reply: Reply) -> Reply:
    """The variant a follower receives: only the submitter can answer the council's question."""
    if reply.meta.get("action") != "request_info":
        return reply
    text = NotificationTexts.of(texts).follower_request_info(code=petition.code)
    return Reply(text=text, meta=dict(reply.meta))


async def notify(
    txn: Txn, petition: Petition, reply: Reply, *, skip_identity_id: int | None = None
) -> int:
    """Queue ``reply`` for the submitter and every follower, on the channel each used."""
    count = 0
    for identity in await repo.recipients(txn.session, petition):
        if identity.id == skip_identity_id:
            continue
        txn.out.push(
            identity, for_recipient(txn, petition, reply, identity), petition_id=petition.id
        )
        count += 1
    return count
