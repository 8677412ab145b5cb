"""Training data of the intent model: the entries, the example files and the labelled sets.

* Every entry gives its question, title, phrasings and keywords, labelled with its topic.
* ``data/examples/*.yaml``: lists of ``{intent: petition|greeting|fallback|foreign, kind?,
  examples}`` or ``{topic, examples}`` blocks, written for the project in citizens' words. A
  topic the knowledge base has no entry for is out of scope: its examples teach the fallback.
* ``data/examples/openers.yaml``: how long messages start ("chào ad, nhà em ở cuối xóm…"); a
  few rows of every class train again with one in front, so a story does not decide the class.
* ``data/examples/labelled/*.tsv``: the repository's labelled sets (``label<TAB>message``), in
  the order of ``labelled/sets.yaml``; the lines listed there under ``not_for_training`` (copies of
  faq-dev lines) are skipped.

A fallback example that an entry answers is dropped: when a commune adds an entry on divorce,
the example "thủ tục ly hôn" stops teaching the model that divorce is out of scope. "Answers"
means that one entry's texts hold at least ``COVERED_SHARE`` of the example's word 1–2-grams,
weighted by how rare they are among the entries (measured: near misses of the bundled base stay
under 0.67, rewordings of a dedicated entry reach 0.76–1.0).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from functools import lru_cache
from itertools import pairwise
from pathlib import Path

import numpy as np
from scipy import sparse

from knowledge.entries import DATA_DIR, KnowledgeBase
from knowledge.intents import model_text
from knowledge.model import TrainingRow
from knowledge.normalize import normalize
from knowledge.yamlio import load_yaml

__all__ = [
    "EXAMPLES_DIR",
    "LABELLED_DIR",
    "EntryTexts",
    "Example",
    "ExamplesError",
    "entry_texts",
    "labelled_groups",
    "load_examples",
    "load_labelled",
    "not_for_training",
    "resolve_label",
    "training_rows",
]


EXAMPLES_DIR = DATA_DIR / "examples"
LABELLED_DIR = EXAMPLES_DIR / "labelled"
INTENTS = ("petition", "greeting", "fallback", "foreign")
KINDS = ("hello", "thanks", "ack", "bye")
NEGATIVE = ("@fallback", "@foreign")
GREETING = "@greeting"
COVERED_SHARE = 0.75
COVERED_MIN_WORDS = 3
OPENERS_FILE = EXAMPLES_DIR / "openers.yaml"
ENTRY_ROWS_PER_TOPIC = 150
OPENED_PER_CLASS = 20  # rows of each class that also train with a story opener in front


@dataclass(frozen=True)
class EntryTexts:
    """One entry's texts, normalised once per build (training, language model, retrieval)."""

    topic: str
    asked: tuple[tuple[str, bool], ...]  # question, title, phrasings: (normalised, typed "?")
    keywords: tuple[str, ...]

    @property
    def all(self) -> list[str]:
        return list(dict.fromkeys([*(t for t, _ in self.asked), *self.keywords]))


def entry_texts(kb: KnowledgeBase) -> list[EntryTexts]:
    """The normalised texts of every entry, in ``kb.entries`` order, empty ones left out."""
    out = []
    for entry in kb.entries.values():
        asked = tuple((n, "?" in t) for t in entry.texts if (n := normalize(t)))
        keywords = tuple(n for k in entry.keywords if (n := normalize(k)))
        out.append(EntryTexts(entry.topic, asked, keywords))
    return out


class ExamplesError(ValueError):
    """An example file is malformed: the message names the file and the block."""


@dataclass(frozen=True)
class Example:
    label: str  # a topic id or "@" + intent
    text: str  # as written
    kind: str | None = None  # the greeting kind, when known
    source: str = ""


