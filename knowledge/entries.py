"""What the knowledge base is made of: entries, their links, and the loaded base.

Loading and checking the YAML files is ``knowledge.kb_loader``; reading one entry's fields is
``knowledge.entry_fields``.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path

from knowledge.profile import CommuneProfile
from knowledge.render import context, render

DATA_DIR = Path(__file__).parent / "data"
BUNDLED_KB_DIR = DATA_DIR / "kb"
BUNDLED_TOPICS = DATA_DIR / "topics.yaml"
TOPICS_FILE_NAME = "topics.yaml"

MAX_ANSWER_CHARS = 2000  # Zalo's text limit; a hard error
AIM_ANSWER_CHARS = 900  # readable on a phone; a warning
REVIEW_MONTHS = 12
MAX_LINK_TEXT = 40
# Bounds on what one entry may hold (no bundled entry comes near): a title fits a button, a
# question a line, and an editor's slip (a pasted document) is refused rather than stored.
MAX_CHARS = {"title": 120, "question": 500, "source": 1000}
MAX_ITEM_CHARS = 300  # one phrasing or keyword
MAX_ITEMS = 300  # phrasings, keywords or links of one entry

FIELDS = {
    "id",
    "topic",
    "title",
    "question",
    "phrasings",
    "keywords",
    "answer",
    "links",
    "source",
    "reviewed",
    "disabled",
}
REQUIRED = ("id", "topic", "title", "question", "answer")
ENTRY_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,59}$")


class KnowledgeError(ValueError):
    """The knowledge base cannot be loaded; the message is one ``file:line: message`` line."""


@dataclass(frozen=True)
class Link:
    """A link button under an answer."""

    text: str
    url: str


@dataclass(frozen=True)
class Entry:
    """One answer of the knowledge base."""

    id: str
    topic: str
    title: str
    question: str
    phrasings: tuple[str, ...]
    keywords: tuple[str, ...]
    answer: str
    links: tuple[Link, ...]
    source: str
    reviewed: dt.date | None
    path: str = field(default="", compare=False)
    line: int = field(default=0, compare=False)

    @property
    def texts(self) -> tuple[str, ...]:
        """Every way of asking for this entry: question, title and phrasings."""
        return (self.question, self.title, *self.phrasings)


class KnowledgeBase:
    """Entries by id, the topic list and the profile the answers are rendered with."""

    def __init__(
        self,
        entries: dict[str, Entry],
        profile: CommuneProfile,
        topics: dict[str, str] | None = None,
    ) -> None:
        self.entries: dict[str, Entry] = entries
        self.profile = profile
        self.topics: dict[str, str] = topics or {}
        self._context_day: dt.date | None = None
        self._context: dict[str, str] = {}

    def __len__(self) -> int:
        return len(self.entries)

    def get(self, entry_id: str) -> Entry | None:
        return self.entries.get(entry_id)

    def by_topic(self, topic: str) -> list[Entry]:
        return [e for e in self.entries.values() if e.topic == topic]

    def values(self, today: dt.date | None = None) -> dict[str, str]:
        """Placeholder values for ``today`` (schedules only list upcoming dates)."""
        today = today or dt.date.today()
        if today != self._context_day:
            self._context = context(self.profile, today)
            self._context_day = today
        return self._context

    def forget_values(self) -> None:
        """The profile changed (the council's sessions): fill placeholders anew."""
        self._context_day = None

    def render(self, entry: Entry, today: dt.date | None = None) -> str:
        """The answer with the commune's facts filled in."""
        return render(entry.answer, self.values(today)).strip()

    def render_text(self, template: str, today: dt.date | None = None) -> str:
        """Any template (e.g. the matcher's fallback reply) rendered with the profile."""
        return render(template, self.values(today)).strip()
