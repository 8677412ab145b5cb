"""The matcher: intents, bands, bad input, and accuracy floors on the labelled sets."""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict

import pytest

from knowledge import KnowledgeBase, Match, Matcher

from .conftest import DATA, DEV_SET, read_labelled

CONTRACT_KEYS = {"intent", "topic", "score", "answer", "suggestions"}


def label_of(m: Match) -> str:
    return m.topic if m.intent == "faq" and m.topic else f"@{m.intent}"


def accuracy(matcher: Matcher, rows: list[tuple[str, str]]) -> tuple[float, dict[str, float]]:
    per: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for label, message in rows:
        per[label][1] += 1
        per[label][0] += label_of(matcher.match(message)) in label.split("|")
    total = sum(n for _, n in per.values())
    return sum(c for c, _ in per.values()) / total, {k: c / n for k, (c, n) in per.items()}


BAD_INPUT = [
    "",
    "   \n\t ",
    "a" * 10_000,
    "làm căn cước ở đâu " * 600,
    "😀😀😀🙏",
    "\x00\x01\x02\x1b[31m\x7f",
    "\ud800\udfff lỗi mã hóa",
    "What is the weather like today?",
    "Je voudrais renouveler mon passeport",
    "我想办理护照",
    "Как получить паспорт",
    "asdfghjkl qwerty",
    "1234567890",
    "?!?!...",
]


@pytest.mark.parametrize("text", BAD_INPUT)
def test_bad_input_is_a_fallback_never_an_exception(matcher: Matcher, text: str) -> None:
    m = matcher.match(text)
    if text.startswith("làm căn cước"):
        assert m.topic == "can-cuoc-card"  # a long but real question still gets its answer
        return
    assert m.intent == "fallback" and m.band == "none" and m.topic is None
    assert "0123 456 789" in m.answer  # the hotline from the profile
    assert len(m.normalized) <= 2000


@pytest.mark.parametrize("value", [None, 12, b"abc", ["list"]])
def test_non_text_is_a_fallback(matcher: Matcher, value: object) -> None:
    assert matcher.match(value).intent == "fallback"  # type: ignore[arg-type]


def test_nfd_and_control_characters_still_match(matcher: Matcher) -> None:
    text = unicodedata.normalize("NFD", "Làm lại thẻ căn cước bị mất ở đâu")
    assert matcher.match(text).topic == "can-cuoc-card"
    assert matcher.match("quên\x00 mật\u200b khẩu\x07 VNeID").topic == "vneid-login-problem"


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("Xin chào", "hello"),
        ("chao ad a", "hello"),
        ("cảm ơn bạn nhiều nhé", "thanks"),
        ("ok cam on ad da giup", "thanks"),
        ("tạm biệt", "bye"),
    ],
)
def test_greetings(matcher: Matcher, text: str, kind: str) -> None:
    m = matcher.match(text)
    assert m.intent == "greeting" and m.reason == f"greeting:{kind}"
    assert m.answer


def test_greeting_followed_by_a_question_is_a_question(matcher: Matcher) -> None:
    m = matcher.match("chào bạn, cho mình hỏi làm lại căn cước bị mất ở đâu")
    assert m.intent == "faq" and m.topic == "can-cuoc-card"


@pytest.mark.parametrize(
    "text",
    [
        "Đường vào thôn 2 ổ gà rất nhiều, đề nghị xã sửa",
        "mat dien ca ngay o xom tren",
        "rác thải đổ trộm ven kênh bốc mùi",
        "hồ sơ đất nộp 2 tháng vẫn chưa giải quyết",
        "mong xa lap den duong cho thon 4",
        "song dien thoai yeu qua khong goi duoc",
    ],
)
def test_complaints_become_petitions(matcher: Matcher, text: str) -> None:
    m = matcher.match(text)
    assert m.intent == "petition" and m.topic is None
    assert "kiến nghị" in m.answer and "HĐND" in m.answer


@pytest.mark.parametrize(
    ("text", "topic"),
    [
        ("thẻ căn cước bị hỏng làm lại ở đâu", "can-cuoc-card"),  # a weak cue in a real question
        ("mất điện thoại thì vneid làm sao", "vneid-login-problem"),  # not "mất điện"
        ("kiến nghị gửi rồi xem kết quả ở đâu", "petition-status"),
    ],
)
def test_question_lookalikes_stay_questions(matcher: Matcher, text: str, topic: str) -> None:
    m = matcher.match(text)
    assert (m.intent, m.topic) == ("faq", topic)


