"""What a channel can show and carry, handed to the handlers with every message.

A channel adapter (``bot/channels/…``) sends its ``Capabilities`` with each ``Inbound``, and
registers them in ``Services.capabilities`` for messages pushed later (notifications). Handlers
read limits from here and never name a platform.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Capabilities:
    """One channel's limits and features (the defaults suit a plain chat page)."""

    # Buttons under one message; longer lists continue in follow-up messages.
    max_buttons: int = 5
    # Characters in one message the handlers should aim for (a status, a list).
    max_text: int = 2000
    # Characters of a button's label the platform shows (None: no limit).
    max_button_label: int | None = None
    # Bytes of payload a button carries; a longer payload travels as a digest (None: no limit).
    max_payload_bytes: int | None = None
    # The citizen can send photos, files and voice messages here.
    accepts_media: bool = True
    # The platform has a "share my phone number" / "share my location" button.
    contact_share: bool = False
    location_share: bool = False
    # No buttons at all: choices are shown as a numbered list and answered with the number.
    numbered_choices: bool = False
    # Replies travel in the HTTP response, and pushed messages are fetched by the page.
    inline_replies: bool = False


PLAIN = Capabilities()
