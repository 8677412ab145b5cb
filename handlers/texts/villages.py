"""/thon, /tatthongbao, /batthongbao: the village a citizen lives in, announcements off / on."""

from __future__ import annotations

from handlers.texts.catalog import MessageSet, Msg, msg


class VillageTexts(MessageSet, file="villages"):
    """The keys of villages.yaml and the fields each is filled with."""

    ask: Msg = msg("current")
    current: Msg = msg("village")
    saved: Msg = msg("village")
    turned_off: Msg = msg()
    turned_on: Msg = msg()
    help_village: Msg = msg()
    help_off: Msg = msg()
    help_on: Msg = msg()
