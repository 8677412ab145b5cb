"""Talking to a person (/canbo): what the citizen is told, and what staff are told when the
hand-off rules refuse something."""

from __future__ import annotations

from handlers.texts.catalog import MessageSet, Msg, MsgMap, msg, msg_map

REFUSALS = (
    "not_found",
    "closed",
    "taken",
    "empty",
    "too_long",
    "no_consent",
    "already_petition",
    "bad_category",
    "bad_village",
    "content_too_long",
)
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


class HandoffTexts(MessageSet, file="handoff"):
    """The keys of handoff.yaml and the fields each is filled with."""

    team: Msg = msg()
    opened_now: Msg = msg("hours", "team")
    opened_later: Msg = msg("hours", "team", "when")
    safety: Msg = msg()
    already_open: Msg = msg()
    button_pressed: Msg = msg()
    btn_end: Msg = msg()
    staff_says: Msg = msg("text")
    closed_by_staff: Msg = msg()
    left: Msg = msg()
    left_note: Msg = msg()
    expired: Msg = msg("hours")
    petition_filed: Msg = msg("code")
    petition_note: Msg = msg("code")
    attachments: Msg = msg("count")
    location_sent: Msg = msg()
    nothing_written: Msg = msg()
    command_help: Msg = msg()
    reminder: Msg = msg("count", "hours", "ids")
    when_today: Msg = msg("time")
    when_day: Msg = msg("date", "time", "weekday")
    weekday: MsgMap = msg_map(keys=WEEKDAYS)
    refused: MsgMap = msg_map("length", "limit", "name", "code", keys=REFUSALS)
