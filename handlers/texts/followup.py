"""After filing: the council's question, rating the answer, reopening."""

from __future__ import annotations

from handlers.texts.catalog import MessageSet, Msg, MsgMap, msg, msg_map  # noqa: F401


class FollowupTexts(MessageSet, file="followup"):
    """The keys of followup.yaml and the fields each is filled with."""

    ask_info: Msg = msg("code", "question")
    ask_info_media: Msg = msg()
    info_empty: Msg = msg()
    info_too_long: Msg = msg("max")
    info_received: Msg = msg("code", "media")
    info_not_needed: Msg = msg("code", "status")
    info_expired: Msg = msg("code")
    info_only_submitter: Msg = msg("code")
    info_draft_kept: Msg = msg()
    info_after_draft: Msg = msg("code")
    info_cancelled: Msg = msg("code")
    info_paused: Msg = msg("code")
    sat_thanks: Msg = msg("code")
    sat_ask_comment: Msg = msg()
    sat_reopened: Msg = msg("code")
    sat_reopened_no_comment: Msg = msg("code")
    sat_already: Msg = msg("code")
    sat_not_now: Msg = msg("code", "status")
    comment_too_long: Msg = msg("max")
    comment_empty: Msg = msg()
    citizen_not_satisfied: Msg = msg()
    auto_closed_note: Msg = msg("days")
    info_media: Msg = msg("count")
    answer_media_note: Msg = msg("count")
