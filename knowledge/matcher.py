"""Turn one citizen message into a decision: intent, topic, entry, band and why.

Pipeline (design and measurements in bench/RESULTS.md):

1. ``normalize`` (lexicon data: abbreviations, teencode, Telex, fillers); unknown non-syllables
   of 4+ letters are repaired to a known word one edit away, or split into two known words
   (rapidfuzz). Structural checks need no model: nothing readable → fallback; letters of another
   script only → fallback, ``foreign``; mostly unreadable words → fallback.
2. A message equal to a phrasing of exactly one topic is answered by that entry.
3. The intent model (``knowledge.model``, trained at start-up on the entries, the example files
   and the labelled sets) gives a calibrated probability to every topic and to petition,
   greeting and fallback; a second model says whether the text is in another language (never
   when it carries Vietnamese marks).
4. Bands, as Rasa's FallbackClassifier decides: the best class is a topic with probability
   ≥ ``answer_threshold`` and ahead of the runner-up by ``ambiguity_margin`` → answer; a topic
   with ≥ ``suggest_threshold`` (or a close call) → suggest it and up to two other topics; else
   the best non-FAQ class decides (petition, greeting, fallback). A near miss — the model is
   not sure of the best topic (< ``coverage_trusted``) and that topic's own words (its training
   rows and answers) cover less than ``min_coverage`` of the message (``knowledge.coverage``) —
   goes to the better of petition and fallback; a topic with few rows (a commune's new entry)
   and a long message (a story first) are not judged. Within a topic, TF-IDF retrieval
   over the entries' texts picks the entry. Thresholds were chosen on first-contact predictions
   of the labelled sets (bench/bench_accuracy.py), never on the set being scored.

The matcher words nothing but a knowledge-base answer: greetings, fallbacks, suggestions and the
petition offer are worded by the handlers from ``intent``, ``band``, ``greeting_kind`` and
``foreign``. A Matcher is immutable once built, so one can be built in a worker thread while
another serves.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from knowledge.entries import Entry, KnowledgeBase, Link
from knowledge.examples import Example, entry_texts
from knowledge.intents import (
    FALLBACK,
    GREETING,
    PETITION,
    intent_of,
    model_text,
    other_script,
    readable_share,
)
from knowledge.normalize import fold, has_diacritics
from knowledge.training import ModelBundle, build_models
from knowledge.vocabulary import Repair, RetrievalIndex

__all__ = ["Match", "Matcher", "Suggestion"]

MAX_QUERY_CHARS = 1000
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Suggestion:
    """Another entry offered as a button in the middle band."""

    entry_id: str
    topic: str
    title: str
    score: float


@dataclass(frozen=True)
class Match:
    """The matcher's decision for one message, and why."""

    intent: str  # "faq" | "petition" | "greeting" | "fallback"
    band: str  # "answer" | "suggest" | "none"
    topic: str | None
    entry_id: str | None
    score: float
    answer: str  # the rendered entry when intent == "faq" and band == "answer", else ""
    links: tuple[Link, ...] = ()
    suggestions: tuple[Suggestion, ...] = ()
    normalized: str = ""
    reason: str = field(default="", compare=False)
    greeting_kind: str | None = None  # "hello" | "thanks" | "ack" | "bye" for greetings
    foreign: bool = False  # a fallback because the message is in another language
    intents: tuple[tuple[str, float], ...] = field(default=(), compare=False)
    top_topics: tuple[tuple[str, float], ...] = field(default=(), compare=False)

    def to_json(self) -> dict[str, Any]:
        """The ``ask --json`` object of CONTRACTS.md, plus the explanation."""
        return {
            "intent": self.intent,
            "topic": self.topic if self.intent == "faq" else None,
            "score": round(float(self.score), 4),
            "answer": self.answer,
            "suggestions": [s.topic for s in self.suggestions],
            "entry_id": self.entry_id,
            "band": self.band,
            "normalized": self.normalized,
            "suggestion_titles": [s.title for s in self.suggestions],
            "greeting_kind": self.greeting_kind,
            "foreign": self.foreign,
            "reason": self.reason,
            "intent_probabilities": {k: round(v, 4) for k, v in self.intents},
            "top_topics": [[t, round(p, 4)] for t, p in self.top_topics],
        }


@dataclass(frozen=True)
class Signals:
    """What the model saw and said about one message (the input of ``decide``)."""

    normalized: str
    query: str
    probabilities: np.ndarray | None
    structural: str | None = None  # a reason that needs no model: "empty", "foreign-script"…
    exact: int | None = None  # index of the entry the message equals a phrasing of
    foreign: float = 0.0  # probability that the message is in another language


