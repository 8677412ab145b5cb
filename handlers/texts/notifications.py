"""What the citizen is told when a petition changes."""

from __future__ import annotations

from handlers.texts.catalog import MessageSet, Msg, MsgMap, msg, msg_map  # noqa: F401


class NotificationTexts(MessageSet, file="notifications"):
    """The keys of notifications.yaml and the fields each is filled with."""

    head: Msg = msg("code")
    screen: Msg = msg()
    forward: Msg = msg("due", "to")
    request_info: Msg = msg("note", "photo_hint")
    photo_hint: Msg = msg()
    answer: Msg = msg("days", "note")
    close_auto: Msg = msg("code", "days")
    close: Msg = msg()
    reject: Msg = msg("reason")
    reject_complaint: Msg = msg()
    mark_duplicate: Msg = msg()
    reopen_by_citizen: Msg = msg()
    reopen: Msg = msg()
    note: Msg = msg("note")
    council_note: Msg = msg("note")
    follower_request_info: Msg = msg("code")
    btn_answer_question: Msg = msg()
    btn_resolved: Msg = msg()
    btn_not_resolved: Msg = msg()
