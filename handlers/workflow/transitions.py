"""The transition table, as data: which action may start from which state and where it goes.

The staff dashboard offers, and every caller may perform, exactly what this table allows; the
functions that perform the actions are in ``actions`` (one per row).
"""

from __future__ import annotations

from dataclasses import dataclass

from handlers.workflow.states import (
    ANSWERED,
    CLOSED,
    DUPLICATE,
    FORWARDED,
    NEEDS_INFO,
    OPEN_STATES,
    RECEIVED,
    REJECTED,
    REOPENED,
    SCREENING,
    STATES,
)


@dataclass(frozen=True)
class Transition:
    """A named change: which states it may start from, where it goes, what it needs."""

    name: str
    sources: tuple[str, ...]
    target: str | None  # None: the state does not change (a note, an assignment)
    public: bool  # the citizen is told
    needs_public_note: bool = False


TRANSITIONS: dict[str, Transition] = {
    t.name: t
    for t in (
        Transition("screen", (RECEIVED, REOPENED), SCREENING, True),
        Transition("assign", OPEN_STATES, None, False),
        # the citizen picked the wrong category or village: staff correct it (and the routing)
        Transition("reclassify", OPEN_STATES, None, False),
        Transition("forward", (RECEIVED, SCREENING, REOPENED), FORWARDED, True),
        Transition(
            "request_info",
            (RECEIVED, SCREENING, FORWARDED, REOPENED),
            NEEDS_INFO,
            True,
            needs_public_note=True,
        ),
        Transition("info_received", (NEEDS_INFO,), SCREENING, False),
        Transition(
            "answer", (SCREENING, FORWARDED, REOPENED), ANSWERED, True, needs_public_note=True
        ),
        Transition("close", (ANSWERED,), CLOSED, True),
        Transition("reject", (RECEIVED, SCREENING, NEEDS_INFO, REOPENED), REJECTED, True),
        Transition("mark_duplicate", (RECEIVED, SCREENING, NEEDS_INFO, REOPENED), DUPLICATE, True),
        Transition("reopen", (ANSWERED, CLOSED, REJECTED, DUPLICATE), REOPENED, True),
        Transition("note", STATES, None, False),
    )
}
ACTIONS = TRANSITIONS  # the name the dashboard and the staff API use

# The staff API names target states; this maps a target status to the action that reaches it.
ACTION_FOR_STATUS = {
    SCREENING: "screen",
    FORWARDED: "forward",
    NEEDS_INFO: "request_info",
    ANSWERED: "answer",
    CLOSED: "close",
    REJECTED: "reject",
    DUPLICATE: "mark_duplicate",
    REOPENED: "reopen",
}


def allowed_actions(status: str) -> list[Transition]:
    """The actions the table allows from ``status``, in the order staff see them."""
    return [t for t in TRANSITIONS.values() if status in t.sources]
