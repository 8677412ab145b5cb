"""Accuracy on labelled sets, and the first-contact protocol.

"First contact" scores a labelled set with a model trained only on what existed before that set
was written: the entries, the example files, and the labelled sets listed before it in
``data/examples/labelled/sets.yaml`` (never the set itself, never a later one). That is what
the old rules' authors had when they first scored a set, so the two figures compare.

A label ``a|b`` accepts either prediction; a "suggest" counts as its top topic (as in
``python -m bot eval``).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from knowledge.entries import KnowledgeBase
from knowledge.examples import (
    EXAMPLES_DIR,
    LABELLED_DIR,
    Example,
    labelled_groups,
    load_examples,
    load_labelled,
)

__all__ = ["SetScore", "expected_label", "first_contact", "predicted_label", "score_set"]

KINDS = ("@petition", "@greeting", "@fallback")


def predicted_label(match: object) -> str:
    """The eval label of a match: the topic for faq, otherwise '@' + intent."""
    intent = getattr(match, "intent", "fallback")
    topic = getattr(match, "topic", None)
    return topic if intent == "faq" and topic else f"@{intent}"


@dataclass
class SetScore:
    """Right / total per kind ("topic", "@petition", "@greeting", "@fallback", "all")."""

    name: str
    right: Counter[str] = field(default_factory=Counter)
    total: Counter[str] = field(default_factory=Counter)
    misses: list[tuple[str, str, str]] = field(default_factory=list)

    def add(self, label: str, predicted: str, message: str) -> None:
        kind = label if label in KINDS else "topic"
        ok = predicted in label.split("|")
        for k in (kind, "all"):
            self.total[k] += 1
            self.right[k] += ok
        if not ok:
            self.misses.append((label, predicted, message))

    def accuracy(self, kind: str = "all") -> float:
        return self.right[kind] / self.total[kind] if self.total[kind] else 0.0

    def cell(self, kind: str) -> str:
        return f"{self.right[kind]}/{self.total[kind]}"

    def __iadd__(self, other: SetScore) -> SetScore:
        self.right += other.right
        self.total += other.total
        self.misses += other.misses
        return self


def expected_label(label: str, topics: set[str] | None) -> str:
    """The labels a prediction may match, for a knowledge base with ``topics``: a topic the base
    has no entry for was out of scope then, so its right answer is the fallback."""
    if topics is None:
        return label
    kept = [p for p in label.split("|") if p.startswith("@") or p in topics]
    return "|".join(kept) or "@fallback"


def score_set(
    match: Callable[[str], object],
    rows: Iterable[Example],
    name: str = "",
    topics: set[str] | None = None,
) -> SetScore:
    out = SetScore(name)
    for ex in rows:
        out.add(expected_label(ex.label, topics), predicted_label(match(ex.text)), ex.text)
    return out


def first_contact(
    kb_for: Callable[[dict], KnowledgeBase],
    build: Callable[[KnowledgeBase, list[Example]], Callable[[str], object]],
    folder: Path = LABELLED_DIR,
    examples_dir: Path = EXAMPLES_DIR,
    only: set[str] | None = None,
) -> list[SetScore]:
    """Score every labelled set with a model trained on the sets written before it.

    ``kb_for(group)`` gives the knowledge base the group was first scored against; ``build(kb,
    examples)`` returns a ``match`` function trained on ``examples``.
    """
    written = list(load_examples(examples_dir))
    scores = []
    for group in labelled_groups(folder):
        names = [n for n in group["files"] if only is None or n in only]
        if names:
            kb = kb_for(group)
            topics = {e.topic for e in kb.entries.values()}
            match = build(kb, list(written))
            scores.extend(
                score_set(match, load_labelled(folder / n), n.removesuffix(".tsv"), topics)
                for n in names
            )
        for n in group["files"]:
            written.extend(load_labelled(folder / n))
    return scores
