"""Summarise a py-spy speedscope profile: the top functions by own and by cumulative time.

Run:  .venv/bin/python bench/profile_summary.py PROFILE.json [--top 25]

bench_cpu.py records with ``py-spy record --gil``: only samples of the thread that holds the GIL,
i.e. Python code running. (py-spy's default idle detection counted threads blocked in epoll and in
aiosqlite's queue as busy.) The shares below are therefore shares of the Python CPU; C code that
releases the GIL — SQLite executing a statement, the kernel — is not in them. Frames are named
``module:function`` (a repository file as its dotted module, a library by its import path).
"Cumulative" counts a sample once per function even when the function recurses. The buckets at
the end group the hot path into the parts issue 15 names, by the innermost bucketed project
function on the stack, so each sample is counted in exactly one bucket; samples of SQLAlchemy
running inside a greenlet carry no project frame (see MAIN_ROOT) and are grouped by their root.
"""

from __future__ import annotations

import argparse
import json
import re
from collections import Counter
from pathlib import Path

# Innermost match wins; checked in this order on each frame, from the leaf outwards.
BUCKETS = [
    ("identity lookup/create (storage.identities)", r"^storage\.identities:"),
    ("state lock (storage.conversations)", r"^storage\.conversations:"),
    ("inbound record/dedupe (storage.inbound)", r"^storage\.inbound:"),
    ("outbox reads/writes (storage.outbox)", r"^storage\.outbox:"),
    ("unanswered questions (storage.unanswered)", r"^storage\.unanswered:"),
    ("session begin/commit (storage.db)", r"^storage\.db:"),
    ("other storage (storage.*)", r"^storage\."),
    ("offered buttons / typed labels (handlers.typed_choices)", r"^handlers\.typed_choices:"),
    ("matcher (knowledge.*)", r"^knowledge\."),
    ("router + handlers (handlers.*, other)", r"^handlers\.(?!engine:)"),
    ("Engine.handle own work + commit (handlers.engine)", r"^handlers\.engine:"),
    ("delivery worker (bot.delivery)", r"^bot\.delivery:"),
    ("web chat route (bot.webchat: JSON in and out)", r"^bot\.webchat:"),
    ("other bot code (/healthz, staff, channels)", r"^bot\.(?!__main__:)"),
    ("aiohttp server, JSON, event loop (no project frame)", r"."),
]
# SQLAlchemy's asyncio layer runs the ORM inside greenlets; py-spy shows such a stack on its own,
# rooted at the function greenlet_spawn called (Session.execute, the commit…), not under its
# caller. Those samples are grouped by that root.
MAIN_ROOT = ":_run_module_as_main"  # python -m bot
SITE = re.compile(r".*/(?:site|dist)-packages/")


def frame_name(frame: dict, root: str) -> str:
    path = frame.get("file") or ""
    if SITE.match(path):
        path = SITE.sub("", path)
    elif path.startswith(root):
        path = path[len(root) :].lstrip("/")
    else:
        path = re.sub(r".*/lib/python3\.\d+/", "", path)
    module = path.removesuffix(".py").replace("/", ".").removesuffix(".__init__")
    return f"{module}:{frame.get('name', '?')}"


def load(path: Path, root: str) -> tuple[list[str], list[tuple[list[int], float]]]:
    data = json.loads(path.read_text())
    names = [frame_name(f, root) for f in data["shared"]["frames"]]
    samples: list[tuple[list[int], float]] = []
    for profile in data["profiles"]:
        weights = profile.get("weights") or [1] * len(profile["samples"])
        samples += list(zip(profile["samples"], weights, strict=True))
    return names, samples


def summarise(path: Path, root: str, top: int = 25) -> str:
    names, samples = load(path, root)
    total = sum(w for _, w in samples) or 1
    own: Counter[str] = Counter()
    cumulative: Counter[str] = Counter()
    buckets: Counter[str] = Counter()
    packages: Counter[str] = Counter()
    patterns = [(label, re.compile(rx)) for label, rx in BUCKETS]
    for stack, weight in samples:  # speedscope stacks run from the root to the leaf
        frames = [names[i] for i in stack]
        if not frames:
            continue
        own[frames[-1]] += weight
        packages[frames[-1].split(":")[0].split(".")[0]] += weight
        for name in set(frames):
            cumulative[name] += weight
        if frames[0].endswith(MAIN_ROOT):
            buckets[_bucket(frames, patterns)] += weight
        else:
            buckets[f"SQLAlchemy in a greenlet, under {frames[0]} (caller not on the stack)"] += (
                weight
            )
    lines = [f"{len(samples)} samples ({path.name})", "", "own time (the function itself):"]
    lines += [f"  {w / total * 100:5.1f} %  {n}" for n, w in own.most_common(top)]
    lines += ["", "cumulative time (the function and what it calls):"]
    lines += [f"  {w / total * 100:5.1f} %  {n}" for n, w in cumulative.most_common(top)]
    lines += ["", "own time by package (where the leaf frame lives):"]
    lines += [f"  {w / total * 100:5.1f} %  {n}" for n, w in packages.most_common(12)]
    lines += ["", "by part of the hot path (innermost project function on the stack):"]
    lines += [f"  {w / total * 100:5.1f} %  {n}" for n, w in buckets.most_common()]
    return "\n".join(lines)


def _bucket(frames: list[str], patterns: list[tuple[str, re.Pattern[str]]]) -> str:
    for name in reversed(frames):
        for label, pattern in patterns[:-1]:
            if pattern.search(name):
                return label
    return patterns[-1][0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("profile", type=Path)
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--root", default=str(Path(__file__).resolve().parent.parent))
    args = parser.parse_args()
    print(summarise(args.profile, args.root, args.top))


if __name__ == "__main__":
    main()
