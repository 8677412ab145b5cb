"""Build the matcher's models from a knowledge base: the training data and a small cache.

Training takes about a second on the bundled base, so a process that builds several matchers on
the same entries and examples (tests, a profile reload) reuses the fitted models: they are keyed
by a fingerprint of the training rows and never change once fitted. Building is thread-safe and
may run in a worker thread while another matcher serves.

Fitted models are also pickled to a folder, keyed by the same fingerprint plus this code and
scikit-learn's version, so the next process with the same entries (``python -m bot ask``, a second
server process, a restart) loads them in milliseconds instead of importing scikit-learn and
training: ``$XDG_CACHE_HOME/xabot/matcher`` (``~/.cache/xabot/matcher``) unless
``XABOT_MATCHER_CACHE`` names another folder, or is ``off`` (or empty) to keep models in memory
only. Pickles are code: the folder is created with mode 700, and a folder or file that another
user owns or may write is never read.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import tempfile
import threading
from collections import OrderedDict
from dataclasses import dataclass
from functools import lru_cache
from importlib.metadata import version
from pathlib import Path

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

__all__ = ["ModelBundle", "build_models", "bundled_examples", "cache_folder", "clear_cache"]

_CACHE_SIZE = 4
BODIES_PER_TOPIC = 20
LANGUAGE_ROWS = 5000
_cache: OrderedDict[str, ModelBundle] = OrderedDict()
_lock = threading.Lock()
DISK_CACHE_VARIABLE = "XABOT_MATCHER_CACHE"
_DISK_KEEP = 8


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
    # words of the foreign examples that no Vietnamese row uses ("where", "is", "how"): in a
    # Vietnamese message they say nothing about what it asks
    foreign_only: frozenset[str] = frozenset()

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


@lru_cache(maxsize=1)
def _code_version() -> bytes:
    """What else decides the fitted models: the modelling code and scikit-learn's version."""
    from knowledge import coverage, model

    # the distribution's version, not ``sklearn.__version__``: importing scikit-learn takes over
    # a second, and a process that finds its models on disk never needs it
    digest = hashlib.sha1(version("scikit-learn").encode())
    for path in (Path(__file__), Path(model.__file__), Path(coverage.__file__)):
        digest.update(path.read_bytes())
    return digest.digest()


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
    digest = hashlib.sha1(_code_version())
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
    bundle = _load_from_disk(key) or _fit(rows, kinds, language, bodies)
    _save_to_disk(key, bundle)
    with _lock:
        _cache[key] = bundle
        while len(_cache) > _CACHE_SIZE:
            _cache.popitem(last=False)
    return bundle


def _fit(
    rows: list[TrainingRow],
    kinds: list[TrainingRow],
    language: list[TrainingRow],
    bodies: list[tuple[str, str]],
) -> ModelBundle:
    intent_rows = [r for r in rows if r.label != FOREIGN]
    foreign_words = {w for r in language if r.label == FOREIGN for w in r.text.split()}
    vi_words = {w for r in language if r.label != FOREIGN for w in r.text.split()}
    return ModelBundle(
        # foreign examples train the language model only: what another language asks for is not
        # the main model's business, and "where is công an xã" is a Vietnamese question
        IntentModel(intent_rows),
        IntentModel(kinds, min_class_rows=1) if kinds else None,
        # every Vietnamese row of the bundle (2,500): a sample of 1,000 once dropped "thanks"
        # and made it English; the cap still bounds training at 10,000 entries
        IntentModel(language, min_class_rows=1, max_class_rows=LANGUAGE_ROWS)
        if any(r.label == FOREIGN for r in language)
        else None,
        Coverage(
            [(r.label, r.text) for r in intent_rows],
            bodies,
            # words of another language say nothing about the subject ("where is công an xã")
            ignore=foreign_words,
        ),
        frozenset(foreign_words - vi_words),
    )


def cache_folder() -> Path | None:
    """Where fitted models are kept between processes, or None when the cache is off."""
    folder = os.environ.get(DISK_CACHE_VARIABLE)
    if folder is not None:
        return Path(folder) if folder.strip() and folder.strip().lower() != "off" else None
    base = os.environ.get("XDG_CACHE_HOME", "").strip()
    try:
        root = Path(base) if base else Path.home() / ".cache"
    except RuntimeError:  # no home directory: nowhere private to keep them
        return None
    return root / "xabot" / "matcher"


def _disk_path(key: str) -> Path | None:
    folder = cache_folder()
    return folder / f"models-{key}.pickle" if folder else None


def _private(path: Path) -> bool:
    """Owned by this user and writable by nobody else: only then may a pickle be trusted."""
    try:
        st = path.stat()
    except OSError:
        return False
    return st.st_uid == os.getuid() and not st.st_mode & 0o022


def _load_from_disk(key: str) -> ModelBundle | None:
    path = _disk_path(key)
    if path is None or not path.is_file() or not (_private(path.parent) and _private(path)):
        return None
    try:
        bundle = pickle.loads(path.read_bytes())
    except Exception:  # a truncated or foreign file: train again and overwrite it
        return None
    return bundle if isinstance(bundle, ModelBundle) else None


def _save_to_disk(key: str, bundle: ModelBundle) -> None:
    path = _disk_path(key)
    if path is None or path.is_file():
        return
    with contextlib.suppress(OSError):  # a cache: failing to write it changes nothing
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        if not _private(path.parent):  # a shared folder: never leave code where others write
            return
        fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as out:
                pickle.dump(bundle, out, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, path)  # atomic: parallel processes never read half a file
        finally:
            Path(tmp).unlink(missing_ok=True)
        stored = sorted(path.parent.glob("models-*.pickle"), key=lambda p: p.stat().st_mtime)
        for old in stored[:-_DISK_KEEP]:  # models of edited entries are not needed again
            old.unlink(missing_ok=True)
