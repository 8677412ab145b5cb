"""A petition's status in chat (/tracuu) and the list of one's own."""

from __future__ import annotations

from handlers.texts.catalog import MessageSet, Msg, MsgMap, msg, msg_map


class LookupTexts(MessageSet, file="lookup"):
    """The keys of lookup.yaml and the fields each is filled with."""

    ask_code: Msg = msg("example")
    ask_code_with_list: Msg = msg("items")
    ask_code_with_list_busy: Msg = msg("items")
    own_item: Msg = msg("code", "excerpt", "status")
    type_track_code: Msg = msg()
    no_petitions_yet: Msg = msg()
    bad_code: Msg = msg("example", "text")
    not_found: Msg = msg("code")
    status_head: Msg = msg("category", "code", "date", "status")
    status_content: Msg = msg("excerpt")
    status_forwarded: Msg = msg("to")
    status_due: Msg = msg("due")
    status_due_left: Msg = msg("days")
    status_due_near: Msg = msg()
    status_overdue: Msg = msg()
    status_paused: Msg = msg()
    status_answer: Msg = msg("answer")
    status_earlier_answer: Msg = msg("answer")
    status_next_own_info: Msg = msg()
    status_next_line: Msg = msg("next")
    status_timeline: Msg = msg()
    btn_answer_question: Msg = msg()
    btn_my_petitions: Msg = msg()
    event_info_given_own: Msg = msg()
    event_info_given: Msg = msg()
    event_reopened_by_citizen: Msg = msg()
    event_note: Msg = msg()
    status_next: MsgMap = msg_map("original")
    own_button: Msg = msg("code", "status")
    timeline_line: Msg = msg("date", "label")
    timeline_note: Msg = msg("note")
    timeline_reason: Msg = msg("reason")
    command_help: Msg = msg()
