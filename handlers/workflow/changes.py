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
class AnswerDocument:
    """The UBND's written answer, already checked by its content (``handlers.uploads``)."""

    data: bytes
    kind: str  # pdf | jpeg | png | docx
    mime: str
    name: str
    sha256: str | None = None  # computed off the event loop by the caller
    # filled when stored: what the citizen's message links to
    file_id: int | None = None
    token: str | None = None


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
    document: AnswerDocument | None = None  # answer: the UBND's written answer
    public: bool | None = None  # show on the public results page (True) or withdraw (False)
    public_text: bool | None = None  # publish the citizen's text (masked) rather than a summary
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