@pytest.mark.parametrize(
    "text",
    [
        "tôi muốn tố cáo chủ tịch xã nhận hối lộ",
        "khiếu nại quyết định thu hồi đất của tôi",
        "làm đơn khởi kiện hàng xóm",
    ],
)
def test_formal_complaints_get_the_complaint_answer(matcher: Matcher, text: str) -> None:
    m = matcher.match(text)
    assert (m.intent, m.topic, m.band) == ("faq", "complaint-vs-petition", "answer")


@pytest.mark.parametrize(
    "text",
    [
        "giá vàng hôm nay",
        "kết quả xổ số",
        "cách nấu phở bò",
        "đội tuyển việt nam đá mấy giờ",
        "xin visa đi Hàn Quốc",
        "nhận con nuôi cần giấy tờ gì",
    ],
)
def test_out_of_scope_is_a_fallback(matcher: Matcher, text: str) -> None:
    m = matcher.match(text)
    assert m.intent == "fallback"
    assert "chưa có thông tin" in m.answer


def test_middle_band_offers_at_most_three_distinct_entries(kb: KnowledgeBase) -> None:
    matcher = Matcher(kb, answer_threshold=0.99)  # force the middle band
    m = matcher.match("tra cứu hồ sơ kiến nghị")
    assert m.intent == "faq" and m.band == "suggest"
    assert m.entry_id is not None and 0 <= len(m.suggestions) <= 2
    topics = [m.topic, *(s.topic for s in m.suggestions)]
    assert len(set(topics)) == len(topics)
    assert m.answer.startswith("Có phải bạn muốn hỏi")
    assert kb.get(m.entry_id).title in m.answer  # type: ignore[union-attr]
    for s in m.suggestions:
        assert s.title in m.answer and kb.get(s.entry_id) is not None
    assert m.to_json()["suggestions"] == [s.topic for s in m.suggestions]


def test_answer_band_renders_the_entry_with_links(matcher: Matcher, kb: KnowledgeBase) -> None:
    m = matcher.match("hộ chiếu làm online được không")
    entry = kb.get("passport")
    assert m.band == "answer" and m.entry_id == "passport" and entry is not None
    assert m.answer == kb.render(entry) and m.links == entry.links and m.suggestions == ()
    assert 0 < m.score <= 1


def test_to_json_has_the_contract_keys(matcher: Matcher) -> None:
    for text in ("quen mat khau vneid", "xin chào", "đèn đường hỏng đề nghị sửa", "giá vàng"):
        data = matcher.match(text).to_json()
        assert data.keys() >= CONTRACT_KEYS
        assert data["intent"] in {"faq", "petition", "greeting", "fallback"}
        assert isinstance(data["score"], float) and isinstance(data["suggestions"], list)
        assert (data["topic"] is None) == (data["intent"] != "faq")


def test_empty_knowledge_base_falls_back(profile) -> None:  # type: ignore[no-untyped-def]
    m = Matcher(KnowledgeBase({}, profile)).match("làm căn cước ở đâu")
    assert m.intent == "fallback"


def test_dev_set_accuracy_floor(matcher: Matcher) -> None:
    overall, per_class = accuracy(matcher, read_labelled(DEV_SET))
    assert overall >= 0.95
    assert min(per_class.values()) >= 0.85, {k: v for k, v in per_class.items() if v < 0.85}


def test_extra_set_accuracy_floor(matcher: Matcher) -> None:
    rows = read_labelled(DATA / "faq-extra.tsv")
    assert len(rows) >= 300
    overall, _ = accuracy(matcher, rows)
    assert overall >= 0.90


def test_extra_set_covers_every_kind_of_message() -> None:
    labels = [label for label, _ in read_labelled(DATA / "faq-extra.tsv")]
    for kind in ("@petition", "@greeting", "@fallback"):
        assert sum(label.startswith(kind) for label in labels) >= 15


@pytest.mark.parametrize(
    "text",
    ["cột điện ở ngã tư bị nghiêng", "đoạn đường qua cánh đồng xóm dưới lầy lội"],
)
def test_statements_about_a_local_problem_are_petitions(matcher: Matcher, text: str) -> None:
    assert matcher.match(text).intent == "petition"


