"""Announcements staff send to villages: the message citizens read, the refusals staff see."""

from __future__ import annotations

from handlers.texts.catalog import MessageSet, Msg, msg


class AnnouncementTexts(MessageSet, file="announcements"):
    """The keys of announcements.yaml and the fields each is filled with."""

    message: Msg = msg("text")
    empty: Msg = msg()
    too_long: Msg = msg("max")
    unknown_village: Msg = msg()
