"""What a citizen is told when status lookups come too fast (codes must not be probed)."""

from __future__ import annotations

from handlers.texts.catalog import MessageSet, Msg, msg


class LookupLimitTexts(MessageSet, file="lookup_limits"):
    """The keys of lookup_limits.yaml and the fields each is filled with."""

    too_many_own: Msg = msg("minutes")
    too_many_all: Msg = msg()
    staff_filed_summary: Msg = msg("summary")
