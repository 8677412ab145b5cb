"""Sparse TF-IDF features of normalised text, for the intent model and for retrieval.

Four blocks, each TF-IDF weighted (sublinear tf, smoothed idf as scikit-learn computes them),
L2-normalised and scaled by its weight, then concatenated:

* ``word``: word 1–2-grams. Exact wording; question words carry intent (no stopwords: see the
  research notes).
* ``char``: char_wb 2–5-grams of every word. Typos, joined or split words, Telex leftovers.
* ``tail``: word 1–2-grams of the last ``tail_words`` words. People tell a story first and ask
  last; without this block the question drowns in the story.
* ``shape``: a question mark in the raw text and the message length (few, fixed features).

The same vocabulary serves training (``matrix``) and queries (``vector``). Queries take a fast
path (dicts and numpy, no scikit-learn call), because a message must cost well under a
millisecond; character n-grams are computed once per distinct word.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from itertools import pairwise

import numpy as np
from scipy import sparse

__all__ = ["BLOCKS", "Featurizer", "char_grams"]

BLOCKS = ("word", "char", "tail", "shape")
_LENGTHS = (3, 8, 16, 32)  # word-count buckets of the shape block


@lru_cache(maxsize=65536)
def char_grams(word: str) -> tuple[str, ...]:
    """scikit-learn's ``char_wb`` 2–5-grams of one word (padded with spaces)."""
    padded = f" {word} "
    size = len(padded)
    return tuple(padded[i : i + n] for n in (2, 3, 4, 5) for i in range(size - n + 1))


def _shape(words: int, question: bool) -> list[str]:
    bucket = next((f"len<={b}" for b in _LENGTHS if words <= b), "len>32")
    return [bucket, "?"] if question else [bucket]


@dataclass(frozen=True)
class Weights:
    word: float = 1.0
    char: float = 1.0
    tail: float = 0.7
    shape: float = 0.3


class Featurizer:
    """Vocabularies and idf of the four blocks, fitted on the training texts."""

    def __init__(
        self,
        texts: list[str],
        questions: list[bool],
        tail_words: int = 6,
        weights: Weights | None = None,
    ) -> None:
        self.tail_words = tail_words
        self.weights = weights or Weights()
        self.vocab: dict[str, dict[str, int]] = {b: {} for b in BLOCKS}
        counts = [self._terms(t, q, grow=True) for t, q in zip(texts, questions, strict=True)]
        self.offsets: dict[str, int] = {}
        total = 0
        for b in BLOCKS:
            self.offsets[b] = total
            total += len(self.vocab[b])
        self.size = total
        df = np.zeros(total, dtype=np.float64)
        for row in counts:
            for b in BLOCKS:
                ids = np.fromiter(row[b], dtype=np.int64) + self.offsets[b]
                df[ids] += 1
        n = len(texts)
        self.idf = (np.log((1.0 + n) / (1.0 + df)) + 1.0).astype(np.float32)
        self._train_rows = counts

    # ------------------------------------------------------------------ terms

    def _block_terms(self, block: str, grams: list[str], grow: bool) -> dict[int, int]:
        vocab = self.vocab[block]
        out: dict[int, int] = {}
        for g in grams:
            i = vocab.get(g)
            if i is None:
                if not grow:
                    continue
                i = vocab[g] = len(vocab)
            out[i] = out.get(i, 0) + 1
        return out

    def _terms(self, text: str, question: bool, grow: bool = False) -> dict[str, dict[int, int]]:
        words = text.split()
        ngrams = [*words, *(f"{a} {b}" for a, b in pairwise(words))]
        tail = words[-self.tail_words :]
        tail_grams = [*tail, *(f"{a} {b}" for a, b in pairwise(tail))]
        chars = [g for w in words for g in char_grams(w)]
        return {
            "word": self._block_terms("word", ngrams, grow),
            "char": self._block_terms("char", chars, grow),
            "tail": self._block_terms("tail", tail_grams, grow),
            "shape": self._block_terms("shape", _shape(len(words), question), grow),
        }

    def _weigh(
        self, terms: dict[str, dict[int, int]], blocks: tuple[str, ...] = BLOCKS
    ) -> tuple[np.ndarray, np.ndarray]:
        idx_parts, val_parts = [], []
        for b in blocks:
            row = terms[b]
            if not row:
                continue
            ids = np.fromiter(row.keys(), dtype=np.int64, count=len(row)) + self.offsets[b]
            tf = np.fromiter(row.values(), dtype=np.float32, count=len(row))
            vals = (1.0 + np.log(tf)) * self.idf[ids]
            norm = float(np.sqrt(np.dot(vals, vals)))
            if norm:
                vals *= getattr(self.weights, b) / norm
            idx_parts.append(ids)
            val_parts.append(vals)
        if not idx_parts:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        return np.concatenate(idx_parts), np.concatenate(val_parts)

    # ------------------------------------------------------------------ public

    def training_matrix(self) -> sparse.csr_matrix:
        """The TF-IDF matrix of the texts the featurizer was fitted on (and frees their counts)."""
        rows = [self._weigh(t) for t in self._train_rows]
        self._train_rows = []
        return self._csr(rows)

    def matrix(self, texts: list[str], blocks: tuple[str, ...] = BLOCKS) -> sparse.csr_matrix:
        return self._csr([self.vector(t, False, blocks) for t in texts])

    def vector(
        self, text: str, question: bool, blocks: tuple[str, ...] = BLOCKS
    ) -> tuple[np.ndarray, np.ndarray]:
        """(feature ids, values) of one normalised text; unknown n-grams are left out."""
        return self._weigh(self._terms(text, question), blocks)

    def known_words(self) -> frozenset[str]:
        return frozenset(g for g in self.vocab["word"] if " " not in g)

    def _csr(self, rows: list[tuple[np.ndarray, np.ndarray]]) -> sparse.csr_matrix:
        indptr = np.zeros(len(rows) + 1, dtype=np.int64)
        indptr[1:] = np.cumsum([len(i) for i, _ in rows])
        indices = np.concatenate([i for i, _ in rows]) if rows else np.zeros(0, np.int64)
        data = np.concatenate([v for _, v in rows]) if rows else np.zeros(0, np.float32)
        return sparse.csr_matrix(
            (data.astype(np.float32), indices.astype(np.int32), indptr),
            shape=(len(rows), self.size),
        )
