"""Vietnamese normalisation, the knowledge base, the commune profile and the matcher.

``knowledge`` imports nothing from ``bot``, ``handlers`` or ``storage`` (see shared/DESIGN.md).
"""

from knowledge.entries import Entry, KnowledgeBase, KnowledgeError, Link
from knowledge.kb_loader import load_knowledge
from knowledge.matcher import Match, Matcher, Suggestion
from knowledge.normalize import normalize
from knowledge.profile import CommuneProfile, ProfileError, load_profile

__all__ = [
    "CommuneProfile",
    "Entry",
    "KnowledgeBase",
    "KnowledgeError",
    "Link",
    "Match",
    "Matcher",
    "ProfileError",
    "Suggestion",
    "load_knowledge",
    "load_profile",
    "normalize",
]
