"""Vietnamese normalisation, the knowledge base, the commune profile and the matcher.

``knowledge`` imports nothing from ``bot``, ``handlers`` or ``storage`` (see shared/DESIGN.md).
The names below are imported on first use (PEP 562): reading the profile or a stored entry must
not pay for scikit-learn, which only the matcher needs (every CLI command would otherwise start
two seconds slower).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

# Eager: the submodule of the same name would otherwise shadow the function once imported.
from knowledge.normalize import normalize

if TYPE_CHECKING:
    from knowledge.entries import Entry, KnowledgeBase, KnowledgeError, Link
    from knowledge.kb_loader import load_knowledge
    from knowledge.matcher import Match, Matcher, Suggestion
    from knowledge.profile import CommuneProfile, ProfileError, load_profile

_WHERE = {
    "Entry": "knowledge.entries",
    "KnowledgeBase": "knowledge.entries",
    "KnowledgeError": "knowledge.entries",
    "Link": "knowledge.entries",
    "load_knowledge": "knowledge.kb_loader",
    "Match": "knowledge.matcher",
    "Matcher": "knowledge.matcher",
    "Suggestion": "knowledge.matcher",
    "CommuneProfile": "knowledge.profile",
    "ProfileError": "knowledge.profile",
    "load_profile": "knowledge.profile",
}

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


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module 'knowledge' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value
