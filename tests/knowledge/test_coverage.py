"""The near-miss check: a topic's own words must account for a message the model is unsure of."""

from __future__ import annotations

import math

from knowledge import Matcher
from knowledge.coverage import Coverage

ROWS = [
    ("licence", "doi bang lai xe o dau"),
    ("licence", "cap lai bang lai xe"),
    ("tax", "quyet toan thue o dau"),
    ("@fallback", "thi sat hach o dau"),
]


def test_a_word_every_class_uses_weighs_nothing_and_an_unseen_word_the_most() -> None:
    cov = Coverage(ROWS)
    assert cov.weight("o") == 0.0  # "ở": every class uses it
    assert cov.weight("bang") == math.log(3)  # one class of three
    assert cov.weight("xyz") == cov.unknown_weight > cov.weight("bang")


def test_share_counts_the_words_the_topic_uses() -> None:
    cov = Coverage(ROWS)
    assert cov.share("doi bang lai xe o dau", "licence") == 1.0
    assert cov.share("thi sat hach bang lai xe o dau", "licence") < 0.6
    assert math.isclose(cov.share("thi sat hach bang lai xe o dau", "@fallback"), 0.5)
    assert cov.share("o dau", "tax") == 1.0  # nothing to judge by


def test_answers_cover_their_topic_and_foreign_words_are_left_out() -> None:
    cov = Coverage(ROWS, bodies=[("licence", "nop ho so tai cong dich vu cong")], ignore={"where"})
    assert cov.share("nop ho so bang lai", "licence") == 1.0
    assert cov.share("where doi bang lai", "licence") == 1.0
    assert Coverage(ROWS).share("where doi bang lai", "licence") < 1.0


def test_an_unsure_topic_the_message_is_not_about_is_refused(matcher: Matcher) -> None:
    # written for this test: the model leans to vehicle registration (p ≈ 0.66, unsure)
    text = "giấy tờ mua bán xe cũ viết tay có được không"
    assert matcher.match(text).topic == "vehicle-registration"
    strict = Matcher(matcher.kb, min_coverage=1.01)  # the same models (cached): nothing covers
    m = strict.match(text)
    assert m.intent in {"fallback", "petition"} and m.topic is None
    if m.intent == "fallback":
        assert m.to_json()["reason"] == "fallback:near-miss"
    assert dict(m.top_topics)["vehicle-registration"] < strict.coverage_trusted
    # a sure decision is never second-guessed
    assert strict.match("mất cccd làm lại ở đâu").topic == "can-cuoc-card"
    lenient = Matcher(matcher.kb, min_coverage=1.01, coverage_trusted=0.0)
    assert lenient.match(text).topic == "vehicle-registration"


def test_the_check_leaves_sure_answers_and_reworded_questions_alone(matcher: Matcher) -> None:
    for text, topic in [
        ("bằng lái xe máy bị mất thì xin cấp lại thế nào", "driving-license"),
        ("mất cccd làm lại ở đâu", "can-cuoc-card"),
        ("đại biểu hội đồng nhân dân xã ở thôn tôi là ai", "council-delegates"),
    ]:
        m = matcher.match(text)
        assert (m.intent, m.topic) == ("faq", topic), text
