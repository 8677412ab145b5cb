"""The commune profile's parts: villages, delegates, committees, categories, schedules, office.

Everything that differs between communes is data in one profile file; ``knowledge.profile`` reads
it into these values and ``knowledge.profile_check`` checks it (``python -m bot kb check``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from knowledge.working_days import DaysOff

BUNDLED_PROFILE = Path(__file__).parent / "data" / "profile-sample.yaml"


class ProfileError(ValueError):
    """The profile file is missing, unreadable or malformed.

    The message is one readable line, ``file:line: message`` when the line is known.
    """


@dataclass(frozen=True)
class Person:
    """A named contact (a council delegate, a digital-team leader)."""

    name: str
    role: str = ""
    phone: str = ""


@dataclass(frozen=True)
class Village:
    """A village (thôn) or residential group (tổ dân phố)."""

    id: str
    name: str
    delegates: tuple[Person, ...] = ()
    digital_team: tuple[Person, ...] = ()
    # Other names citizens type for it (an old name, "xóm Đồng"); matched at the place step.
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class Committee:
    """A committee (ban) of the People's Council that petitions are routed to."""

    id: str
    name: str


@dataclass(frozen=True)
class Category:
    """A petition category and the committee that supervises it."""

    id: str
    name: str
    committee: str
    # Words of a story that point to this category ("ổ gà" → roads); its name's parts count too.
    keywords: tuple[str, ...] = ()


@dataclass(frozen=True)
class Event:
    """A scheduled event: voter meeting, citizen reception day, council session."""

    date: dt.date | None
    title: str
    time: str = ""
    place: str = ""
    villages: tuple[str, ...] = ()
    note: str = ""


@dataclass(frozen=True)
class Office:
    """The one-stop office (Trung tâm Phục vụ hành chính công xã)."""

    name: str
    address: str
    hours: str
    phone: str


@dataclass(frozen=True)
class Police:
    """The commune police (Công an xã). Optional: a commune that has not filled it in still gets
    an answer, pointing to the one-stop office and the hotline (see ``render.police_contact``)."""

    name: str = ""
    address: str = ""
    phone: str = ""
    hours: str = ""


@dataclass(frozen=True)
class ForwardBody:
    """A body petitions are forwarded to (the UBND, a department) and where its mail goes."""

    name: str
    email: str = ""


@dataclass(frozen=True)
class PetitionSettings:
    """How petitions are timed for this commune."""

    due_working_days: int = 15
    nearly_overdue_working_days: int = 3
    draft_expiry_hours: int = 24
    satisfaction_timeout_days: int = 7
    # Vietnam's calendar with the profile's extra days off and worked days (working_days.py)
    holidays: DaysOff = field(default_factory=DaysOff)
    # staff e-mail: this many working days before a due date (and once overdue)
    reminder_working_days: int = 3
    bodies: tuple[ForwardBody, ...] = ()

    def body(self, name: str | None) -> ForwardBody | None:
        """The body a petition was forwarded to, by its name (case and spacing ignored)."""
        wanted = " ".join((name or "").split()).casefold()
        return next(
            (b for b in self.bodies if " ".join(b.name.split()).casefold() == wanted), None
        )


DEFAULT_HANDOFF_HOURS = ((dt.time(7, 30), dt.time(11, 30)), (dt.time(13, 30), dt.time(17, 0)))


@dataclass(frozen=True)
class HandoffSettings:
    """When staff answer a citizen who asked for a person (/canbo): the periods of a working day
    (working days are the petition calendar's: Monday to Friday, holidays excepted), after how
    many working hours without an answer the office is reminded, and how long a conversation
    stays open after staff's last reply without the citizen writing back."""

    hours: tuple[tuple[dt.time, dt.time], ...] = DEFAULT_HANDOFF_HOURS
    remind_after_working_hours: int = 2
    close_after_hours: int = 24


# The OA menu items a commune sets in Zalo OA Manager (a tap arrives as the item's text) and the
# action each stands for; a profile's ``oa_menu`` replaces them (phrase: action).
OA_MENU_ACTIONS = frozenset({"kiennghi", "tracuu", "hoi", "canbo", "menu"})
DEFAULT_OA_MENU: tuple[tuple[str, str], ...] = (
    ("Gửi kiến nghị", "kiennghi"),
    ("Tra cứu kiến nghị", "tracuu"),
    ("Hỏi thủ tục", "hoi"),
    ("Gặp cán bộ", "canbo"),
)


@dataclass(frozen=True)
class CommuneProfile:
    """One commune's data; see ``data/profile-sample.yaml`` for every field."""

    id: str
    name: str
    province: str
    office: Office
    hotline: str
    website: str
    council_website: str
    council_phone: str
    villages: tuple[Village, ...]
    committees: tuple[Committee, ...]
    categories: tuple[Category, ...]
    voter_meetings: tuple[Event, ...] = ()
    citizen_reception: tuple[Event, ...] = ()
    council_sessions: tuple[Event, ...] = ()
    citizen_reception_rule: str = ""
    digital_plan: str = ""
    petitions: PetitionSettings = field(default_factory=PetitionSettings)
    extra: dict[str, str] = field(default_factory=dict)
    source_path: Path | None = None
    digital_classes: str = ""
    police: Police | None = None
    leaders: tuple[Person, ...] = ()
    chairman_reception: str = ""
    handoff: HandoffSettings = field(default_factory=HandoffSettings)
    oa_menu: tuple[tuple[str, str], ...] = DEFAULT_OA_MENU

    def village(self, village_id: str) -> Village | None:
        """The village with this id, or None."""
        return next((v for v in self.villages if v.id == village_id), None)

    def committee(self, committee_id: str) -> Committee | None:
        """The committee with this id, or None."""
        return next((c for c in self.committees if c.id == committee_id), None)

    def category(self, category_id: str) -> Category | None:
        """The petition category with this id, or None."""
        return next((c for c in self.categories if c.id == category_id), None)


# Known keys at each level of the profile file; anything else is reported by check_profile.
PROFILE_KEYS: dict[str, set[str]] = {
    "": {
        "id",
        "name",
        "province",
        "hotline",
        "website",
        "office",
        "council",
        "villages",
        "voter_meetings",
        "citizen_reception_rule",
        "oa_menu",
        "citizen_reception",
        "digital_plan",
        "digital_classes",
        "petitions",
        "extra",
        "police",
        "leaders",
        "chairman_reception",
        "handoff",
    },
    "handoff": {"hours", "remind_after_working_hours", "close_after_hours"},
    "office": {"name", "address", "hours", "phone"},
    "police": {"name", "address", "hours", "phone"},
    "council": {"website", "phone", "committees", "sessions"},
    "committee": {"id", "name"},
    "village": {"id", "name", "aliases", "delegates", "digital_team"},
    "person": {"name", "role", "phone"},
    "event": {"date", "time", "title", "place", "villages", "note"},
    "petitions": {
        "due_working_days",
        "nearly_overdue_working_days",
        "draft_expiry_hours",
        "satisfaction_timeout_days",
        "holidays",
        "working_days",
        "national_holidays",
        "categories",
        "reminder_working_days",
        "bodies",
    },
    "category": {"id", "name", "committee", "keywords"},
    "body": {"name", "email"},
}
