"""The council cycle's words for staff: sessions, meetings, grouping, and why input is refused."""

from __future__ import annotations

from handlers.texts.catalog import MessageSet, Msg, MsgMap, msg, msg_map


class CouncilTexts(MessageSet, file="council"):
    """The keys of council.yaml and the fields each is filled with."""

    meeting_kind: MsgMap = msg_map(
        keys=("voter_meeting", "voter_meeting_after", "citizen_reception", "thematic")
    )
    action: MsgMap = msg_map(keys=("summary", "session", "group", "resolution"))
    resolution: MsgMap = msg_map(keys=("resolved", "in_progress", "explained", "unresolved"))
    nothing_saved: Msg = msg()
    session_number: Msg = msg()
    session_term: Msg = msg()
    session_date: Msg = msg("value")
    session_taken: Msg = msg("number", "term", "date")
    session_not_found: Msg = msg("id")
    session_title_long: Msg = msg("max")
    profile_session_term: Msg = msg()
    session_in_chat: Msg = msg("number")
    meeting_kind_unknown: Msg = msg("kind", "kinds")
    meeting_date: Msg = msg("value")
    meeting_future: Msg = msg("date")
    meeting_attendance: Msg = msg()
    meeting_empty: Msg = msg()
    meeting_too_many: Msg = msg("max")
    meeting_village: Msg = msg("village")
    meeting_field_long: Msg = msg("field", "max")
    row: Msg = msg("row", "problem")
    row_empty: Msg = msg()
    row_long: Msg = msg("max")
    row_category: Msg = msg("category")
    row_village: Msg = msg("village")
    row_phone: Msg = msg("phone")
    row_consent: Msg = msg()
    row_spot: Msg = msg()
    summary_long: Msg = msg("max")
    group_self: Msg = msg()
    group_not_found: Msg = msg("code")
    group_same: Msg = msg("code")
    resolution_unknown: Msg = msg("value", "values")
    event_summary: Msg = msg()
    event_session: Msg = msg("number")
    event_group: Msg = msg("code", "count")
    event_spot: Msg = msg("by")
    spot_answer: Msg = msg("by", "answer")
    default_responsible: Msg = msg()
