"""Fixtures for the knowledge package: the bundled profile, knowledge base and matcher."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from knowledge import KnowledgeBase, Match, Matcher, load_knowledge, load_profile
from knowledge.profile import CommuneProfile

REPO = Path(__file__).resolve().parents[2]
DATA = Path(__file__).resolve().parent / "data"
SHARED = REPO.parent / "shared"


def _shared(relative: str, copy: str) -> Path:
    """The project's shared file next to the checkout, else the copy kept with the tests (a CI
    clone may not have ../shared; the copy is refreshed whenever shared/ changes)."""
    original = SHARED / relative
    return original if original.is_file() else DATA / "shared" / copy


DEV_SET = _shared("eval/faq-dev.tsv", "faq-dev.tsv")
TOPICS_MD = _shared("knowledge/topics.md", "topics.md")


@pytest.fixture(scope="session")
def profile() -> CommuneProfile:
    return load_profile()


@pytest.fixture(scope="session")
def kb(profile: CommuneProfile) -> KnowledgeBase:
    return load_knowledge(profile)


@pytest.fixture(scope="session")
def matcher(kb: KnowledgeBase) -> Matcher:
    return Matcher(kb)


@pytest.fixture(scope="session")
def say(profile: CommuneProfile, kb: KnowledgeBase) -> Callable[[Match, str], str]:
    """What the bot sends for a match (the matcher decides, the handlers word it)."""
    from handlers.capabilities import PLAIN
    from handlers.chat.answers import replies_for
    from handlers.texts.loader import load_texts

    texts = load_texts(profile, kb.values)

    def words(match: Match, text: str) -> str:
        replies = replies_for(match, text, texts=texts, kb=kb, capabilities=PLAIN)
        return "\n\n".join(r.text for r in replies)

    return words


def read_labelled(path: Path) -> list[tuple[str, str]]:
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        label, message = line.split("\t", 1)
        rows.append((label, message))
    return rows