@pytest.mark.parametrize(
    ("text", "topic"),
    [
        ("nhập khẩu cho vợ về nhà chồng", "residence-registration"),  # vợ, not vỡ
        ("điện thoại hỏng giờ vneid không đăng nhập được", "vneid-login-problem"),
    ],
)
def test_homographs_do_not_make_petitions(matcher: Matcher, text: str, topic: str) -> None:
    m = matcher.match(text)
    assert (m.intent, m.topic) == ("faq", topic)


@pytest.mark.parametrize("name", ["faq-long.tsv", "faq-holdout.tsv", "faq-holdout2.tsv"])
def test_other_labelled_sets_do_not_regress(matcher: Matcher, name: str) -> None:
    overall, _ = accuracy(matcher, read_labelled(DATA / name))
    assert overall >= 0.88


@pytest.mark.parametrize(
    "text", ["👍", "👍🏻", "ok", "oke", "vâng", "dạ", "ừ", "được rồi", "ok ạ"]
)
def test_acknowledgements_get_a_short_nod(matcher: Matcher, text: str) -> None:
    m = matcher.match(text)
    assert (m.intent, m.reason) == ("greeting", "greeting:ack")
    assert len(m.answer) < 80 and "trợ lý ảo" not in m.answer  # a nod, not the full welcome


@pytest.mark.parametrize("text", ["ok cảm ơn", "dạ cho em hỏi làm căn cước ở đâu", "😀😀😀🙏"])
def test_acknowledgement_words_with_more_are_not_a_nod(matcher: Matcher, text: str) -> None:
    assert matcher.match(text).reason != "greeting:ack"


@pytest.mark.parametrize("text", ["tkb", "09l2345678", "xyz 123", "Je voudrais un passeport"])
def test_abbreviations_digits_and_other_languages_get_no_english(
    matcher: Matcher, text: str
) -> None:
    m = matcher.match(text)
    assert m.intent == "fallback" and m.reason != "foreign"
    assert "tiếng Việt" not in m.answer and "I can only" not in m.answer
    assert "chưa có thông tin" in m.answer


@pytest.mark.parametrize(
    "text", ["how to get a passport", "What is the weather like today?", "hello how are you"]
)
def test_clear_english_gets_one_english_line(matcher: Matcher, text: str) -> None:
    m = matcher.match(text)
    assert (m.intent, m.reason) == ("fallback", "foreign")
    assert m.answer.startswith("Tôi chỉ hiểu tiếng Việt (I can only answer in Vietnamese).")


@pytest.mark.parametrize(
    ("text", "topic"),
    [
        ("cho toi hoi how to dang ky vneid", "vneid-register"),  # Vietnamese around English words
        ("vneid app login khong duoc", "vneid-login-problem"),  # loanwords are not English
        ("where is công an xã", "commune-police"),  # typed with Vietnamese marks
    ],
)
def test_mixed_vietnamese_is_not_foreign(matcher: Matcher, text: str, topic: str) -> None:
    m = matcher.match(text)
    assert (m.intent, m.topic) == ("faq", topic)


@pytest.mark.parametrize(
    "text",
    ["kiem tra kien nghi", "kien nghi cua toi den dau roi", "da nhan duoc kien nghi chua"],
)
def test_petition_status_questions(matcher: Matcher, text: str) -> None:
    m = matcher.match(text)
    assert (m.intent, m.topic, m.band) == ("faq", "petition-status", "answer")


def test_petition_status_answer_matches_the_bot(kb: KnowledgeBase) -> None:
    from storage.petitions import CODE_ALPHABET, CODE_LENGTH, normalize_code

    text = kb.render(kb.get("petition-status"))  # type: ignore[arg-type]
    examples = re.findall(r"/tracuu ([A-Z0-9]+)", text)
    assert examples, text
    for code in examples:  # the bot accepts every example code it shows
        assert len(code) == CODE_LENGTH and set(code) <= set(CODE_ALPHABET)
        assert normalize_code(code) == code
    assert "ABC123" not in text and "Quên mã: tìm lại tin nhắn" not in text
    # without a code, the bot lists the citizen's own petitions: the answer says so
    assert '"tra cứu kiến nghị"' in text and "🔎 Tra cứu kiến nghị" in text
    assert "không cần nhớ mã" in text
