"""Sparse TF-IDF features of normalised text, for the intent model and for retrieval.

Four blocks, each TF-IDF weighted (sublinear tf, smoothed idf as scikit-learn computes them),
L2-normalised and scaled by its weight, then concatenated:

* ``word``: word 1–2-grams. Exact wording; question words carry intent (no stopwords: see the
  research notes).
* ``char``: char_wb 2–4-grams of every word. Typos, joined or split words, Telex leftovers.
* ``tail``: word 1–2-grams of the last ``tail_words`` words. People tell a story first and ask
  last; without this block the question drowns in the story.
* ``shape``: a question mark in the raw text and the message length (few, fixed features).

Training texts are vectorised with sparse algebra (character n-grams once per distinct word, a
words × n-grams matrix multiplied by the texts × words counts); a query takes a fast path of
dict lookups and small numpy arrays, well under a millisecond.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from itertools import pairwise

import numpy as np
from scipy import sparse

__all__ = ["BLOCKS", "CONTENT", "Featurizer", "Weights", "char_grams"]

BLOCKS = ("word", "char", "tail", "shape")
CONTENT = ("word", "char")  # the blocks about what a text says (retrieval uses these)
_LENGTHS = (3, 8, 16, 32)  # word-count buckets of the shape block


@lru_cache(maxsize=65536)
def char_grams(word: str) -> tuple[str, ...]:
    """scikit-learn's ``char_wb`` 2–4-grams of one word (padded with spaces)."""
    padded = f" {word} "
    size = len(padded)
    return tuple(padded[i : i + n] for n in (2, 3, 4) for i in range(size - n + 1))


def _shape(words: int, question: bool) -> list[str]:
    bucket = next((f"len<={b}" for b in _LENGTHS if words <= b), "len>32")
    return [bucket, "?"] if question else [bucket]


@dataclass(frozen=True)
class Weights:
    word: float = 1.0
    char: float = 1.0
    tail: float = 0.7
    shape: float = 0.3


def _ids(vocab: dict[str, int], grams: list[str], grow: bool) -> list[int]:
    if grow:
        return [vocab.setdefault(g, len(vocab)) for g in grams]
    return [i for i in map(vocab.get, grams) if i is not None]


