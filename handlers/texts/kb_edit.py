"""Editing the knowledge base on the dashboard: the refusals an editor reads."""

from __future__ import annotations

from handlers.texts.catalog import MessageSet, Msg, msg


class KbEditTexts(MessageSet, file="kb_edit"):
    """The keys of kb_edit.yaml and the fields each is filled with."""

    invalid: Msg = msg()
    bad_id: Msg = msg()
    exists: Msg = msg("id")
    taken_elsewhere: Msg = msg("id")
    not_found: Msg = msg("id")
