"""Who may do what on the dashboard and the staff API — one table, read by every route.

- admin: everything, including accounts.
- office (Văn phòng HĐND): every petition, every action, assisted intake, reports, gaps, the
  live conversations with citizens.
- committee (a Ban of the council): only petitions routed to its committee; answers and notes.
- digital_team (Tổ công nghệ số): files petitions for citizens met in person, sees the questions
  the bot could not answer, answers citizens who asked for a person, edits the knowledge base;
  reads petitions but never a petitioner's contact details.
- viewer: reads petitions and reports; no personal data (contact, exact location, attachments,
  internal notes).
"""

from __future__ import annotations

from dataclasses import dataclass

from handlers import workflow
from storage.staff import ROLES  # the accounts table accepts exactly these

ADMIN, OFFICE, COMMITTEE, DIGITAL_TEAM, VIEWER = ROLES
NO_COMMITTEE = "\x00none"

ROLE_LABELS = {
    ADMIN: "Quản trị hệ thống",
    OFFICE: "Văn phòng HĐND",
    COMMITTEE: "Ban của HĐND",
    DIGITAL_TEAM: "Tổ công nghệ số",
    VIEWER: "Chỉ xem",
}

# Permissions. "view": inbox and petition pages; "personal": contact details, exact location,
# attachments and internal notes; "act": change petitions (which actions: ROLE_ACTIONS);
# "handoff": the live conversations with citizens who asked for a person; "kb": editing the
# knowledge base; "council": sessions, meetings, grouping and moving petitions between sessions.
PERMISSIONS: dict[str, frozenset[str]] = {
    ADMIN: frozenset(
        {
            "view",
            "personal",
            "act",
            "intake",
            "reports",
            "gaps",
            "accounts",
            "handoff",
            "kb",
            "council",
        }
    ),
    OFFICE: frozenset(
        {"view", "personal", "act", "intake", "reports", "gaps", "handoff", "council"}
    ),
    COMMITTEE: frozenset({"view", "personal", "act", "reports"}),
    DIGITAL_TEAM: frozenset({"view", "intake", "gaps", "handoff", "kb"}),
    VIEWER: frozenset({"view", "reports"}),
}

ALL_ACTIONS = frozenset(workflow.ACTIONS)
ROLE_ACTIONS: dict[str, frozenset[str]] = {
    ADMIN: ALL_ACTIONS,
    OFFICE: ALL_ACTIONS,
    COMMITTEE: frozenset({"answer", "note"}),
    DIGITAL_TEAM: frozenset(),
    VIEWER: frozenset(),
}


@dataclass(frozen=True)
class StaffUser:
    """The signed-in staff member, as every route sees them (no password hash)."""

    id: int
    username: str
    full_name: str
    role: str
    committee: str | None
    must_change_password: bool = False
    session_id: str = ""
    csrf: str = ""

    @property
    def label(self) -> str:
        """How the member appears in a petition's timeline."""
        return self.full_name or self.username

    @property
    def role_label(self) -> str:
        return ROLE_LABELS.get(self.role, self.role)

    def can(self, permission: str) -> bool:
        return permission in PERMISSIONS.get(self.role, frozenset())

    def may_act(self, action: str) -> bool:
        return action in ROLE_ACTIONS.get(self.role, frozenset())

    @property
    def scope_committee(self) -> str | None:
        """A committee member sees only its committee's petitions; None means every petition."""
        if self.role != COMMITTEE:
            return None
        # A committee account without a committee (never created so) must see nothing.
        return self.committee or NO_COMMITTEE

    def sees(self, petition_committee: str | None) -> bool:
        scope = self.scope_committee
        return scope is None or petition_committee == scope