def load_examples(folder: Path = EXAMPLES_DIR) -> list[Example]:
    """Every example of the ``*.yaml`` files of ``folder``."""
    out: list[Example] = []
    for path in sorted(folder.glob("*.yaml")):
        if path.name == OPENERS_FILE.name:
            continue
        data = load_yaml(path) or []
        if not isinstance(data, list):
            raise ExamplesError(f"{path}: cần một danh sách các khối")
        for n, block in enumerate(data, 1):
            where = f"{path}: khối {n}"
            if not isinstance(block, dict) or not isinstance(block.get("examples"), list):
                raise ExamplesError(f"{where}: cần 'examples' là một danh sách")
            intent, topic, kind = block.get("intent"), block.get("topic"), block.get("kind")
            if (intent is None) == (topic is None):
                raise ExamplesError(f"{where}: cần đúng một trong 'intent' hoặc 'topic'")
            if intent is not None and intent not in INTENTS:
                raise ExamplesError(f"{where}: intent '{intent}' không hợp lệ")
            if kind is not None and (intent != "greeting" or kind not in KINDS):
                raise ExamplesError(f"{where}: kind '{kind}' chỉ dùng cho greeting: {KINDS}")
            label = f"@{intent}" if intent else str(topic)
            for text in block["examples"]:
                if not isinstance(text, str) or not text.strip():
                    raise ExamplesError(f"{where}: mỗi ví dụ phải là một câu (chuỗi)")
                out.append(Example(label, text, kind, path.name))
    return out


@lru_cache(maxsize=4)
def _raw_openers(path: Path) -> tuple[str, ...]:
    if not path.exists():
        return ()
    data = load_yaml(path) or {}
    openers = data.get("openers") if isinstance(data, dict) else None
    if not isinstance(openers, list) or not all(isinstance(o, str) for o in openers):
        raise ExamplesError(f"{path}: cần 'openers' là một danh sách câu")
    return tuple(openers)


def load_openers(path: Path = OPENERS_FILE) -> tuple[str, ...]:
    """The story openers (``openers.yaml``), normalised with the lexicon in force (a commune's
    may differ from the bundled one, so only the file is cached)."""
    return tuple(n for n in (normalize(o) for o in _raw_openers(path)) if n)


def _sets_file(folder: Path) -> dict:
    return load_yaml(folder / "sets.yaml") or {}


def labelled_groups(folder: Path = LABELLED_DIR) -> list[dict]:
    """The groups of ``sets.yaml`` in writing order: ``{files, commit?, note?}``."""
    return list(_sets_file(folder).get("sets") or [])


def not_for_training(folder: Path = LABELLED_DIR) -> frozenset[str]:
    """Normalised lines that must not train the model (copies of faq-dev lines)."""
    return frozenset(normalize(t) for t in _sets_file(folder).get("not_for_training") or [])


def load_labelled(path: Path) -> list[Example]:
    """``label<TAB>message`` lines; a label ``a|b`` accepts either, the first one trains."""
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#") or "\t" not in line:
            continue
        label, message = line.split("\t", 1)
        out.append(Example(label.strip(), message, None, path.name))
    return out


def resolve_label(label: str, topics: set[str] | frozenset[str]) -> str:
    """The training label of ``a|b`` for a knowledge base with ``topics``: the first one that
    exists there; a topic the base has no entry for is out of scope, so "@fallback"."""
    for part in label.split("|"):
        if part.startswith("@") or part in topics:
            return part
    return "@fallback"


def _grams(text: str) -> list[str]:
    words = text.split()
    return [*words, *(f"{a} {b}" for a, b in pairwise(words))]


