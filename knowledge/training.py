"""Build the matcher's models from a knowledge base: the training data and a small cache.

Training takes about a second on the bundled base, so a process that builds several matchers on
the same entries and examples (tests, a profile reload) reuses the fitted models: they are keyed
by a fingerprint of the training rows and never change once fitted. Building is thread-safe and
may run in a worker thread while another matcher serves.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from dataclasses import dataclass
from functools import lru_cache

from knowledge.base import KnowledgeBase
from knowledge.examples import (
    EXAMPLES_DIR,
    LABELLED_DIR,
    Example,
    labelled_groups,
    load_examples,
    load_labelled,
    not_for_training,
    training_rows,
)
from knowledge.model import IntentModel, TrainingRow
from knowledge.intents import model_text

__all__ = ["ModelBundle", "build_models", "bundled_examples"]

_CACHE_SIZE = 4
_cache: OrderedDict[str, ModelBundle] = OrderedDict()
_lock = threading.Lock()


@dataclass(frozen=True)
class ModelBundle:
    """The intent model and the greeting-kind model (hello, thanks, ack, bye)."""

    intent: IntentModel
    kinds: IntentModel | None

    def greeting_kind(self, query: str) -> str:
        if self.kinds is None:
            return "hello"
        p = self.kinds.probabilities(query, False)
        return self.kinds.classes[int(p.argmax())]


@lru_cache(maxsize=1)
def bundled_examples() -> tuple[Example, ...]:
    """The example files and every labelled set, as shipped."""
    examples = list(load_examples(EXAMPLES_DIR))
    for group in labelled_groups(LABELLED_DIR):
        for name in group["files"]:
            examples.extend(load_labelled(LABELLED_DIR / name))
    return tuple(examples)


def _fingerprint(rows: list[TrainingRow], kinds: list[TrainingRow]) -> str:
    digest = hashlib.sha1()
    for r in (*rows, *kinds):
        digest.update(f"{r.label}\t{r.text}\t{r.question:d}\t{r.weight}\n".encode())
    return digest.hexdigest()


def build_models(kb: KnowledgeBase, examples: list[Example] | None = None) -> ModelBundle:
    """Train (or reuse) the models for ``kb``; ``examples`` defaults to the bundled ones."""
    if examples is None:
        examples = list(bundled_examples())
        exclude = not_for_training(LABELLED_DIR)
    else:
        exclude = frozenset()
    rows = training_rows(kb, examples, exclude)
    kinds = [
        TrainingRow(ex.kind, model_text(ex.text))
        for ex in examples
        if ex.kind is not None and model_text(ex.text)
    ]
    key = _fingerprint(rows, kinds)
    with _lock:
        cached = _cache.get(key)
        if cached is not None:
            _cache.move_to_end(key)
            return cached
    bundle = ModelBundle(
        IntentModel(rows), IntentModel(kinds, min_class_rows=1) if kinds else None
    )
    with _lock:
        _cache[key] = bundle
        while len(_cache) > _CACHE_SIZE:
            _cache.popitem(last=False)
    return bundle
