"""What the staff group hears (no personal data)."""

from __future__ import annotations

from handlers.texts.catalog import MessageSet, Msg, MsgMap, msg, msg_map  # noqa: F401


class StaffNoticeTexts(MessageSet, file="staff_notices"):
    """The keys of staff_notices.yaml and the fields each is filled with."""

    new_petition: Msg = msg("category", "channel", "code", "village")
    no_village: Msg = msg()