def _covered(negatives: list[str], docs: list[set[str]]) -> list[bool]:
    """For each normalised negative: does one entry's texts hold most of its rare 1–2-grams?"""
    if not negatives or not docs:
        return [False] * len(negatives)
    vocab: dict[str, int] = {}
    ind, ptr = [], [0]
    for doc in docs:
        ind.extend(vocab.setdefault(g, len(vocab)) for g in doc)
        ptr.append(len(ind))
    d = sparse.csr_matrix(
        (np.ones(len(ind), dtype=np.float32), ind, ptr), shape=(len(docs), len(vocab))
    )
    df = np.asarray(d.sum(axis=0)).ravel()
    n = len(docs)
    idf = np.log((1.0 + n) / (1.0 + df)) + 1.0
    unknown = np.log(1.0 + n) + 1.0
    rows, cols, vals, totals = [], [], [], []
    for r, text in enumerate(negatives):
        grams = set(_grams(text))
        total = 0.0
        for g in grams:
            j = vocab.get(g)
            total += unknown if j is None else idf[j]
            if j is not None:
                rows.append(r)
                cols.append(j)
                vals.append(idf[j])
        totals.append(total or 1.0)
    q = sparse.csr_matrix((vals, (rows, cols)), shape=(len(negatives), len(vocab)))
    best = np.asarray((q @ d.T).max(axis=1).todense()).ravel() / np.asarray(totals)
    return [
        bool(share >= COVERED_SHARE) and len(text.split()) >= COVERED_MIN_WORDS
        for share, text in zip(best, negatives, strict=True)
    ]


def training_rows(
    kb: KnowledgeBase,
    examples: list[Example],
    exclude: frozenset[str] = frozenset(),
    texts: list[EntryTexts] | None = None,
) -> list[TrainingRow]:
    """The model's rows: the entries, then the examples (a topic without entries is a fallback),
    except fallbacks that an entry answers; then a few rows again behind a story opener."""
    texts = entry_texts(kb) if texts is None else texts
    topics = {t.topic for t in texts}
    rows: list[TrainingRow] = []
    docs: list[set[str]] = []
    for entry in texts:
        doc: set[str] = set()
        seen: set[str] = set()
        for norm, question in (*entry.asked, *((k, False) for k in entry.keywords)):
            if norm not in seen:
                seen.add(norm)
                rows.append(TrainingRow(entry.topic, norm, question))
                doc.update(_grams(norm))
        docs.append(doc)
    rows = _sample_entry_rows(rows)
    kept = []
    for ex in examples:
        label = resolve_label(ex.label, topics)
        norm = model_text(ex.text)
        if norm and norm not in exclude:
            kept.append((label, norm, "?" in ex.text))
    negatives = [i for i, (label, _, _) in enumerate(kept) if label in NEGATIVE]
    covered = _covered([kept[i][1] for i in negatives], docs)
    dropped = {i for i, c in zip(negatives, covered, strict=True) if c}
    rows.extend(TrainingRow(*k) for i, k in enumerate(kept) if i not in dropped)
    return rows + _opened(rows, load_openers())


def _sample_entry_rows(rows: list[TrainingRow]) -> list[TrainingRow]:
    """At most ``ENTRY_ROWS_PER_TOPIC`` entry texts per topic: a topic with hundreds of entries
    teaches nothing more, and training stays in seconds at 10,000 entries (retrieval still sees
    every entry)."""
    by_topic: dict[str, list[TrainingRow]] = {}
    for r in rows:
        by_topic.setdefault(r.label, []).append(r)
    out = []
    for topic, group in by_topic.items():
        if len(group) > ENTRY_ROWS_PER_TOPIC:
            group = random.Random(topic).sample(group, ENTRY_ROWS_PER_TOPIC)
        out.extend(group)
    return out


def _opened(rows: list[TrainingRow], openers: tuple[str, ...]) -> list[TrainingRow]:
    """A few rows of every class (greetings aside) again, with a story opener in front."""
    if not openers:
        return []
    by_label: dict[str, list[TrainingRow]] = {}
    for r in rows:
        if r.label != GREETING and len(r.text.split()) >= 2:
            by_label.setdefault(r.label, []).append(r)
    out = []
    for label in sorted(by_label):
        rng = random.Random(label)
        group = by_label[label]
        for r in rng.sample(group, min(OPENED_PER_CLASS, len(group))):
            out.append(TrainingRow(label, f"{rng.choice(openers)} {r.text}", r.question))
    return out
