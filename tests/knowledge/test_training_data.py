"""The model's training data: example files, labelled sets, the lexicon, and faq-dev kept out."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from knowledge import KnowledgeBase
from knowledge.entries import Entry
from knowledge.examples import (
    EXAMPLES_DIR,
    LABELLED_DIR,
    Example,
    ExamplesError,
    labelled_groups,
    load_examples,
    load_labelled,
    not_for_training,
    resolve_label,
    training_rows,
)
from knowledge.intents import model_text
from knowledge.lexicon import LexiconError, load_lexicon
from knowledge.normalize import normalize
from knowledge.training import bundled_examples

from .conftest import DEV_SET, read_labelled


def dev_lines() -> set[str]:
    return {normalize(message) for _, message in read_labelled(DEV_SET)}


def test_example_files_load_and_name_known_topics(kb: KnowledgeBase) -> None:
    examples = load_examples()
    assert len(examples) >= 700
    labels = {ex.label for ex in examples}
    assert {"@petition", "@greeting", "@fallback", "@foreign"} <= labels
    assert {label for label in labels if not label.startswith("@")} <= set(kb.topics)
    kinds = {ex.kind for ex in examples if ex.label == "@greeting"}
    assert kinds == {"hello", "thanks", "ack", "bye"}


def test_faq_dev_never_trains_the_model(kb: KnowledgeBase) -> None:
    dev = dev_lines()
    written = {model_text(ex.text) for ex in load_examples()}
    assert not written & dev, "an example file copies a faq-dev line"
    rows = training_rows(kb, list(bundled_examples()), not_for_training())
    entry_texts = {normalize(t) for e in kb.entries.values() for t in (*e.texts, *e.keywords)}
    from_examples = {r.text for r in rows} - entry_texts
    assert not from_examples & dev  # the labelled sets' copies are listed in not_for_training


def test_every_labelled_set_is_listed_once_in_writing_order() -> None:
    listed = [name for group in labelled_groups() for name in group["files"]]
    on_disk = sorted(p.name for p in LABELLED_DIR.glob("*.tsv"))
    assert sorted(listed) == on_disk and len(set(listed)) == len(listed)
    assert listed[0] == "faq-extra.tsv" and listed[-1] == "faq-fresh16.tsv"
    for name in listed:
        assert load_labelled(LABELLED_DIR / name)


def test_a_topic_without_entries_teaches_the_fallback() -> None:
    assert resolve_label("vehicle-registration", {"passport"}) == "@fallback"
    assert resolve_label("school-tuition|@fallback", {"passport"}) == "@fallback"
    assert resolve_label("driving-license|@fallback", {"driving-license"}) == "driving-license"
    assert resolve_label("@petition", set()) == "@petition"


def _entry(kb: KnowledgeBase, **fields: object) -> Entry:
    template = next(iter(kb.entries.values()))
    return dataclasses.replace(template, keywords=(), links=(), **fields)  # type: ignore[arg-type]


def test_a_fallback_example_an_entry_answers_stops_training(kb: KnowledgeBase) -> None:
    examples = [
        Example("@fallback", "thủ tục nhận con nuôi cần gì"),
        Example("@fallback", "giá vàng hôm nay bao nhiêu"),
    ]
    before = {r.text for r in training_rows(kb, examples) if r.label == "@fallback"}
    assert normalize("thủ tục nhận con nuôi cần gì") in before
    adoption = _entry(
        kb,
        id="adoption",
        topic="adoption",
        title="Nhận con nuôi",
        question="Thủ tục nhận con nuôi cần gì, làm ở đâu?",
        phrasings=("nhận con nuôi", "đăng ký nuôi con nuôi"),
    )
    grown = KnowledgeBase({**kb.entries, "adoption": adoption}, kb.profile, kb.topics)
    after = {r.text for r in training_rows(grown, examples) if r.label == "@fallback"}
    assert normalize("thủ tục nhận con nuôi cần gì") not in after
    assert normalize("giá vàng hôm nay bao nhiêu") in after


def test_malformed_example_files_are_refused(tmp_path: Path) -> None:
    (tmp_path / "bad.yaml").write_text("- intent: complaint\n  examples: [x]\n", encoding="utf-8")
    with pytest.raises(ExamplesError, match=r"bad\.yaml"):
        load_examples(tmp_path)
    (tmp_path / "bad.yaml").write_text("- intent: petition\n  examples: [12]\n", encoding="utf-8")
    with pytest.raises(ExamplesError, match="chuỗi"):
        load_examples(tmp_path)


def test_the_bundled_lexicon_loads(tmp_path: Path) -> None:
    lexicon = load_lexicon()
    assert lexicon.abbreviations["cccd"] == "can cuoc" and "a" in lexicon.fillers
    assert lexicon.syllable.match("nghieng") and not lexicon.syllable.match("vneid")
    text = (EXAMPLES_DIR.parent / "lexicon.yaml").read_text(encoding="utf-8")
    bad = tmp_path / "lexicon.yaml"
    bad.write_text(text.replace("  ko: khong", "  no: khong"), encoding="utf-8")
    with pytest.raises(LexiconError, match="abbreviations"):
        load_lexicon(bad)
    bad.write_text(text.replace(r"find: '\bkho\s+dl\b'", "find: '(unclosed'"), encoding="utf-8")
    with pytest.raises(LexiconError, match="phrases"):
        load_lexicon(bad)


MATCHER_MODULES = (
    "evaluation.py",
    "examples.py",
    "features.py",
    "commune_lexicon.py",
    "intents.py",
    "lexicon.py",
    "matcher.py",
    "model.py",
    "normalize.py",
    "training.py",
    "vocabulary.py",
)


@pytest.mark.parametrize("name", MATCHER_MODULES)
def test_no_word_list_or_rule_list_in_python(name: str) -> None:
    """Words and patterns a commune may change live in data files, not in the code."""
    import ast

    path = Path(__file__).resolve().parents[2] / "knowledge" / name
    source = path.read_text(encoding="utf-8")
    assert len(source.splitlines()) < 400
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Set | ast.List | ast.Tuple | ast.Dict):
            strings = [n for n in ast.walk(node) if isinstance(n, ast.Constant)]
            assert len(strings) < 30, f"{name}:{node.lineno}: a literal list of words"
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            target = node.func.value
            if node.func.attr == "split" and isinstance(target, ast.Constant):
                assert len(str(target.value).split()) < 20, f"{name}:{node.lineno}: word list"
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            assert node.value.count("|") < 5, f"{name}:{node.lineno}: a pattern of alternatives"


def test_first_contact_trains_only_on_sets_written_before(kb: KnowledgeBase) -> None:
    from knowledge.evaluation import first_contact

    seen: dict[str, set[str]] = {}
    order = [n for group in labelled_groups() for n in group["files"]]

    def build(base: KnowledgeBase, examples: list[Example]):  # type: ignore[no-untyped-def]
        sources = {ex.source for ex in examples if ex.source.endswith(".tsv")}
        return lambda text: seen.setdefault(text, sources) and None

    scores = first_contact(lambda group: kb, build, only={"faq-fresh3.tsv", "faq-fresh13.tsv"})
    assert [s.name for s in scores] == ["faq-fresh3", "faq-fresh13"]
    for name in ("faq-fresh3.tsv", "faq-fresh13.tsv"):
        first = load_labelled(LABELLED_DIR / name)[0].text
        assert seen[first] == set(order[: order.index(name)]) - {"faq-fresh14.tsv"}
