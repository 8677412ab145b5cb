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

from knowledge.coverage import Coverage
from knowledge.entries import KnowledgeBase
from knowledge.examples import (
    EXAMPLES_DIR,
    LABELLED_DIR,
    EntryTexts,
    Example,
    entry_texts,
    labelled_groups,
    load_examples,
    load_labelled,
    not_for_training,
    training_rows,
)
from knowledge.intents import FOREIGN, model_text
from knowledge.model import IntentModel, TrainingRow
from knowledge.normalize import normalize

__all__ = ["ModelBundle", "build_models", "bundled_examples", "clear_cache"]

_CACHE_SIZE = 4
BODIES_PER_TOPIC = 20
_cache: OrderedDict[str, ModelBundle] = OrderedDict()
_lock = threading.Lock()


@dataclass(frozen=True)
class ModelBundle:
    """The intent model, the greeting-kind model (hello, thanks, ack, bye) and the language
    model (another language or Vietnamese).

    The language model learns only from the example files and the entries: the labelled sets
    mark English lines as plain ``@fallback``, which says nothing about the language.
    """

    intent: IntentModel
    kinds: IntentModel | None
    language: IntentModel | None
    coverage: Coverage | None = None

    def greeting_kind(self, query: str) -> str:
        if self.kinds is None:
            return "hello"
        p = self.kinds.probabilities(query, False)
        return self.kinds.classes[int(p.argmax())]

    def foreign_probability(self, query: str) -> float:
        if self.language is None:
            return 0.0
        p = self.language.probabilities(query, False)
        return float(p[self.language.classes.index(FOREIGN)])


def clear_cache() -> None:
    """Forget the fitted models (the benchmark times training from scratch)."""
    with _lock:
        _cache.clear()


@lru_cache(maxsize=1)
def bundled_examples() -> tuple[Example, ...]:
    """The example files and every labelled set, as shipped."""
    examples = list(load_examples(EXAMPLES_DIR))
    for group in labelled_groups(LABELLED_DIR):
        for name in group["files"]:
            examples.extend(load_labelled(LABELLED_DIR / name))
    return tuple(examples)


def _language_rows(texts: list[EntryTexts], examples: list[Example]) -> list[TrainingRow]:
    """Foreign examples against the entries' texts and the other written examples."""
    out = []
    for ex in examples:
        if ex.source.endswith(".tsv"):
            continue
        text = model_text(ex.text)
        if text:
            out.append(TrainingRow(FOREIGN if ex.label == FOREIGN else "vi", text))
    for entry in texts:
        out.extend(TrainingRow("vi", t) for t, _ in entry.asked)
    return out


def _bodies(kb: KnowledgeBase) -> list[tuple[str, str]]:
    """The normalised answers that also cover their topic (``knowledge.coverage``): the first
    ``BODIES_PER_TOPIC`` of a topic (answers of one topic share their words; normalising
    10,000 answers would cost seconds)."""
    seen: dict[str, int] = {}
    out = []
    for e in kb.entries.values():
        seen[e.topic] = seen.get(e.topic, 0) + 1
        if seen[e.topic] <= BODIES_PER_TOPIC:
            out.append((e.topic, normalize(e.answer)))
    return out


def _fingerprint(rows: list[TrainingRow], kinds: list[TrainingRow]) -> str:
    digest = hashlib.sha1()
    for r in (*rows, *kinds):
        digest.update(f"{r.label}\t{r.text}\t{r.question:d}\t{r.weight}\n".encode())
    return digest.hexdigest()


def build_models(
    kb: KnowledgeBase,
    examples: list[Example] | None = None,
    texts: list[EntryTexts] | None = None,
) -> ModelBundle:
    """Train (or reuse) the models for ``kb``; ``examples`` defaults to the bundled ones."""
    texts = entry_texts(kb) if texts is None else texts
    if examples is None:
        examples = list(bundled_examples())
        exclude = not_for_training(LABELLED_DIR)
    else:
        exclude = frozenset()
    rows = training_rows(kb, examples, exclude, texts)
    kinds = [
        TrainingRow(ex.kind, model_text(ex.text))
        for ex in examples
        if ex.kind is not None and model_text(ex.text)
    ]
    language = _language_rows(texts, examples)
    bodies = _bodies(kb)
    key = _fingerprint(rows, kinds + language + [TrainingRow(t, b) for t, b in bodies])
    with _lock:
        cached = _cache.get(key)
        if cached is not None:
            _cache.move_to_end(key)
            return cached
    intent_rows = [r for r in rows if r.label != FOREIGN]
    bundle = ModelBundle(
        # foreign examples train the language model only: what another language asks for is not
        # the main model's business, and "where is công an xã" is a Vietnamese question
        IntentModel(intent_rows),
        IntentModel(kinds, min_class_rows=1) if kinds else None,
        IntentModel(language, min_class_rows=1)
        if any(r.label == FOREIGN for r in language)
        else None,
        Coverage(
            [(r.label, r.text) for r in intent_rows],
            bodies,
            # words of another language say nothing about the subject ("where is công an xã")
            ignore={w for r in language if r.label == FOREIGN for w in r.text.split()},
        ),
    )
    with _lock:
        _cache[key] = bundle
        while len(_cache) > _CACHE_SIZE:
            _cache.popitem(last=False)
    return bundle