class Matcher:
    """Built once per knowledge base; ``match`` is cheap, pure and never raises."""

    answer_threshold: float = 0.5
    ambiguity_margin: float = 0.3
    suggest_threshold: float = 0.25
    suggestion_floor: float = 0.05
    min_coverage: float = 0.5
    coverage_trusted: float = 0.9
    coverage_min_rows: int = 30
    coverage_max_words: int = 16
    fallback_ratio: float = 1.01
    petition_ratio: float = 0.5
    foreign_threshold: float = 0.5
    min_readable_share: float = 0.5

    def __init__(
        self,
        kb: KnowledgeBase,
        examples: list[Example] | None = None,
        **tuning: float,
    ) -> None:
        for key, value in tuning.items():
            if not hasattr(type(self), key) or key.startswith("_"):
                raise TypeError(f"unknown tuning parameter {key!r}")
            setattr(self, key, value)
        self.kb = kb
        self._entries: list[Entry] = list(kb.entries.values())
        if not self._entries:
            self.models: ModelBundle | None = None
            return
        texts = entry_texts(kb)
        self.models = build_models(kb, examples, texts)
        model = self.models.intent
        self._classes = model.classes
        self._topic_mask = np.array([not c.startswith("@") for c in self._classes])
        self._class_index = {c: i for i, c in enumerate(self._classes)}
        names = [intent_of(c) for c in self._classes]
        self._intent_names = list(dict.fromkeys(names))  # first-seen order, as the loop summed
        self._intent_index = np.array([self._intent_names.index(n) for n in names])
        self._vocab = model.featurizer.known_words()
        self._repair = Repair(self._vocab)
        self._index = RetrievalIndex(self._entries, texts, model.featurizer)

    # ------------------------------------------------------------------ public

    def match(self, text: str) -> Match:
        """The decision for one message. Never raises: bad input gets the fallback."""
        try:
            return self.decide(self.signals(text))
        except Exception as err:  # a bug must not cost the citizen an answer: log, fall back
            # one line, no traceback and never the message (it may hold personal data)
            log.error("matcher failed on a message: %s", type(err).__name__)
            return Match("fallback", "none", None, None, 0.0, "", reason="fallback:error")

    def signals(self, text: str) -> Signals:
        raw = text[: MAX_QUERY_CHARS * 4] if isinstance(text, str) else ""
        normalized = model_text(raw)
        if len(normalized) > MAX_QUERY_CHARS:
            normalized = normalized[:MAX_QUERY_CHARS].rsplit(" ", 1)[0]
        if other_script(raw, fold(raw)):
            return Signals(normalized, normalized, None, "foreign-script")
        if not any(ch.isalpha() for ch in normalized):
            return Signals(normalized, normalized, None, "empty")
        if self.models is None:
            return Signals(normalized, normalized, None, "no-knowledge")
        query = self._repair(normalized)
        # a message typed with Vietnamese marks is Vietnamese, whatever its words
        foreign = 0.0 if has_diacritics(raw) else self.models.foreign_probability(query)
        if readable_share(query.split(), self._vocab) < self.min_readable_share:
            return Signals(normalized, query, None, "unreadable", foreign=foreign)
        if foreign < self.foreign_threshold:  # Vietnamese: its English words ask nothing
            kept = [w for w in query.split() if w not in self.models.foreign_only]
            query = " ".join(kept) if kept else query
        exact = self._index.exact(query)
        probs, known = self.models.intent.predict(query, "?" in raw)
        if not known:
            return Signals(normalized, query, probs, "no-known-words", foreign=foreign)
        return Signals(normalized, query, probs, None, exact, foreign)

    def decide(self, s: Signals) -> Match:
        if s.structural is not None:
            foreign = s.structural == "foreign-script" or s.foreign >= self.foreign_threshold
            why = "foreign" if foreign else s.structural
            return self._fallback(s, 0.0, f"fallback:{why}", foreign)
        if s.exact is not None:
            return self._answer(s, s.exact, 1.0, "exact")
        p = s.probabilities
        assert p is not None
        order = np.argsort(-p)
        best = self._classes[order[0]]
        if s.foreign >= self.foreign_threshold and not (
            best == GREETING and len(s.query.split()) <= 3
        ):  # "thanks", "hello ad": a greeting the citizen typed in English is still one
            return self._fallback(s, s.foreign, "fallback:foreign", foreign=True)
        topic_order = [i for i in order if self._topic_mask[i]]
        t1 = topic_order[0] if topic_order else None
        p_t1 = float(p[t1]) if t1 is not None else 0.0
        runner_up = float(p[order[1]]) if len(order) > 1 else 0.0
        if best.startswith("@"):
            return self._intent(s, best, float(p[order[0]]), p_t1, topic_order)
        if self._close_to_fallback(p, p_t1, self._classes[t1]):
            return self._intent(s, FALLBACK, self._p(p, FALLBACK), p_t1, topic_order, True)
        if p_t1 < self.coverage_trusted and self._coverage(s.query, self._classes[t1]) < (
            self.min_coverage
        ):  # a near miss: the topic's own words do not account for the message (a story's do not
            # either: long messages are not judged)
            other = max((PETITION, FALLBACK), key=lambda c: self._p(p, c))
            return self._intent(s, other, self._p(p, other), p_t1, topic_order, near_miss=True)
        if p_t1 >= self.answer_threshold and p_t1 - runner_up >= self.ambiguity_margin:
            entry = self._index.best_entry(s.query, self._classes[t1])
            return self._answer(s, entry, p_t1, "answer")
        if p_t1 >= self.suggest_threshold:
            why = "ambiguous" if p_t1 >= self.answer_threshold else "low-confidence"
            return self._suggest(s, topic_order, f"suggest:{why}")
        second = next(self._classes[i] for i in order if self._classes[i].startswith("@"))
        return self._intent(s, second, float(p[self._class_index[second]]), p_t1, topic_order)

    def _p(self, p: np.ndarray, label: str) -> float:
        i = self._class_index.get(label)
        return 0.0 if i is None else float(p[i])

    def _close_to_fallback(self, p: np.ndarray, p_t1: float, topic: str) -> bool:
        """The model is not sure of the topic and "I don't know" comes close behind it (at least
        ``fallback_ratio`` of the topic's probability): a near miss. A topic with few rows (a
        commune's new entry) is not judged: the examples may call its subject out of scope."""
        cov = self.models.coverage if self.models is not None else None
        few = cov is not None and cov.rows[topic] < self.coverage_min_rows
        if p_t1 >= self.coverage_trusted or few:
            return False
        return self._p(p, FALLBACK) >= self.fallback_ratio * p_t1

    def _coverage(self, query: str, topic: str) -> float:
        """How much of the message the topic's words account for; 1.0 for a topic with too few
        training rows to judge by (a commune's new entry with a few phrasings)."""
        cov = self.models.coverage if self.models is not None else None
        if (
            cov is None
            or cov.rows[topic] < self.coverage_min_rows
            or len(query.split()) > self.coverage_max_words
        ):
            return 1.0
        return cov.share(query, topic)

    # ------------------------------------------------------------------ bands

    def _explain(self, s: Signals) -> dict[str, Any]:
        p = s.probabilities
        if p is None:
            return {}
        # every message pays for this: per-intent sums in one bincount, not a loop over classes
        sums = np.bincount(self._intent_index, weights=p, minlength=len(self._intent_names))
        pairs = zip(self._intent_names, sums.tolist(), strict=True)
        intents = sorted(pairs, key=lambda kv: -kv[1])
        order = np.argsort(-p)
        tops = order[self._topic_mask[order]][:3]
        return {
            "intents": tuple(intents),
            "top_topics": tuple((self._classes[i], float(p[i])) for i in tops),
        }

    def _intent(
        self,
        s: Signals,
        label: str,
        prob: float,
        p_t1: float,
        topic_order: list[int],
        near_miss: bool = False,
    ) -> Match:
        p = s.probabilities
        if label == FALLBACK and p is not None:  # a close call goes to the petition (a person
            pet = self._p(p, PETITION)  # reads it) when ``petition_ratio`` says so
            if pet >= self.petition_ratio * self._p(p, FALLBACK):
                label, prob = PETITION, pet
        intent = intent_of(label)
        if intent == "greeting":
            kind = self.models.greeting_kind(s.query) if self.models else "hello"
            return Match(
                "greeting", "none", None, None, prob, "", normalized=s.normalized,
                reason=f"greeting:{kind}", greeting_kind=kind, **self._explain(s),
            )  # fmt: skip
        if intent == "petition":
            return Match(
                "petition", "none", None, None, prob, "", normalized=s.normalized,
                reason="petition", **self._explain(s),
            )  # fmt: skip
        why = "near-miss" if near_miss else "out-of-scope" if prob > p_t1 else "low-confidence"
        return self._fallback(s, prob, f"fallback:{why}")

    def _answer(self, s: Signals, index: int, score: float, reason: str) -> Match:
        entry = self._entries[index]
        return Match(
            intent="faq",
            band="answer",
            topic=entry.topic,
            entry_id=entry.id,
            score=min(1.0, float(score)),
            answer=self.kb.render(entry),
            links=entry.links,
            normalized=s.normalized,
            reason=reason,
            **self._explain(s),
        )

    def _suggest(self, s: Signals, topic_order: list[int], reason: str) -> Match:
        p = s.probabilities
        assert p is not None
        top = self._index.best_entry(s.query, self._classes[topic_order[0]])
        others = []
        for i in topic_order[1:3]:
            if p[i] < self.suggestion_floor:
                break
            e = self._entries[self._index.best_entry(s.query, self._classes[i])]
            others.append(Suggestion(e.id, e.topic, e.title, round(float(p[i]), 4)))
        entry = self._entries[top]
        return Match(
            intent="faq",
            band="suggest",
            topic=entry.topic,
            entry_id=entry.id,
            score=float(p[topic_order[0]]),
            answer="",
            links=entry.links,
            suggestions=tuple(others),
            normalized=s.normalized,
            reason=reason,
            **self._explain(s),
        )

    def _fallback(self, s: Signals, score: float, reason: str, foreign: bool = False) -> Match:
        return Match(
            "fallback", "none", None, None, float(score), "", normalized=s.normalized,
            reason=reason, foreign=foreign, **self._explain(s),
        )  # fmt: skip
