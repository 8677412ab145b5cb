"""The intent model: one linear classifier over topics and the non-FAQ intents, calibrated.

Classes are the labels of the rows: for the matcher, the knowledge base's topics plus
``@petition``, ``@greeting`` and ``@fallback`` (the same class also tells greeting kinds and the
language apart, on other rows). A linear SVM (scikit-learn's ``LinearSVC``, liblinear: a
fraction of a second on the bundled base) is trained on the features of ``knowledge.features``;
its margins become probabilities through a softmax whose temperature is fitted on held-out
margins (a third of the rows), so one confidence threshold means the same thing whatever the size
of the knowledge base.

Rows of rare classes are up-weighted to ``min_class_rows`` (a commune's new topic with five
phrasings is not drowned by topics with hundreds of examples); a class larger than
``max_class_rows`` is sampled down (a safety net: ``knowledge.examples`` already bounds the
entries' rows per topic).
"""

from __future__ import annotations

import random
from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from knowledge.features import Featurizer

if TYPE_CHECKING:
    from scipy import sparse

__all__ = ["IntentModel", "TrainingRow"]


@dataclass(frozen=True)
class TrainingRow:
    """One labelled, normalised text: ``label`` is a topic id or an ``@intent``."""

    label: str
    text: str
    question: bool = False
    weight: float = 1.0


def _softmax(margins: np.ndarray, temperature: float) -> np.ndarray:
    z = margins / temperature
    z = z - z.max(axis=-1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=-1, keepdims=True)


class IntentModel:
    """Fitted once; ``probabilities`` is cheap, pure and thread-safe."""

    def __init__(
        self,
        rows: list[TrainingRow],
        c: float = 1.0,
        min_class_rows: int = 20,
        max_class_rows: int = 1000,
        calibration_rows: int = 2400,
        seed: int = 13,
    ) -> None:
        rows = self._cap(rows, max_class_rows, seed)
        self.featurizer = Featurizer([r.text for r in rows], [r.question for r in rows])
        x = self.featurizer.training_matrix()
        labels = [r.label for r in rows]
        self.classes: list[str] = sorted(set(labels))
        index = {c: i for i, c in enumerate(self.classes)}
        y = np.array([index[lab] for lab in labels])
        counts = Counter(labels)
        w = np.array(
            [r.weight * max(1.0, min_class_rows / counts[r.label]) for r in rows], dtype=np.float64
        )
        self.c = c
        self.seed = seed
        self.temperature = (
            self._fit_temperature(x, y, w, calibration_rows, seed) if len(rows) > 30 else 1.0
        )
        coef, intercept = self._fit(x, y, w)
        # (features x classes), C-contiguous: a query gathers the rows of its few features
        self._coef_t = np.ascontiguousarray(coef.T, dtype=np.float32)
        self._intercept = intercept.astype(np.float32)

    @staticmethod
    def _cap(rows: list[TrainingRow], cap: int, seed: int) -> list[TrainingRow]:
        by_label: dict[str, list[TrainingRow]] = defaultdict(list)
        for r in rows:
            by_label[r.label].append(r)
        rng = random.Random(seed)
        out: list[TrainingRow] = []
        for label in sorted(by_label):
            group = by_label[label]
            out.extend(group if len(group) <= cap else rng.sample(group, cap))
        return out

    def _fit(
        self, x: sparse.csr_matrix, y: np.ndarray, w: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        n = len(self.classes)
        present = np.unique(y)
        if len(present) == 1:  # a single class: it always wins
            coef = np.zeros((n, x.shape[1]))
            intercept = np.full(n, -1.0)
            intercept[present[0]] = 1.0
            return coef, intercept
        # imported here: a process that loads fitted models from disk never pays its second
        from sklearn.svm import LinearSVC

        # tol 0.1: 25 liblinear iterations instead of 80, the same predictions (measured: 99.9 %)
        # liblinear visits rows in a random order: a fixed seed makes every build the same model
        svm = LinearSVC(C=self.c, dual=True, tol=0.1, max_iter=2000, random_state=self.seed)
        svm.fit(x, y, sample_weight=w)
        coef = np.full((n, x.shape[1]), 0.0)
        intercept = np.full(n, -10.0)  # classes absent from this fit never win
        if len(present) == 2:  # liblinear returns one hyperplane for two classes
            coef[present[1]], intercept[present[1]] = svm.coef_[0], svm.intercept_[0]
            coef[present[0]], intercept[present[0]] = -svm.coef_[0], -svm.intercept_[0]
        else:
            coef[present], intercept[present] = svm.coef_, svm.intercept_
        return coef, intercept

    def _fit_temperature(
        self, x: sparse.csr_matrix, y: np.ndarray, w: np.ndarray, rows: int, seed: int
    ) -> float:
        """The softmax temperature that minimises the log loss on held-out rows: a model fitted
        on two thirds of (at most ``rows``) rows scores the other third."""
        order = np.random.default_rng(seed).permutation(len(y))[:rows]
        test, train = order[::3], np.setdiff1d(order, order[::3])
        coef, intercept = self._fit(x[train], y[train], w[train])
        margins = x[test] @ coef.T + intercept
        truth = y[test]
        grid = np.exp(np.linspace(np.log(0.05), np.log(2.0), 40))
        losses = [
            -float(np.mean(np.log(_softmax(margins, t)[np.arange(len(truth)), truth] + 1e-12)))
            for t in grid
        ]
        return float(grid[int(np.argmin(losses))])

    def margins(self, ids: np.ndarray, values: np.ndarray) -> np.ndarray:
        if ids.size == 0:
            return self._intercept.copy()
        return values @ self._coef_t[ids] + self._intercept

    def predict(self, text: str, question: bool) -> tuple[np.ndarray, int]:
        """Calibrated probability of every class (``classes`` order) for a normalised text, and
        how many known content features (word and character n-grams) it has."""
        ids, values = self.featurizer.vector(text, question)
        content = int(np.count_nonzero(ids < self.featurizer.offsets["tail"]))
        return _softmax(self.margins(ids, values), self.temperature), content

    def probabilities(self, text: str, question: bool) -> np.ndarray:
        return self.predict(text, question)[0]
