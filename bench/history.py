"""The knowledge base and the old matcher as they were at a commit of this repository (git).

Used by bench_accuracy.py to score a labelled set against what existed when it was written:
``kb_at(commit)`` reads the entries of that commit; ``old_predictions(commit, messages)`` runs
that commit's own matcher (its code and data, from ``git archive``) in a subprocess.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tarfile
import tempfile
from functools import lru_cache
from io import BytesIO
from pathlib import Path

import yaml

from knowledge import Entry, KnowledgeBase, Link
from knowledge.profile import CommuneProfile

ROOT = Path(__file__).resolve().parent.parent
FIRST_COMMIT = "717b55d"  # the project's first commit: where the first ten sets start

_PREDICT = """
import json, sys
from knowledge import Matcher, load_knowledge, load_profile
m = Matcher(load_knowledge(load_profile()))
for line in sys.stdin:
    x = m.match(json.loads(line))
    print(json.dumps(x.topic if x.intent == "faq" and x.topic else "@" + x.intent))
"""


def git(*args: str) -> str:
    return subprocess.run(
        ["git", "-C", str(ROOT), *args], capture_output=True, text=True, check=True
    ).stdout


def parent(commit: str) -> str:
    return git("rev-parse", f"{commit}^").strip()


@lru_cache(maxsize=32)
def _entries_at(commit: str) -> tuple[Entry, ...]:
    files = [f for f in git("ls-tree", "--name-only", commit, "knowledge/data/kb/").split()]
    out = []
    for name in files:
        if not name.endswith(".yaml"):
            continue
        for raw in yaml.safe_load(git("show", f"{commit}:{name}")) or []:
            out.append(
                Entry(
                    id=raw["id"],
                    topic=raw["topic"],
                    title=str(raw["title"]),
                    question=str(raw["question"]),
                    phrasings=tuple(str(p) for p in raw.get("phrasings") or ()),
                    keywords=tuple(str(k) for k in raw.get("keywords") or ()),
                    answer=str(raw["answer"]),
                    links=tuple(Link(lk["text"], lk["url"]) for lk in raw.get("links") or ()),
                    source=str(raw.get("source") or ""),
                    reviewed=None,
                )
            )
    return tuple(out)


def kb_at(commit: str, profile: CommuneProfile) -> KnowledgeBase:
    """The bundled entries of ``commit`` (with today's profile for rendering)."""
    return KnowledgeBase({e.id: e for e in _entries_at(commit)}, profile)


def old_predictions(commit: str, messages: list[str]) -> list[str]:
    """The labels that ``commit``'s own matcher gives the messages."""
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", commit, "knowledge"],
        capture_output=True,
        check=True,
    ).stdout
    with tempfile.TemporaryDirectory() as tmp:
        with tarfile.open(fileobj=BytesIO(archive)) as tar:
            tar.extractall(tmp, filter="data")
        done = subprocess.run(
            [sys.executable, "-c", _PREDICT],
            input="".join(json.dumps(m) + "\n" for m in messages),
            capture_output=True,
            text=True,
            cwd=tmp,
            env={"PYTHONPATH": tmp, "PATH": "/usr/bin:/bin"},
            check=True,
        )
    return [json.loads(line) for line in done.stdout.splitlines()]
