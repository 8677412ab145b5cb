"""The bundled knowledge base: every topic, short answers, commune facts via the profile."""

from __future__ import annotations

import datetime as dt
import re

from knowledge import KnowledgeBase, load_knowledge
from knowledge.kb_loader import AIM_ANSWER_CHARS, BUNDLED_TOPICS, MAX_ANSWER_CHARS, check_knowledge
from knowledge.profile import CommuneProfile
from knowledge.profile_check import check_profile
from knowledge.render import placeholders_in
from knowledge.yamlio import load_yaml

from .conftest import TOPICS_MD


def contract_topics() -> set[str]:
    data = load_yaml(BUNDLED_TOPICS)
    return {t["id"] for t in data["topics"]}


def test_topics_file_matches_shared_topics_md() -> None:
    ids = set(re.findall(r"^\| ([a-z0-9-]+) \|", TOPICS_MD.read_text(encoding="utf-8"), re.M))
    ids.discard("id")
    assert len(ids) == 45
    assert contract_topics() == ids


def test_every_topic_has_an_entry(kb: KnowledgeBase) -> None:
    covered = {e.topic for e in kb.entries.values()}
    assert contract_topics() <= covered


def test_bundled_data_has_no_errors_or_warnings(profile: CommuneProfile) -> None:
    today = dt.date(2026, 11, 21)
    _, profile_issues = check_profile(None, today=today)
    assert [str(i) for i in profile_issues] == []
    assert [str(i) for i in check_knowledge(profile, None, today=today)] == []


def test_answers_are_short_rendered_and_end_with_a_next_step(kb: KnowledgeBase) -> None:
    for entry in kb.entries.values():
        text = kb.render(entry)
        assert len(text) <= MAX_ANSWER_CHARS, entry.id
        assert len(text) <= AIM_ANSWER_CHARS, entry.id
        assert "{" not in text and "}" not in text, entry.id
        last = text.splitlines()[-1]
        assert last.startswith("Bước tiếp theo"), f"{entry.id}: {last}"


def test_commune_facts_only_through_placeholders(
    kb: KnowledgeBase, profile: CommuneProfile
) -> None:
    facts = [profile.hotline, profile.office.phone, profile.office.address, profile.name]
    facts += [p.phone for v in profile.villages for p in (*v.delegates, *v.digital_team)]
    facts += [p.name for p in profile.leaders] + [profile.chairman_reception]
    assert profile.police is not None
    facts += [profile.police.phone, profile.police.address]
    for entry in kb.entries.values():
        for fact in facts:
            assert fact not in entry.answer, f"{entry.id} hard-codes '{fact}'"
        # no phone numbers of any kind in the templates
        assert not re.search(r"\d{3}[ .]?\d{3}[ .]?\d{3,4}", entry.answer), entry.id
    rendered = kb.render(kb.get("one-stop-office"))  # type: ignore[arg-type]
    assert profile.office.phone in rendered and profile.office.hours in rendered


def test_profile_driven_answers(kb: KnowledgeBase, profile: CommuneProfile) -> None:
    delegates = kb.render(kb.get("council-delegates"))  # type: ignore[arg-type]
    for village in profile.villages:
        assert village.name in delegates
    meetings = kb.render(kb.get("voter-meetings"), today=dt.date(2026, 11, 21))  # type: ignore[arg-type]
    assert "03/12/2026" in meetings and "Nhà văn hóa thôn 1" in meetings
    later = kb.render(kb.get("voter-meetings"), today=dt.date(2027, 1, 5))  # type: ignore[arg-type]
    assert "03/12/2026" not in later and "chưa có lịch mới" in later


def test_entries_have_many_phrasings_and_a_recent_review(kb: KnowledgeBase) -> None:
    for entry in kb.entries.values():
        assert len(entry.phrasings) >= 8, entry.id
        assert entry.keywords, entry.id
        assert entry.source, entry.id
        assert entry.reviewed is not None and entry.reviewed >= dt.date(2026, 1, 1), entry.id
        for link in entry.links:
            assert link.url.startswith("https://"), entry.id


def test_facts_of_2026(kb: KnowledgeBase) -> None:
    text = "\n".join(kb.render(e) for e in kb.entries.values()).lower()
    assert "cấp huyện" not in text.replace("không còn cấp huyện", "")  # two-tier government
    birth = kb.render(kb.get("birth-registration")).lower()  # type: ignore[arg-type]
    assert "thường trú" in birth and "bhyt" in birth
    death = kb.render(kb.get("death-registration")).lower()  # type: ignore[arg-type]
    assert "xóa đăng ký thường trú" in death and "mai táng" in death
    portal = kb.render(kb.get("dvc-portal-login")).lower()  # type: ignore[arg-type]
    assert "vneid" in portal


def test_placeholder_names_are_known(kb: KnowledgeBase) -> None:
    from knowledge.render import PLACEHOLDERS

    for entry in kb.entries.values():
        assert set(placeholders_in(entry.answer)) <= set(PLACEHOLDERS), entry.id


def test_loading_is_repeatable(profile: CommuneProfile) -> None:
    assert load_knowledge(profile).entries.keys() == load_knowledge(profile).entries.keys()


def test_the_copies_of_shared_files_are_current() -> None:
    """tests/knowledge/data/shared/ mirrors ../shared so a lone clone tests the same things."""
    from tests.knowledge.conftest import DATA, SHARED

    for relative, copy in (
        ("eval/faq-dev.tsv", "faq-dev.tsv"),
        ("knowledge/topics.md", "topics.md"),
    ):
        original = SHARED / relative
        if original.is_file():  # next to the project's shared folder: the copy must match it
            assert (DATA / "shared" / copy).read_bytes() == original.read_bytes(), copy


# Foreign words an older citizen may not know, and the start of a gloss after their first use.
GLOSSED = re.compile(r"(?<![\w])(OTP|QR|passcode|link|app|email)(?![\w])", re.IGNORECASE)
_GLOSS_FOLLOWS = re.compile(r"^(\s+[^\s.,;:\n()]+){0,2}\s*\(")


def _glossed(text: str, start: int, end: int) -> bool:
    """Explained right after ("mã OTP (mã số gửi qua tin nhắn)", "đường link lạ (đường dẫn…)")
    or itself inside an explanation in brackets ("kho ứng dụng (CH Play, App Store)")."""
    before = text[:start]
    inside = before.rfind("(") > before.rfind(")")
    return inside or _GLOSS_FOLLOWS.match(text[end:]) is not None


def test_foreign_words_are_explained_the_first_time(kb: KnowledgeBase) -> None:
    unexplained = []
    for entry in kb.entries.values():
        text = kb.render(entry)
        first: dict[str, re.Match[str]] = {}
        for m in GLOSSED.finditer(text):
            first.setdefault(m.group(1).lower(), m)
        for word, m in first.items():
            if not _glossed(text, m.start(), m.end()):
                unexplained.append(f"{entry.id}: {word}: {text[m.start() : m.end() + 30]!r}")
    assert unexplained == []


def test_the_gloss_check_catches_a_bare_word() -> None:
    text = "Nhập mã OTP rồi bấm xác nhận. Quét mã QR (ô vuông để quét bằng điện thoại)."
    found = {m.group(1): _glossed(text, m.start(), m.end()) for m in GLOSSED.finditer(text)}
    assert found == {"OTP": False, "QR": True}
