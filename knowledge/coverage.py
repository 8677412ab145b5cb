"""Evidence for a topic: how much of a message the chosen topic's own words account for.

A linear model answers "which class is nearest", never "is any class near": a question about
the driving *test* lands on the driving-licence topic because "bằng lái" outweighs "thi sát
hạch". Coverage asks the second question from the training data itself, with no word list:

* every word of the training rows knows the classes whose rows use it; a word used by many
  classes ("thì", "ở đâu", "làm") says little, so a word weighs ``log(classes / its classes)``
  (zero for a word every class uses), and a word no class uses weighs the most (a subject the
  data never saw);
* the coverage of a topic for a message is the weight of the message's words that the topic's
  rows or its entries' answers use, over the weight of all its words (words of one letter and
  numbers left out, and so are the words of the foreign-language examples).

When the model is not sure of the best topic (below ``Matcher.coverage_trusted``) and that
topic covers too little of the message (``Matcher.min_coverage``), the message is a near miss:
the subject is not one the topic was written for, and the best of petition, greeting and
fallback decides (measured in bench/RESULTS.md).
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict

__all__ = ["Coverage"]


def _content(words: list[str]) -> list[str]:
    return [w for w in dict.fromkeys(words) if len(w) > 1 and not w.isdigit()]


class Coverage:
    """Per-word class sets and weights, fitted on (label, normalised text) pairs."""

    def __init__(
        self,
        rows: list[tuple[str, str]],
        bodies: list[tuple[str, str]] | None = None,
        ignore: set[str] | frozenset[str] = frozenset(),
    ) -> None:
        classes: dict[str, set[str]] = defaultdict(set)
        counts: dict[str, Counter[str]] = defaultdict(Counter)
        for label, text in rows:
            for w in set(text.split()):
                classes[w].add(label)
                counts[w][label] += 1
        self._counts = dict(counts)
        self._ignore = frozenset(ignore) - frozenset(w for _, t in bodies or () for w in t.split())
        # the words of a topic's answers also cover it (a commune's entry with three phrasings
        # is reworded with the words of its answer), without changing any word's weight
        self._bodies: dict[str, frozenset[str]] = {}
        for label, text in bodies or ():
            self._bodies[label] = self._bodies.get(label, frozenset()) | frozenset(text.split())
        labels = {label for label, _ in rows}
        self.rows: Counter[str] = Counter(label for label, _ in rows)
        self.n_classes = max(1, len(labels))
        self._classes = {w: frozenset(c) for w, c in classes.items()}
        self.unknown_weight = math.log(self.n_classes) + 1.0

    def weight(self, word: str) -> float:
        known = self._classes.get(word)
        if known is None:
            return self.unknown_weight
        return math.log(self.n_classes / len(known))

    def share(self, text: str, label: str) -> float:
        """Share of the message's word weight that ``label``'s rows use (1.0 for no content)."""
        total = covered = 0.0
        body = self._bodies.get(label, frozenset())
        for w in _content(text.split()):
            if w in self._ignore:
                continue
            weight = self.weight(w)
            total += weight
            if w in body or label in self._classes.get(w, ()):
                covered += weight
        return covered / total if total > 0 else 1.0

    def unknown(self, text: str) -> list[str]:
        """The message's content words that no training row uses."""
        return [w for w in _content(text.split()) if w not in self._classes]

    def off_topic(self, text: str, label: str, against: str = "@fallback") -> tuple[float, int]:
        """The strongest word of the message that ``label``'s rows never use: the share of its
        rows labelled ``against``, and how many rows use it."""
        best = (0.0, 0)
        for w in _content(text.split()):
            c = self._counts.get(w)
            if c is None or label in c:
                continue
            n = sum(c.values())
            best = max(best, (c[against] / n, n))
        return best
