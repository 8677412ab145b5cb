"""The petition workflow: the rules every caller shares — chat flows, the dashboard, the staff API
and the timers. It imports no chat flow.

Public API (everything a caller needs; the modules hold the details):

* units of work — ``transaction(db, services)`` (staff side, timers) or the chat's ``Context``
  (a ``Txn``); ``petition_for_change(txn, code)`` loads and locks a petition for a change;
* the table — ``STATES`` and its groups, ``TRANSITIONS`` (``ACTIONS``), ``ACTION_FOR_STATUS``,
  ``allowed_actions(status)``; ``Actor``, ``Change``, ``MAX_NOTE``; the refusals
  ``LifecycleError`` > ``TransitionNotAllowed``, ``StaleVersion``, ``InvalidChange``;
* one function per action — ``screen``, ``assign``, ``reclassify``, ``forward``, ``request_info``,
  ``info_received``, ``answer``, ``close``, ``reject``, ``mark_duplicate``, ``reopen``, ``note``,
  each ``(txn, petition, actor, change=None, *, skip_identity_id=None) -> PetitionEvent``, and
  ``apply_action(txn, petition, name, actor, change)`` for callers that name the action;
  ``action_for_status`` maps the staff API's target status to an action;
* filing — ``file_petition(txn, …)`` (chat and assisted intake; tells the staff groups);
* deadlines — ``calendar`` (working days, ``due_date``, ``flags``, ``vn_date``);
* similar petitions — ``similar`` (``rank_similar``, ``rank_pool``, ``norm_content``, ``excerpt``);
* personal data — ``erasure.erase_identity``, ``erasure.holdings``,
  ``retention.erase_expired_contacts``;
* timers — ``timers.close_unrated``;
* the public results page — ``publication.set_public``;
* buttons under petition messages — ``buttons`` (``Track``, ``AnswerQuestion``, ``Rating``).
"""

from __future__ import annotations

from handlers.workflow import (
    buttons,
    calendar,
    erasure,
    publication,
    retention,
    similar,
    timers,
)
from handlers.workflow.actions import (
    action_for_status,
    answer,
    apply_action,
    assign,
    close,
    forward,
    info_received,
    mark_duplicate,
    note,
    reclassify,
    reject,
    reopen,
    request_info,
    screen,
)
from handlers.workflow.changes import (
    MAX_NOTE,
    Actor,
    AnswerDocument,
    Change,
    InvalidChange,
    LifecycleError,
    StaleVersion,
    TransitionNotAllowed,
)
from handlers.workflow.intake import file_petition
from handlers.workflow.notices import NoticeTarget, queue_staff_notice
from handlers.workflow.states import (
    ANSWERED,
    AWAITING_ANSWER,
    CLOSED,
    DUPLICATE,
    FINAL_STATES,
    FORWARDED,
    INTAKE_CHANNELS,
    NEEDS_INFO,
    OPEN_STATES,
    RECEIVED,
    REJECTED,
    REJECTION_REASONS,
    REOPENED,
    SCREENING,
    STAFF_INTAKE_CHANNELS,
    STATES,
)
from handlers.workflow.transitions import (
    ACTION_FOR_STATUS,
    ACTIONS,
    TRANSITIONS,
    Transition,
    allowed_actions,
)
from handlers.workflow.txn import petition_for_change, transaction

__all__ = [
    "ACTIONS",
    "ACTION_FOR_STATUS",
    "ANSWERED",
    "AWAITING_ANSWER",
    "CLOSED",
    "DUPLICATE",
    "FINAL_STATES",
    "FORWARDED",
    "INTAKE_CHANNELS",
    "MAX_NOTE",
    "NEEDS_INFO",
    "OPEN_STATES",
    "RECEIVED",
    "REJECTED",
    "REJECTION_REASONS",
    "REOPENED",
    "SCREENING",
    "STAFF_INTAKE_CHANNELS",
    "STATES",
    "TRANSITIONS",
    "Actor",
    "AnswerDocument",
    "Change",
    "InvalidChange",
    "LifecycleError",
    "NoticeTarget",
    "StaleVersion",
    "Transition",
    "TransitionNotAllowed",
    "action_for_status",
    "allowed_actions",
    "answer",
    "apply_action",
    "assign",
    "buttons",
    "calendar",
    "close",
    "erasure",
    "file_petition",
    "forward",
    "info_received",
    "mark_duplicate",
    "note",
    "petition_for_change",
    "publication",
    "queue_staff_notice",
    "reclassify",
    "reject",
    "reopen",
    "request_info",
    "retention",
    "screen",
    "similar",
    "timers",
    "transaction",
]
