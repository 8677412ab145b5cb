"""Accuracy at first contact: the learned matcher against the rule-based one it replaced.

Run from the repository root:  .venv/bin/python bench/bench_accuracy.py [--only faq-fresh7 …]
(``--sweep``: the decision thresholds replayed on the first-contact predictions)

For every labelled set of knowledge/data/examples/labelled/sets.yaml, in writing order:

* **new**: a model trained on the example files and on the sets written *before* this one only,
  with the knowledge base the set was first scored against (the parent of the commit that added
  it; the project's first commit for the first ten sets, whose knowledge base had already been
  tuned on them, so their figures flatter any design);
* **old**: the rule-based matcher as it was when the set was first scored — that commit's own
  code and data, run in a subprocess (fresh7 onwards), or the figure recorded in bench/RESULTS.md
  at the time (the first ten sets: their code is not in the history).

A label whose topic that knowledge base has no entry for counts as ``@fallback`` (the content
round relabelled such lines when it added the topics). Then, for the shipped model: faq-dev
(never trained on), and faq-dev's questions told after a story (openers written here, not the
training openers) against the old matcher of the merge base with main.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from history import FIRST_COMMIT, git, kb_at, old_predictions, parent  # noqa: E402

from knowledge import Matcher, load_knowledge, load_profile  # noqa: E402
from knowledge.evaluation import SetScore, expected_label, score_set  # noqa: E402
from knowledge.examples import (  # noqa: E402
    LABELLED_DIR,
    Example,
    labelled_groups,
    load_examples,
    load_labelled,
)

DEV = next(
    p
    for p in (
        ROOT.parent / "shared" / "eval" / "faq-dev.tsv",
        ROOT / "tests" / "knowledge" / "data" / "shared" / "faq-dev.tsv",
    )
    if p.is_file()
)
NEAR_MISS = ROOT / "bench" / "data" / "near-miss-dev.tsv"
RULE_BASED = "7efda80"  # main just before the learned matcher was merged (1aca039^1)
# bench/RESULTS.md before this redesign: first-contact figures of the sets older than the history
# (right/total; None where the table gave only the overall figure)
RECORDED = {
    "faq-extra": ("0.906", None, None),
    "faq-holdout": ("0.937", None, None),
    "faq-holdout2": ("0.883", None, None),
    "faq-fresh": ("0.931", "25/30", "26/30"),
    "faq-fresh2": ("0.955", "13/16", "14/16"),
    "faq-fresh3": ("0.685", "10/25", "19/20"),
    "faq-fresh4": ("0.733", "14/30", "18/19"),
    "faq-fresh5": ("0.813", "21/25", "14/20"),
    "faq-fresh6": ("0.922", "12/12", "10/12"),
}
# How long questions start in this benchmark only (the training openers are in
# knowledge/data/examples/openers.yaml and are not used here).
STORIES = [
    "chào ad, nhà em ở cuối xóm, bố mẹ em già rồi, em thì đi làm ăn xa mấy năm nay, giờ em hỏi",
    "tôi năm nay 68 tuổi, mắt kém, con cái đi làm hết, hôm trước lên xã đông quá phải về,",
    "chuyện là thế này, vợ tôi mới sinh cháu thứ hai, tôi làm ruộng, cuộc sống cũng vất vả,",
    "cho em hoi chut, em moi chuyen ve que song duoc may thang, chua quen thu tuc o day lam,",
    "bác hỏi giúp thằng cháu, nó đi làm công ty trên tỉnh, hôm qua nó gọi về nhờ bác hỏi xem",
    "hom qua di cho gap ba hang xom, ba bao nhan tin vao day hoi duoc nen toi thu,",
]


def cell(score: SetScore, kind: str) -> str:
    return score.cell(kind) if score.total[kind] else "–"


def old_score(commit: str, rows: list[Example], topics: set[str], name: str) -> SetScore:
    predictions = old_predictions(commit, [ex.text for ex in rows])
    out = SetScore(name)
    for ex, predicted in zip(rows, predictions, strict=True):
        out.add(expected_label(ex.label, topics), predicted, ex.text)
    return out


def first_contact(only: set[str] | None) -> None:
    profile = load_profile()
    written = list(load_examples())
    print(
        "| set | n | knowledge base | new overall | new @petition | new @fallback "
        "| old overall | old @petition | old @fallback | old figure |"
    )
    print("|---|---:|---|---:|---:|---:|---:|---:|---:|---|")
    new_all, new_history, old_history = SetScore("new"), SetScore("new"), SetScore("old")
    for group in labelled_groups():
        commit = parent(group["commit"]) if group.get("commit") else FIRST_COMMIT
        names = [n for n in group["files"] if only is None or n.removesuffix(".tsv") in only]
        if names:
            kb = kb_at(commit, profile)
            topics = {e.topic for e in kb.entries.values()}
            matcher = Matcher(kb, list(written))
        for name in names:
            rows = load_labelled(LABELLED_DIR / name)
            label = name.removesuffix(".tsv")
            new = score_set(matcher.match, rows, label, topics)
            new_all += new
            if group.get("commit"):
                old = old_score(commit, rows, topics, label)
                new_history += new
                old_history += old
                old_cells = (f"{old.accuracy():.3f}", cell(old, "@petition"))
                old_cells += (cell(old, "@fallback"), "reproduced")
            else:
                overall, pet, fb = RECORDED.get(label, ("–", None, None))
                old_cells = (overall, pet or "–", fb or "–", "recorded" if overall != "–" else "–")
            print(
                f"| {label} | {len(rows)} | {commit[:7]} | **{new.accuracy():.3f}** "
                f"| {cell(new, '@petition')} | {cell(new, '@fallback')} | "
                + " | ".join(old_cells)
                + " |"
            )
        for name in group["files"]:
            written.extend(load_labelled(LABELLED_DIR / name))
    new, old = new_history, old_history
    if old.total["all"]:
        print(
            f"\nSets with both figures reproduced (fresh7 onwards, {new.total['all']} messages): "
            f"new {new.accuracy():.3f} (@petition {new.cell('@petition')}, @fallback "
            f"{new.cell('@fallback')}, topics {new.cell('topic')}); old {old.accuracy():.3f} "
            f"(@petition {old.cell('@petition')}, @fallback {old.cell('@fallback')}, topics "
            f"{old.cell('topic')})"
        )
    print(
        f"All sets, new design at first contact: {new_all.accuracy():.3f} ({new_all.cell('all')})"
    )


def sweep() -> None:
    """Accuracy, wrong answers and suggestions at first contact for a grid of thresholds.

    The signals (normalised text, probabilities) of every message are computed once per set with
    its first-contact model; only the decision is replayed with each setting.
    """
    profile = load_profile()
    written = list(load_examples())
    replay = []
    for group in labelled_groups():
        commit = parent(group["commit"]) if group.get("commit") else FIRST_COMMIT
        kb = kb_at(commit, profile)
        topics = {e.topic for e in kb.entries.values()}
        matcher = Matcher(kb, list(written))
        for name in group["files"]:
            rows = load_labelled(LABELLED_DIR / name)
            replay.append(
                (
                    matcher,
                    [(expected_label(ex.label, topics), matcher.signals(ex.text)) for ex in rows],
                )
            )
            written.extend(rows)
    print(
        "\n| answer ≥ | margin ≥ | suggest ≥ | overall | @petition | @fallback | wrong answers "
        "| suggested |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|---:|")
    grid = [(a, m, s) for a in (0.3, 0.5, 0.7, 0.9) for m in (0.0, 0.1, 0.3) for s in (0.15, 0.25)]
    _replay(replay, [(a, m, s, 0.5, 0.9) for a, m, s in grid])
    print("\n| min coverage | unless p ≥ | overall | @petition | @fallback | topics |")
    print("|---:|---:|---:|---:|---:|---:|")
    gates = [(0.0, 0.9)] + [(c, t) for c in (0.4, 0.5, 0.6) for t in (0.7, 0.9, 1.01)]
    _replay(replay, [(0.5, 0.3, 0.25, c, t) for c, t in gates], gate_table=True)
    print(
        "\n| fallback ≥ × topic | coverage up to words | overall | @petition | @fallback | topics"
    )
    print("|---:|---:|---:|---:|---:|---:")
    shipped = Matcher.min_coverage, Matcher.coverage_trusted
    ratios = [(r, w) for r in (1.01, 0.8, 0.6, 0.5, 0.4, 0.3, 0.2) for w in (16, 24, 40)]
    _replay(replay, [(0.5, 0.3, 0.25, *shipped, r, w) for r, w in ratios], gate_table=True)
    print("\n| petition ≥ × fallback | overall | @petition | @fallback | topics |")
    print("|---:|---:|---:|---:|---:|")
    chosen = Matcher.petition_ratio
    for ratio in (1.01, 0.8, 0.6, 0.5, 0.3):
        Matcher.petition_ratio = ratio
        _replay(replay, [(0.5, 0.3, 0.25, *shipped)], gate_table=True, head=f"| {ratio} |")
    Matcher.petition_ratio = chosen


def _replay(
    replay: list, grid: list[tuple[float, ...]], gate_table: bool = False, head: str = ""
) -> None:
    for answer, margin, suggest, coverage, trusted, *more in grid:
        ratio, words = more or (Matcher.fallback_ratio, Matcher.coverage_max_words)
        score, wrong, suggested, answered = SetScore("sweep"), 0, 0, 0
        for matcher, rows in replay:
            matcher.answer_threshold, matcher.ambiguity_margin = answer, margin
            matcher.suggest_threshold = suggest
            matcher.min_coverage, matcher.coverage_trusted = coverage, trusted
            matcher.fallback_ratio, matcher.coverage_max_words = ratio, words
            for label, signals in rows:
                m = matcher.decide(signals)
                predicted = m.topic if m.intent == "faq" and m.topic else f"@{m.intent}"
                score.add(label, predicted, "")
                answered += m.band == "answer"
                wrong += m.band == "answer" and predicted not in label.split("|")
                suggested += m.band == "suggest"
        if gate_table:
            first = f"| {ratio} | {words} |" if more else f"| {coverage} | {trusted} |"
            first = head or first
            print(
                f"{first} {score.accuracy():.3f} | {score.cell('@petition')} | "
                f"{score.cell('@fallback')} | {score.cell('topic')} |"
            )
            continue
        print(
            f"| {answer} | {margin} | {suggest} | {score.accuracy():.3f} | "
            f"{score.cell('@petition')} | {score.cell('@fallback')} | "
            f"{wrong} of {answered} | {suggested} |"
        )


def shipped() -> None:
    """The shipped model on faq-dev, the near-miss dev set and faq-dev's questions behind a
    story, beside the rule-based matcher (``RULE_BASED``) and the learned matcher of the merge
    base with main (the previous round), each run from its own commit."""
    profile = load_profile()
    kb = load_knowledge(profile)
    topics = {e.topic for e in kb.entries.values()}
    t0 = time.process_time()
    matcher = Matcher(kb)
    print(f"\nShipped model: trained in {time.process_time() - t0:.2f} s CPU")
    base = git("merge-base", "HEAD", "main").strip()
    dev = load_labelled(DEV)
    rng = random.Random(5)
    stories = [
        Example(ex.label, f"{rng.choice(STORIES)} {ex.text[0].lower()}{ex.text[1:]}")
        for ex in dev
        if not ex.label.startswith("@")
    ]
    sets = [
        ("faq-dev (never trained on)", dev),
        ("near misses written for development (never trained on; thresholds chosen with them)",
         load_labelled(NEAR_MISS)),
        ("faq-dev questions told after a story", stories),
    ]  # fmt: skip
    print(f"columns: new | rule-based {RULE_BASED} | learned of {base[:7]}")
    for name, rows in sets:
        new = score_set(matcher.match, rows, name)
        rules = old_score(RULE_BASED, rows, topics, name)
        learned = old_score(base, rows, topics, name)
        print(
            f"{name} ({len(rows)}): **{new.accuracy():.3f}** (@petition {new.cell('@petition')}, "
            f"@fallback {new.cell('@fallback')}) | {rules.accuracy():.3f} | "
            f"{learned.accuracy():.3f}"
        )
        for label, predicted, message in new.misses if rows is dev else ():
            print(f"  miss: {label} → {predicted}: {message}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="*", help="set names (faq-fresh7 …) to score")
    parser.add_argument("--no-shipped", action="store_true", help="first contact only")
    parser.add_argument("--sweep", action="store_true", help="thresholds at first contact")
    args = parser.parse_args()
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"1-min load average {load:.1f}\n")
    if args.sweep:
        sweep()
        return
    first_contact(set(args.only) if args.only else None)
    if not args.no_shipped:
        shipped()


if __name__ == "__main__":
    main()
