"""Matcher benchmark: latency at 50 / 1,000 / 10,000 entries, training time, ``ask --batch``.

Run from the repository root:  .venv/bin/python bench/bench_matcher.py [--quick]

It prints figures; it is not a test (accuracy: bench/bench_accuracy.py). Larger knowledge bases
are synthetic: each bundled entry is copied with its phrasings perturbed (words dropped and
reordered, a village or a made-up word added) under a new id, so documents keep realistic lengths
and the vocabulary grows with the size. Side by side, in the same run, it times a naive baseline:
``rapidfuzz.process.extractOne`` with its defaults (``WRatio``) over every question and phrasing,
with ``utils.default_process``.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import platform
import random
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import yaml
from rapidfuzz import __version__ as rapidfuzz_version
from rapidfuzz import fuzz, process, utils

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
# every in-process build below trains from scratch: models on disk would time a file read
os.environ["XABOT_MATCHER_CACHE"] = "off"

from knowledge import Entry, KnowledgeBase, Matcher, load_knowledge, load_profile  # noqa: E402
from knowledge.training import clear_cache  # noqa: E402

DEV = next(
    p
    for p in (
        ROOT.parent / "shared" / "eval" / "faq-dev.tsv",
        ROOT / "tests" / "knowledge" / "data" / "shared" / "faq-dev.tsv",  # the copy in the repo
    )
    if p.is_file()
)
SYLLABLES = """
    an ba binh cam chau dan dong giang ha hai hoa hung khanh lam lien long minh nam nghia
    phu phuoc quang son tan thanh thinh tien trung tuan van vinh xuan yen
""".split()  # noqa: SIM905


def read_labelled(path: Path) -> list[tuple[set[str], str]]:
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("#") or "\t" not in line:
            continue
        label, message = line.split("\t", 1)
        rows.append((set(label.split("|")), message))
    return rows


def synthetic_entries(base: list[Entry], size: int, seed: int = 7) -> list[Entry]:
    """``size`` entries: the bundled ones first, then perturbed copies under new ids."""
    rng = random.Random(seed)
    out = list(base[:size])
    k = 0
    while len(out) < size:
        e = base[k % len(base)]
        k += 1
        made_up = "".join(rng.sample(SYLLABLES, 2))
        village = f"thon {rng.randint(1, 40)}"

        def perturb(text: str, made_up: str = made_up, village: str = village) -> str:
            words = text.split()
            if len(words) > 3 and rng.random() < 0.5:
                words.pop(rng.randrange(len(words)))
            if len(words) > 2 and rng.random() < 0.3:
                i = rng.randrange(len(words) - 1)
                words[i], words[i + 1] = words[i + 1], words[i]
            words.append(rng.choice([made_up, village, made_up + " " + village]))
            return " ".join(words)

        out.append(
            dataclasses.replace(
                e,
                id=f"{e.id}-s{k}",
                title=perturb(e.title),
                question=perturb(e.question),
                phrasings=tuple(perturb(p) for p in e.phrasings),
                keywords=(*e.keywords, made_up),
            )
        )
    return out


def percentile(samples: list[float], q: float) -> float:
    return float(np.percentile(np.array(samples), q))


def time_calls(
    fn: Callable[[str], object], queries: list[str], repeat: int
) -> tuple[list[float], list[float]]:
    """Wall-clock and CPU milliseconds per call (CPU time is robust to a busy machine)."""
    wall, cpu = [], []
    for _ in range(repeat):
        for q in queries:
            c0 = time.thread_time()
            t0 = time.perf_counter()
            fn(q)
            wall.append((time.perf_counter() - t0) * 1000)
            cpu.append((time.thread_time() - c0) * 1000)
    return wall, cpu


class NaiveBaseline:
    """``process.extractOne`` with rapidfuzz's defaults (WRatio) over every question/phrasing."""

    def __init__(self, entries: list[Entry]) -> None:
        self.choices: list[str] = []
        self.topics: list[str] = []
        for e in entries:
            for text in (e.question, *e.phrasings):
                self.choices.append(text)
                self.topics.append(e.topic)

    def __call__(self, text: str) -> tuple[str, float] | None:
        best = process.extractOne(
            text, self.choices, scorer=fuzz.WRatio, processor=utils.default_process
        )
        return (self.topics[best[2]], best[1]) if best else None


def write_kb_dir(entries: list[Entry], folder: Path) -> None:
    data = [
        {
            "id": e.id,
            "topic": e.topic,
            "title": e.title,
            "question": e.question,
            "phrasings": list(e.phrasings),
            "keywords": list(e.keywords),
            "answer": e.answer,
            "links": [{"text": lk.text, "url": lk.url} for lk in e.links],
            "source": e.source,
            "reviewed": e.reviewed,
        }
        for e in entries
    ]
    for i in range(0, len(data), 100):
        (folder / f"part-{i // 100:03d}.yaml").write_text(
            yaml.safe_dump(data[i : i + 100], allow_unicode=True, sort_keys=False),
            encoding="utf-8",
        )


