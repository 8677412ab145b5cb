"""What the matcher knows of the entries' words: typo repair, exact phrasings, retrieval.

* ``Repair``: an unknown token of 4+ letters that is not a Vietnamese syllable is replaced by a
  known word one edit away (rapidfuzz Levenshtein), or split into two known syllables typed
  without a space ("trocap" → "tro cap"). Valid syllables are left alone: "trom", "song" are
  words, not typos (the research notes measured such false repairs).
* ``RetrievalIndex``: one TF-IDF vector (word and character n-grams) per entry, all its texts
  together; the model picks a topic, retrieval picks the entry within it. A message equal to a
  phrasing of exactly one topic is an exact match.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
from rapidfuzz import process
from rapidfuzz.distance import Levenshtein
from scipy import sparse

from knowledge.entries import Entry
from knowledge.examples import EntryTexts
from knowledge.features import CONTENT, Featurizer
from knowledge.normalize import is_syllable

__all__ = ["Repair", "RetrievalIndex"]


class Repair:
    """Typo repair against a fixed vocabulary (cached per word)."""

    def __init__(self, vocabulary: frozenset[str]) -> None:
        self._vocab = vocabulary
        self._long = sorted(w for w in vocabulary if len(w) >= 4 and not w.isdigit())
        self._word = lru_cache(maxsize=16384)(self._repair_word)

    def __call__(self, normalized: str) -> str:
        words = normalized.split()
        out = [self._word(w) for w in words]
        return " ".join(out) if out != words else normalized

    def _repair_word(self, w: str) -> str:
        if w in self._vocab or len(w) < 4 or w.isdigit() or is_syllable(w):
            return w
        if len(w) >= 5:
            for cut in range(2, len(w) - 1):
                left, right = w[:cut], w[cut:]
                if (
                    left in self._vocab
                    and right in self._vocab
                    and is_syllable(left)
                    and is_syllable(right)
                ):
                    return f"{left} {right}"
        best = process.extractOne(w, self._long, scorer=Levenshtein.distance, score_cutoff=1)
        return best[0] if best is not None else w


class RetrievalIndex:
    """Entry vectors grouped by topic, and the exact phrasings."""

    def __init__(
        self, entries: list[Entry], texts: list[EntryTexts], featurizer: Featurizer
    ) -> None:
        self._featurizer = featurizer
        self._by_topic: dict[str, list[int]] = {}
        self.exact_texts: dict[str, int] = {}
        ambiguous: set[str] = set()
        docs = []
        for i, (entry, own) in enumerate(zip(entries, texts, strict=True)):
            self._by_topic.setdefault(entry.topic, []).append(i)
            for t, _ in own.asked:
                if len(t.split()) < 2:  # "bot", "vneid": a word is no phrasing
                    continue
                known = self.exact_texts.get(t)
                if known is not None and entries[known].topic != entry.topic:
                    ambiguous.add(t)
                self.exact_texts.setdefault(t, i)
            docs.append(" ".join(own.all))
        for t in ambiguous:
            del self.exact_texts[t]
        # per topic with several entries: (features x entries) matrix of l2-normalised vectors
        self._topic_t: dict[str, tuple[sparse.csr_matrix, list[int]]] = {}
        for topic, members in self._by_topic.items():
            if len(members) < 2:
                continue
            m = featurizer.matrix([docs[i] for i in members], CONTENT)
            norms = np.sqrt(np.asarray(m.multiply(m).sum(axis=1)).ravel())
            norms[norms == 0] = 1.0
            m = sparse.diags(1.0 / norms) @ m
            self._topic_t[topic] = (m.T.tocsr(), members)

    def exact(self, query: str) -> int | None:
        return self.exact_texts.get(query)

    def best_entry(self, query: str, topic: str) -> int:
        """The entry of ``topic`` whose texts are most like the message."""
        members = self._by_topic[topic]
        found = self._topic_t.get(topic)
        if found is None:
            return members[0]
        matrix_t, members = found
        ids, values = self._featurizer.vector(query, False, CONTENT)
        if ids.size == 0:
            return members[0]
        sims = matrix_t[ids].T @ values
        return members[int(np.argmax(sims))]