def _counts(rows: list[list[int]], columns: int) -> sparse.csr_matrix:
    indptr = np.zeros(len(rows) + 1, dtype=np.int64)
    indptr[1:] = np.cumsum([len(r) for r in rows])
    indices = np.fromiter((i for r in rows for i in r), dtype=np.int32, count=int(indptr[-1]))
    m = sparse.csr_matrix(
        (np.ones(len(indices), dtype=np.float32), indices, indptr), shape=(len(rows), columns)
    )
    m.sum_duplicates()
    return m


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
        self._word_grams: dict[str, tuple[int, ...]] = {}
        self._fit_matrix = self._fit(texts, questions)

    # ------------------------------------------------------------------ fitting

    def _fit(self, texts: list[str], questions: list[bool]) -> sparse.csr_matrix:
        rows: dict[str, list[list[int]]] = {b: [] for b in BLOCKS}
        words_vocab: dict[str, int] = {}
        word_rows: list[list[int]] = []
        for text, question in zip(texts, questions, strict=True):
            words = text.split()
            rows["word"].append(_ids(self.vocab["word"], self._ngrams(words), True))
            rows["tail"].append(
                _ids(self.vocab["tail"], self._ngrams(words[-self.tail_words :]), True)
            )
            rows["shape"].append(_ids(self.vocab["shape"], _shape(len(words), question), True))
            word_rows.append(_ids(words_vocab, words, True))
        grams = self.vocab["char"]
        for word in words_vocab:  # insertion order = id order
            self._word_grams[word] = tuple(_ids(grams, list(char_grams(word)), True))
        word_grams = _counts(list(self._word_grams.values()), len(grams))
        counts = {b: _counts(rows[b], len(self.vocab[b])) for b in ("word", "tail", "shape")}
        counts["char"] = (_counts(word_rows, len(words_vocab)) @ word_grams).tocsr()
        n = len(texts)
        self.offsets: dict[str, int] = {}
        idf_parts, blocks, total = [], [], 0
        for b in BLOCKS:
            m = counts[b]
            self.offsets[b] = total
            total += m.shape[1]
            df = np.bincount(m.indices, minlength=m.shape[1])
            idf = (np.log((1.0 + n) / (1.0 + df)) + 1.0).astype(np.float32)
            idf_parts.append(idf)
            m.data = (1.0 + np.log(m.data)) * idf[m.indices]
            norms = np.sqrt(np.asarray(m.multiply(m).sum(axis=1)).ravel())
            norms[norms == 0] = 1.0
            blocks.append(sparse.diags(getattr(self.weights, b) / norms) @ m)
        self.size = total
        self.idf = np.concatenate(idf_parts)
        return sparse.hstack(blocks, format="csr", dtype=np.float32)

    @staticmethod
    def _ngrams(words: list[str]) -> list[str]:
        return [*words, *(f"{a} {b}" for a, b in pairwise(words))]

    # ------------------------------------------------------------------ queries

    def _chars(self, word: str) -> tuple[int, ...]:
        known = self._word_grams.get(word)
        if known is not None:
            return known
        return tuple(_ids(self.vocab["char"], list(char_grams(word)), False))

    def vector(
        self, text: str, question: bool, blocks: tuple[str, ...] = BLOCKS
    ) -> tuple[np.ndarray, np.ndarray]:
        """(feature ids, values) of one normalised text; unknown n-grams are left out.

        Every message pays for this two or three times: the blocks' n-grams are counted in
        dicts and weighed with one numpy pass over all of them (per-block numpy calls on a few
        tens of ids cost more than the arithmetic).
        """
        words = text.split()
        terms: list[int] = []
        tfs: list[int] = []
        starts: list[int] = []
        offsets: list[int] = []
        scales: list[float] = []
        for b in blocks:
            if b == "word":
                ids = _ids(self.vocab["word"], self._ngrams(words), False)
            elif b == "char":
                ids = [i for w in words for i in self._chars(w)]
            elif b == "tail":
                ids = _ids(self.vocab["tail"], self._ngrams(words[-self.tail_words :]), False)
            else:
                ids = _ids(self.vocab["shape"], _shape(len(words), question), False)
            if not ids:
                continue
            counts = Counter(ids)
            keys = sorted(counts)  # ascending ids within a block, as before
            starts.append(len(terms))
            offsets.append(self.offsets[b])
            scales.append(getattr(self.weights, b))
            terms.extend(keys)
            tfs.extend(map(counts.__getitem__, keys))
        if not terms:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        sizes = np.diff(np.array([*starts, len(terms)]))
        ids_array = np.array(terms, dtype=np.int64) + np.repeat(np.array(offsets), sizes)
        vals = (1.0 + np.log(np.array(tfs, dtype=np.float32))) * self.idf[ids_array]
        # a block here has a known n-gram and every idf is ≥ 1: its norm is never 0
        norms = np.sqrt(np.add.reduceat(vals * vals, starts))
        factor = np.array(scales, dtype=np.float32) / norms
        return ids_array, (vals * np.repeat(factor, sizes)).astype(np.float32)

    # ------------------------------------------------------------------ public

    def training_matrix(self) -> sparse.csr_matrix:
        """The TF-IDF matrix of the texts the featurizer was fitted on (once: it is freed)."""
        m, self._fit_matrix = self._fit_matrix, None
        return m

    def matrix(self, texts: list[str], blocks: tuple[str, ...] = BLOCKS) -> sparse.csr_matrix:
        rows = [self.vector(t, False, blocks) for t in texts]
        indptr = np.zeros(len(rows) + 1, dtype=np.int64)
        indptr[1:] = np.cumsum([len(i) for i, _ in rows])
        indices = np.concatenate([i for i, _ in rows]) if rows else np.zeros(0, np.int64)
        data = np.concatenate([v for _, v in rows]) if rows else np.zeros(0, np.float32)
        return sparse.csr_matrix(
            (data.astype(np.float32), indices.astype(np.int32), indptr),
            shape=(len(rows), self.size),
        )

    def known_words(self) -> frozenset[str]:
        return frozenset(self._word_grams)
