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
    assert len(ids) == 55
    assert contract_topics() == ids


def test_every_topic_has_an_entry(kb: KnowledgeBase) -> None:
    covered = {e.topic for e in kb.entries.values()}
    assert contract_topics() <= covered


def test_bundled_data_has_no_errors_or_warnings(profile: CommuneProfile) -> None:
    today = dt.date(2026, 12, 2)
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


# ----------------------------------------------------------------- second round (issue 13)

SECOND_ROUND = {
    "vehicle-registration": "Tôi vừa mua xe máy mới, đi đăng ký lấy biển số ở đâu?",
    "social-insurance": "Nghỉ việc hơn một năm, tôi muốn rút bảo hiểm xã hội một lần thì làm sao?",
    "personal-tax": "Tôi muốn biết mã số thuế cá nhân của mình, tra ở đâu?",
    "military-service": "Con trai tôi năm nay 17 tuổi, đăng ký nghĩa vụ quân sự ở đâu?",
    "maternity-benefit": "Tôi sắp sinh con, chế độ thai sản được nghỉ bao lâu?",
    "unemployment-insurance": "Tôi bị mất việc, làm hồ sơ hưởng trợ cấp thất nghiệp ở đâu?",
    "civil-status-correction": "Giấy khai sinh ghi sai năm sinh, muốn cải chính thì làm thế nào?",
    "sim-verification": "Nhà mạng nhắn tôi phải xác thực thuê bao bằng khuôn mặt, làm thế nào?",
    "school-tuition": "Con tôi học trường công lập năm nay có được miễn học phí không?",
    "court-and-notary": "Vợ chồng tôi muốn ly hôn thì nộp đơn ở đâu?",
}


def test_python_m_bot_ask_answers_each_second_round_topic(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """The real entry point, one plain question per new topic (worded apart from the phrasings)."""
    import json
    import os
    import subprocess
    import sys

    from .conftest import REPO

    questions = tmp_path / "questions.txt"
    questions.write_text("\n".join(SECOND_ROUND.values()) + "\n", encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k not in ("KNOWLEDGE_DIR", "COMMUNE_PROFILE")}
    done = subprocess.run(
        [sys.executable, "-m", "bot", "ask", "--json", "--batch", str(questions)],
        cwd=tmp_path,
        env={**env, "PYTHONPATH": str(REPO)},
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
        check=True,
    )
    answers = [json.loads(line) for line in done.stdout.splitlines()]
    assert len(answers) == len(SECOND_ROUND)
    pairs = zip(SECOND_ROUND, answers, strict=True)
    got = {topic: (a["intent"], a["topic"], a["band"]) for topic, a in pairs}
    assert got == {topic: ("faq", topic, "answer") for topic in SECOND_ROUND}


def test_second_round_entries_are_complete(kb: KnowledgeBase) -> None:
    for topic in SECOND_ROUND:
        entries = kb.by_topic(topic)
        assert entries, topic
        for entry in entries:
            assert len(entry.phrasings) >= 20, entry.id
            assert entry.reviewed == dt.date(2026, 12, 2), entry.id
            assert re.search(r"\d+/20\d\d/(QH1[3-6]|NĐ-CP|TT-B\w+)", entry.source), entry.id
            # citizens type without marks, in abbreviations, and at length
            assert any(p.isascii() for p in entry.phrasings), entry.id
            assert any(len(p.split()) >= 12 for p in entry.phrasings), entry.id


def test_second_round_phrasings_are_not_copied_from_evaluation_files(kb: KnowledgeBase) -> None:
    from knowledge.normalize import normalize

    from .conftest import DATA, DEV_SET, read_labelled

    files = [DEV_SET, *sorted(DATA.glob("*.tsv"))]
    evaluated = {normalize(message) for path in files for _, message in read_labelled(path)}
    copied = [
        (entry.id, text)
        for topic in SECOND_ROUND
        for entry in kb.by_topic(topic)
        for text in (entry.question, entry.title, *entry.phrasings)
        if normalize(text) in evaluated
    ]
    assert copied == []


def test_the_fact_check_corrections(kb: KnowledgeBase) -> None:
    def text(entry_id: str) -> str:
        entry = kb.get(entry_id)
        assert entry is not None, entry_id
        return kb.render(entry, today=dt.date(2026, 12, 2))

    marriage = text("marriage-registration")
    assert "không phải nộp giấy xác nhận tình trạng hôn nhân" in marriage
    record = text("judicial-record")
    assert "01/7/2026" in record and "phiếu số 2" in record and "Sở Tư pháp" not in record
    scam = kb.get("online-scam")
    assert scam is not None
    assert "canhbao.khonggianmang.vn" in scam.answer and "khonggianmang.gov.vn" not in scam.answer
    assert all("khonggianmang.gov.vn" not in link.url for link in scam.links)
    assert "156" in scam.answer and "5656" in scam.answer
    card = text("can-cuoc-card")
    assert "dưới 6 tuổi" in card and "cấp lại trực tuyến" in card
    assert "Công an xã nơi có điểm tiếp nhận" in text("driving-license")
    assert "48 giờ" in text("passport")
    assert "30 ngày" in text("land-procedures")
    login = text("vneid-login-problem")
    assert "Thay đổi số điện thoại" in login and "1900 0368" in login
    assert "1800 1096" in text("dvc-portal-login")
    assert "1900 0368" in text("vneid-register") and "dưới 14 tuổi" in text("vneid-register")
    residence = text("residence-registration")
    assert "23 giờ" in residence and "Tạm vắng" in residence and "60 ngày" in residence
    assert "thuế khoán" in text("household-business")
    assert "tình trạng hôn nhân thay đổi" in text("marital-status-certificate")
    assert "7 tầng" in text("construction-permit")
    hotlines = text("contact-human")
    assert all(n in hotlines for n in ("1900 0368", "1800 1096", "156", "113", "114", "115"))
    assert "không tư vấn pháp lý" in text("court-and-notary")
    assert "176/2025" in kb.get("social-allowance").source  # type: ignore[union-attr]
    assert "356/2025" in kb.get("personal-data").source  # type: ignore[union-attr]
