"""The petition workflow's words: statuses, reasons, labels, refusals."""

from __future__ import annotations

from handlers.texts.catalog import MessageSet, Msg, MsgMap, msg, msg_map


class WorkflowTexts(MessageSet, file="workflow"):
    """The keys of workflow.yaml and the fields each is filled with."""

    status: MsgMap = msg_map(
        keys=(
            "received",
            "screening",
            "needs_info",
            "forwarded",
            "answered",
            "closed",
            "rejected",
            "duplicate",
            "reopened",
        )
    )
    rejection_reason: MsgMap = msg_map(
        keys=("out_of_scope", "complaint_denunciation", "unclear", "abusive")
    )
    intake_channel: MsgMap = msg_map(
        keys=(
            "web",
            "telegram",
            "zalo",
            "in_person",
            "voter_meeting",
            "citizen_reception",
            "phone",
        )
    )
    action: MsgMap = msg_map(
        keys=(
            "screen",
            "assign",
            "reclassify",
            "forward",
            "request_info",
            "info_received",
            "answer",
            "close",
            "reject",
            "mark_duplicate",
            "reopen",
            "note",
        )
    )
    default_forward_to: Msg = msg()
    actor_chat: Msg = msg()
    actor_submitter: Msg = msg()
    actor_follower: Msg = msg()
    actor_system: Msg = msg()
    unknown_action: Msg = msg("action")
    stale_version: Msg = msg()
    transition_not_allowed: Msg = msg("action", "status")
    status_not_reachable: Msg = msg("status")
    note_too_long: Msg = msg("max")
    needs_question: Msg = msg()
    needs_answer: Msg = msg()
    needs_reason: Msg = msg("codes")
    needs_committee: Msg = msg()
    unknown_committee: Msg = msg("committee")
    needs_duplicate_code: Msg = msg()
    empty_note: Msg = msg()
    unknown_category: Msg = msg("category")
    unknown_village: Msg = msg("village")
    nothing_to_reclassify: Msg = msg()
    original_not_found: Msg = msg()
