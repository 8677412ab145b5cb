"""The commune's own topics: its police, child vaccination, its leaders (extra topics).

Their commune-specific facts come from the profile; when the profile lacks them, the answer
sends the citizen to the one-stop office and the hotline instead of inventing anything.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from knowledge import KnowledgeBase, Matcher, ProfileError, load_knowledge, load_profile
from knowledge.kb_loader import BUNDLED_TOPICS
from knowledge.profile import BUNDLED_PROFILE, CommuneProfile
from knowledge.profile_check import check_profile
from knowledge.yamlio import load_yaml

TODAY = dt.date(2026, 11, 21)
NEW_TOPICS = {"commune-police", "child-vaccination", "commune-leaders"}


def sample_without(*blocks: str) -> str:
    """The sample profile text without the given top-level blocks (key line + indented lines)."""
    out, skipping = [], False
    for line in BUNDLED_PROFILE.read_text(encoding="utf-8").splitlines(keepends=True):
        key = line.split(":", 1)[0]
        if line[:1].strip() and not line.startswith("#"):
            skipping = key in blocks
        if not skipping:
            out.append(line)
    return "".join(out)


def profile_from(tmp_path: Path, text: str) -> CommuneProfile:
    path = tmp_path / "profile.yaml"
    path.write_text(text, encoding="utf-8")
    return load_profile(path)


def answer_for(profile: CommuneProfile, entry_id: str) -> str:
    kb = load_knowledge(profile)
    entry = kb.get(entry_id)
    assert entry is not None
    return kb.render(entry, today=TODAY)


def test_new_topics_are_declared_as_extra_topics(kb: KnowledgeBase) -> None:
    data = load_yaml(BUNDLED_TOPICS)
    assert {t["id"] for t in data["extra_topics"]} >= NEW_TOPICS
    assert NEW_TOPICS.isdisjoint(t["id"] for t in data["topics"])  # the contract list is as is
    assert {e.topic for e in kb.entries.values()} >= NEW_TOPICS


# ----------------------------------------------------------------------------- police


def test_police_phone_question_gets_the_police_answer(
    matcher: Matcher, profile: CommuneProfile
) -> None:
    # the review's example: it used to get the VNeID registration answer
    m = matcher.match("cho toi so dien thoai cong an xa")
    assert (m.intent, m.topic, m.band) == ("faq", "commune-police", "answer")
    police = profile.police
    assert police is not None
    assert police.phone in m.answer and police.address in m.answer and police.hours in m.answer
    assert "113" in m.answer
    for duty in ("căn cước", "tạm trú", "VNeID mức 2", "lừa đảo"):
        assert duty in m.answer


@pytest.mark.parametrize(
    "text",
    [
        "công an xã ở đâu",
        "xin sdt công an xã với",
        "cong an xa nam o dau vay",
        "trụ sở công an ở thôn mấy",
        "công an xã làm những việc gì",
        "cho xin so dien thoai ca xa",
        "nhà tôi vừa bị trộm mất xe máy thì báo ở đâu",
        "gọi cứu hỏa số mấy",
    ],
)
def test_police_questions(matcher: Matcher, text: str) -> None:
    m = matcher.match(text)
    assert (m.intent, m.topic) == ("faq", "commune-police")


@pytest.mark.parametrize(
    ("text", "topic"),
    [
        ("công an xã có làm căn cước vào thứ 7 không", "can-cuoc-card"),
        ("công an xã ở đâu để làm căn cước", "can-cuoc-card"),
        ("làm lại căn cước ở công an xã mất bao lâu", "can-cuoc-card"),
        ("đăng ký tạm trú cho người thuê trọ ở công an xã cần gì", "residence-registration"),
        ("kich hoat vneid muc 2 o cong an xa", "vneid-register"),
        ("nhờ công an xã kích hoạt vneid mức 2 cho mẹ được không", "vneid-register"),
        ("bị lừa chuyển khoản 5 triệu thì báo công an xã thế nào", "online-scam"),
        ("bi lua dao chuyen tien bao cong an o dau", "online-scam"),
    ],
)
def test_police_mentioned_in_other_topics_keeps_them(
    matcher: Matcher, text: str, topic: str
) -> None:
    m = matcher.match(text)
    assert (m.intent, m.topic, m.band) == ("faq", topic, "answer")


def test_police_answer_without_a_police_block(tmp_path: Path) -> None:
    profile = profile_from(tmp_path, sample_without("police"))
    assert profile.police is None
    text = answer_for(profile, "commune-police")
    assert profile.office.name in text and profile.office.phone in text
    assert profile.hotline in text and "113" in text
    assert "0123 456 720" not in text  # the sample's police phone is gone with its block
    _, issues = check_profile(tmp_path / "profile.yaml", today=TODAY)
    assert [i for i in issues if i.level == "error"] == []
    warning = [str(i) for i in issues if "Công an xã" in i.message]
    assert len(warning) == 1 and "cảnh báo" in warning[0]


def test_police_answer_with_only_a_phone(tmp_path: Path) -> None:
    text = sample_without("police") + "police:\n  phone: 0123 456 999\n"
    profile = profile_from(tmp_path, text)
    answer = answer_for(profile, "commune-police")
    assert "0123 456 999" in answer
    assert f"Trụ sở: hỏi {profile.office.name}" in answer  # the missing address is not invented
    _, issues = check_profile(tmp_path / "profile.yaml", today=TODAY)
    assert any("address, hours" in i.message and i.level == "warning" for i in issues)


def test_police_block_unknown_field_is_an_error(tmp_path: Path) -> None:
    text = BUNDLED_PROFILE.read_text(encoding="utf-8").replace(
        "police:\n", "police:\n  adress: thôn 9\n", 1
    )
    path = tmp_path / "p.yaml"
    path.write_text(text, encoding="utf-8")
    _, issues = check_profile(path, today=TODAY)
    errors = [str(i) for i in issues if i.level == "error"]
    assert len(errors) == 1 and "'adress'" in errors[0] and "police" in errors[0]
    line = int(errors[0].split(":")[1])
    assert text.splitlines()[line - 1].strip().startswith("adress:")


def test_police_block_must_be_a_table(tmp_path: Path) -> None:
    with pytest.raises(ProfileError, match="'police' phải là một bảng"):
        profile_from(tmp_path, sample_without("police") + "police: 0123 456 999\n")


def test_kb_check_cli_warns_about_a_missing_police_block(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from bot import cli_knowledge

    path = tmp_path / "profile.yaml"
    path.write_text(sample_without("police"), encoding="utf-8")
    monkeypatch.setenv("COMMUNE_PROFILE", str(path))
    monkeypatch.delenv("KNOWLEDGE_DIR", raising=False)
    monkeypatch.chdir(tmp_path)
    assert cli_knowledge.main(["kb", "check", "--today", "2026-12-02"]) == 0
    captured = capsys.readouterr()
    assert "cảnh báo: chưa có thông tin Công an xã" in captured.out
    assert "0 lỗi, 1 cảnh báo" in captured.err


# ----------------------------------------------------------------------------- vaccination


@pytest.mark.parametrize(
    "text",
    [
        "lịch tiêm chủng cho trẻ",
        "đưa cháu đi tiêm ở đâu",
        "trạm y tế khi nào tiêm sởi",
        "tiêm vacxin cho con có mất tiền không",
        "chích ngừa cho bé ở đâu",
        "lich tiem phong cho be thang nay",
    ],
)
def test_child_vaccination_questions(matcher: Matcher, text: str) -> None:
    m = matcher.match(text)
    assert (m.intent, m.topic) == ("faq", "child-vaccination")


def test_child_vaccination_answer_says_where_and_invents_no_date(kb: KnowledgeBase) -> None:
    text = kb.render(kb.get("child-vaccination"), today=TODAY)  # type: ignore[arg-type]
    for fact in ("Trạm y tế xã", "miễn phí", "Sổ sức khỏe điện tử", "VNeID", "sổ tiêm chủng"):
        assert fact in text
    assert not re.search(r"\d{1,2}/\d{1,2}", text)  # no dates: the health station announces them
    assert "ngày tiêm cụ thể" in text


@pytest.mark.parametrize(
    ("text", "intent", "topic"),
    [
        ("tiêm phòng cho chó ở đâu", "fallback", None),  # animals are not covered
        ("mở tiệm cắt tóc thì đăng ký gì", "faq", "household-business"),  # tiệm, not tiêm
        ("mo tiem sua xe co can giay phep", "faq", "household-business"),
        # a complaint about the schedule is a report, not a question about it
        ("lịch tiêm cho trẻ ở trạm y tế thay đổi liên tục mà không báo trước", "petition", None),
        ("bac si tram y te xa khong co mat trong gio lam viec", "petition", None),
    ],
)
def test_vaccination_lookalikes(
    matcher: Matcher, text: str, intent: str, topic: str | None
) -> None:
    m = matcher.match(text)
    assert (m.intent, m.topic) == (intent, topic)


# ----------------------------------------------------------------------------- leaders


@pytest.mark.parametrize(
    "text",
    [
        "chủ tịch xã là ai",
        "ai đang là chủ tịch ubnd xã mình",
        "tên bí thư đảng ủy xã",
        "phó chủ tịch ubnd xã là ai",
    ],
)
def test_commune_leader_questions(matcher: Matcher, text: str) -> None:
    m = matcher.match(text)
    assert (m.intent, m.topic) == ("faq", "commune-leaders")


def test_meeting_the_chairman_about_a_matter_gets_his_reception_day(matcher: Matcher) -> None:
    # "gặp … để trình bày" is also a phrasing of citizen-reception; both answers give the
    # chairman's reception day (see test_leaders_answer_comes_from_the_profile)
    m = matcher.match("muốn gặp chủ tịch xã để trình bày việc đất đai")
    assert m.intent == "faq" and m.topic in {"commune-leaders", "citizen-reception"}


def test_leaders_answer_comes_from_the_profile(kb: KnowledgeBase, profile: CommuneProfile) -> None:
    entry = kb.get("commune-leaders")
    assert entry is not None
    text = kb.render(entry, today=TODAY)
    assert profile.leaders and profile.chairman_reception
    for person in profile.leaders:
        assert person.name in text and person.name not in entry.answer  # never in the template
    assert profile.chairman_reception in text and "1 ngày mỗi tuần" in text
    reception = kb.render(kb.get("citizen-reception"), today=TODAY)  # type: ignore[arg-type]
    assert profile.chairman_reception in reception


def test_leaders_answer_without_leaders_names_nobody(tmp_path: Path) -> None:
    sample = load_profile()
    profile = profile_from(tmp_path, sample_without("leaders", "chairman_reception"))
    assert profile.leaders == () and profile.chairman_reception == ""
    text = answer_for(profile, "commune-leaders")
    for person in sample.leaders:
        assert person.name not in text
    assert "niêm yết" in text and profile.office.phone in text
    assert "Chủ tịch UBND xã được niêm yết" in answer_for(profile, "citizen-reception")


def test_leader_entries_in_the_profile_are_checked(tmp_path: Path) -> None:
    text = BUNDLED_PROFILE.read_text(encoding="utf-8").replace(
        "role: Bí thư Đảng ủy xã}", "role: Bí thư Đảng ủy xã, sdt: 1}", 1
    )
    path = tmp_path / "p.yaml"
    path.write_text(text, encoding="utf-8")
    _, issues = check_profile(path, today=TODAY)
    errors = [str(i) for i in issues if i.level == "error"]
    assert len(errors) == 1 and "'sdt'" in errors[0] and "leaders" in errors[0]


@pytest.mark.parametrize("text", ["ai la chu tich nuoc", "thủ tướng là ai", "ai la chu tich tinh"])
def test_national_leaders_are_not_the_communes(matcher: Matcher, text: str) -> None:
    assert matcher.match(text).intent == "fallback"
