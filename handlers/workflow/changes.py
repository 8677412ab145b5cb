"""Who changes a petition, what a change carries, and why one is refused."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

MAX_NOTE = 5000


@dataclass
class Actor:
    """Who makes a change: a staff account, the citizen, or the system (timers)."""

    kind: str  # staff | citizen | system
    id: int | None = None
    label: str = ""


@dataclass
class Change:
    """Everything an action may carry."""

    public_note: str = ""
    internal_note: str = ""
    due: dt.date | None = None
    forwarded_to: str | None = None
    forward_doc_no: str | None = None
    committee: str | None = None
    reason: str | None = None
    duplicate_of: str | None = None  # a tracking code
    category: str | None = None  # reclassify: a category id of the profile
    village: str | None = None  # reclassify: a village id of the profile
    expected_version: int | None = None
    data: dict[str, Any] = field(default_factory=dict)


class LifecycleError(Exception):
    """A change the workflow does not allow; ``message`` is Vietnamese, for staff."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class TransitionNotAllowed(LifecycleError):
    pass


class StaleVersion(LifecycleError):
    pass


class InvalidChange(LifecycleError):
    pass
