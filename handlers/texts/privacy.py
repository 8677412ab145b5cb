"""Deleting one's personal data (/xoadulieu)."""

from __future__ import annotations

from handlers.texts.catalog import MessageSet, Msg, MsgMap, msg, msg_map  # noqa: F401


class PrivacyTexts(MessageSet, file="privacy"):
    """The keys of privacy.yaml and the fields each is filled with."""

    erase_explain: Msg = msg("contact_note", "filed", "follows")
    erase_no_contact: Msg = msg()
    btn_erase: Msg = msg()
    btn_keep_data: Msg = msg()
    erase_help: Msg = msg()
    erased: Msg = msg()
    erase_kept: Msg = msg()
    erase_expired: Msg = msg()
    command_help: Msg = msg()
