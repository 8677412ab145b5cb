"""Asking which village a typed place means, when the words only nearly name one."""

from __future__ import annotations

from handlers.texts.catalog import MessageSet, Msg, msg


class IntakePlaceTexts(MessageSet, file="intake_place"):
    """The keys of intake_place.yaml and the fields each is filled with."""

    ask_village: Msg = msg("typed", "name")
    btn_that_village: Msg = msg("name")
    btn_keep_typed: Msg = msg()
