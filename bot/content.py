"""A commune's data as the bot uses it: profile, knowledge base, matcher, messages.

Kept apart from ``bot.runtime`` so that the knowledge commands (``ask``, ``eval``, ``kb``) load
it without importing the web server, the database drivers and the channels — half a second of
every ``python -m bot ask``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from handlers.texts import Texts
from handlers.texts.loader import load_texts
from knowledge import KnowledgeBase, Matcher, load_knowledge
from knowledge.profile import CommuneProfile, load_profile

if TYPE_CHECKING:
    from bot.config import Settings


@dataclass(frozen=True)
class Content:
    """What a commune's data gives the bot: profile, knowledge base, matcher, messages."""

    profile: CommuneProfile
    kb: KnowledgeBase
    matcher: Matcher
    texts: Texts


def load_content(settings: Settings) -> Content:
    """The commune profile, knowledge base, matcher and messages (raises on invalid data)."""
    profile = load_profile(settings.commune_profile)
    kb = load_knowledge(profile, settings.knowledge_dir)
    texts = load_texts(profile, kb.values, settings.knowledge_dir)
    return Content(profile, kb, Matcher(kb), texts)