def _time_ask(lines: Path, label: str, cache: str) -> None:
    """One ``python -m bot ask --json --batch`` process, wall and CPU, start-up included."""
    env = {**os.environ, "XABOT_MATCHER_CACHE": cache}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "bot", "ask", "--json", "--batch", str(lines)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    n = len(done.stdout.splitlines())
    print(
        f"python -m bot ask --json --batch (1,000 lines, incl. start-up, {label}): "
        f"wall {wall:.2f} s, CPU (user+sys) {cpu:.2f} s, {n} JSON lines, exit {done.returncode}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repetitions")
    args = parser.parse_args()
    repeat = 3 if args.quick else 10

    print(
        f"Python {platform.python_version()} on {platform.machine()}, "
        f"{platform.processor() or platform.system()}; rapidfuzz {rapidfuzz_version}"
    )
    profile = load_profile()
    kb = load_knowledge(profile)
    base = list(kb.entries.values())
    dev = read_labelled(DEV)
    queries = [m for _, m in dev]

    times = []
    for _ in range(3):
        clear_cache()
        c0, t0 = time.process_time(), time.perf_counter()
        Matcher(kb)
        times.append((time.perf_counter() - t0, time.process_time() - c0))
    wall, cpu = min(times)
    print(
        f"\nTraining at start on the bundled base ({len(base)} entries, examples and labelled "
        f"sets), best of 3: wall {wall:.2f} s, CPU {cpu:.2f} s"
    )

    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(
        f"\nPer-message latency, {len(queries)} dev messages x {repeat} (ms; wall-clock, and CPU "
        f"time of the calling thread in brackets; 1-min load average {load:.1f} on "
        f"{os.cpu_count()} CPUs):"
    )
    print(
        f"  {'entries':>8}  {'build s':>8}  {'matcher p50':>14}  {'matcher p99':>14}  "
        f"{'naive p50':>14}  {'naive p99':>14}"
    )

    def fmt(wall: list[float], cpu: list[float], q: float) -> str:
        return f"{percentile(wall, q):6.2f} [{percentile(cpu, q):5.2f}]"

    for size in (50, 1000, 10000):
        entries = synthetic_entries(base, size)
        clear_cache()
        t0 = time.perf_counter()
        matcher = Matcher(KnowledgeBase({e.id: e for e in entries}, profile))
        build = time.perf_counter() - t0
        naive = NaiveBaseline(entries)
        for q in queries[:5]:
            matcher.match(q)
            naive(q)
        mw, mc = time_calls(matcher.match, queries, repeat)
        nw, nc = time_calls(naive, queries, max(1, repeat // 3))
        print(
            f"  {size:>8}  {build:>8.2f}  {fmt(mw, mc, 50):>14}  {fmt(mw, mc, 99):>14}  "
            f"{fmt(nw, nc, 50):>14}  {fmt(nw, nc, 99):>14}"
        )

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        write_kb_dir(synthetic_entries(base, 1000)[len(base) :], folder)
        times = []
        for _ in range(3):
            clear_cache()
            c0, t0 = time.process_time(), time.perf_counter()
            big = load_knowledge(profile, folder)
            c1, t1 = time.process_time(), time.perf_counter()
            Matcher(big)
            c2, t2 = time.process_time(), time.perf_counter()
            times.append((t1 - t0, t2 - t1, c1 - c0, c2 - c1))
        load, build, load_cpu, build_cpu = min(times, key=lambda t: t[0] + t[1])
        print(
            f"\nLoading {len(big.entries)} entries from YAML (bundled + KNOWLEDGE_DIR), "
            "best of 3, wall [CPU]: "
            f"load+validate {load:.2f} [{load_cpu:.2f}] s, training and index {build:.2f} "
            f"[{build_cpu:.2f}] s, total {load + build:.2f} [{load_cpu + build_cpu:.2f}] s"
        )

        lines = folder / "batch.txt"
        rng = random.Random(1)
        lines.write_text(
            "\n".join(rng.choice(queries) for _ in range(1000)) + "\n", encoding="utf-8"
        )
        # cold: the cache off, so the process imports scikit-learn and trains; warm: a second
        # process finds the models the first one stored (as ``ask`` and server restarts do)
        cache = str(folder / "models")
        for label, value in (("cold, trains", "off"), ("fills the cache", cache), ("warm", cache)):
            _time_ask(lines, label, value)

    if hasattr(os, "getloadavg"):
        print(f"\n1-min load average at the end: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
