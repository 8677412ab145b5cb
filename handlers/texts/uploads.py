"""Refusing an uploaded file (a photo in the web chat, an answer document in the dashboard)."""

from __future__ import annotations

from handlers.texts.catalog import MessageSet, Msg, msg


class UploadTexts(MessageSet, file="uploads"):
    """The keys of uploads.yaml and the fields each is filled with."""

    empty: Msg = msg()
    too_large: Msg = msg("size", "max")
    wrong_type: Msg = msg("allowed")
