"""Live hand-off to a person: a citizen who asks for one talks to staff through the dashboard.

* ``conversations`` — the rules (open, write, leave; take, reply, close, turn into a petition),
  ``HANDOFF_FLOW`` and ``HandoffRefused``;
* ``hours`` — when staff answer (the profile's hours on working days), as the citizen is told;
* ``timers`` — reminding the office, forgetting old words, the report's figures.

The chat side (``/canbo``, the quiet mode) is ``handlers.chat.handoff``; the dashboard and the
staff API (``bot.staff.handoff``) call the functions here, never the chat.
"""

from handlers.handoff.conversations import (
    HANDOFF_FLOW,
    MAX_REPLY,
    HandoffDraft,
    HandoffRefused,
    StaffRef,
    close,
    reply,
    take,
    to_petition,
)

__all__ = [
    "HANDOFF_FLOW",
    "MAX_REPLY",
    "HandoffDraft",
    "HandoffRefused",
    "StaffRef",
    "close",
    "reply",
    "take",
    "to_petition",
]
