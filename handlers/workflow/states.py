"""The petition's states (DESIGN.md): names as the staff API spells them, and their groups.

Flags such as overdue or priority are not states; see ``calendar`` and the petition columns.
"""

from __future__ import annotations

RECEIVED, SCREENING, NEEDS_INFO, FORWARDED = "received", "screening", "needs_info", "forwarded"
ANSWERED, CLOSED, REJECTED, DUPLICATE, REOPENED = (
    "answered",
    "closed",
    "rejected",
    "duplicate",
    "reopened",
)
STATES = (
    RECEIVED,
    SCREENING,
    NEEDS_INFO,
    FORWARDED,
    ANSWERED,
    CLOSED,
    REJECTED,
    DUPLICATE,
    REOPENED,
)
OPEN_STATES = (RECEIVED, SCREENING, NEEDS_INFO, FORWARDED, REOPENED)
FINAL_STATES = (CLOSED, REJECTED, DUPLICATE)
# Waiting for the council's answer against a due date: the only states that can be (nearly)
# overdue. NEEDS_INFO is not among them: its clock is paused until the citizen answers.
AWAITING_ANSWER = (SCREENING, FORWARDED, REOPENED)

REJECTION_REASONS = ("out_of_scope", "complaint_denunciation", "unclear", "abusive")
# Where a petition came from (its labels are in workflow.yaml, ``intake_channel``).
STAFF_INTAKE_CHANNELS = ("in_person", "voter_meeting", "citizen_reception", "phone")
INTAKE_CHANNELS = ("web", "telegram", "zalo", *STAFF_INTAKE_CHANNELS)
