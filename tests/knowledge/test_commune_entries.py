"""A commune's own entries (KNOWLEDGE_DIR) are answered without any change to the code.

The rewordings below were written for this test: none is a phrasing of the entries, and the
subjects are ones the bundled knowledge base does not cover (one of them is even taught as out of
scope by the bundled examples, until an entry covers it).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from knowledge import Matcher, load_knowledge
from knowledge.profile import CommuneProfile

ADOPTION = """\
- id: adoption
  topic: adoption
  title: Nhận con nuôi
  question: Thủ tục đăng ký nhận con nuôi làm ở đâu, cần giấy tờ gì?
  phrasings:
    - nhận con nuôi
    - thủ tục nhận nuôi con nuôi
    - đăng ký nuôi con nuôi ở đâu
  answer: |
    Việc nuôi con nuôi trong nước đăng ký tại UBND xã nơi người được nhận làm con nuôi thường trú.
    Bước tiếp theo: hỏi bộ phận một cửa {office_phone} về hồ sơ.
"""
WASTE = """\
- id: waste-collection
  topic: waste-collection
  title: Thu gom rác, phí vệ sinh
  question: Lịch thu gom rác của xã và phí vệ sinh môi trường thế nào?
  phrasings:
    - lịch thu gom rác
    - xe rác mấy giờ đến
    - xe rác đi những ngày nào trong tuần
    - phí vệ sinh môi trường đóng ở đâu
    - tiền rác một tháng bao nhiêu
    - đóng tiền rác cho ai
    - rác cồng kềnh bỏ ở đâu
    - nhà mới đến ở đăng ký thu gom rác thế nào
  keywords: [thu gom rác, phí vệ sinh, lịch xe rác]
  answer: |
    Xe rác thu gom theo lịch của từng thôn; phí vệ sinh nộp cho tổ thu gom của thôn.
    Bước tiếp theo: hỏi trưởng thôn hoặc gọi {office_phone}.
"""
TOPICS = """\
extra_topics:
  - {id: adoption, title: Nhận con nuôi}
  - {id: waste-collection, title: Thu gom rác}
"""
ADOPTION_REWORDED = [
    "bác muốn nhận đứa cháu mồ côi về làm con nuôi thì phải làm những giấy tờ gì",
    "thu tuc xin con nuoi lam o xa duoc khong",
    "vợ chồng tôi hiếm muộn, muốn xin một bé về nuôi cho hợp pháp thì bắt đầu từ đâu",
    "nhận nuôi con của người họ hàng có phải đăng ký không",
    "lam giay to con nuoi can mang theo gi",
]
WASTE_REWORDED = [
    "xe thu rác khoảng mấy giờ thì qua thôn 3",
    "phí rác hàng tháng nộp cho ai, hết bao nhiêu",
    "lich xe rac trong tuan the nao vay",
    "nhà tôi mới chuyển về, muốn được thu gom rác thì báo ai",
    "tủ giường cũ không dùng nữa thì vứt ở chỗ nào",
]


@pytest.fixture(scope="module")
def commune_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("knowledge")
    (folder / "topics.yaml").write_text(TOPICS, encoding="utf-8")
    (folder / "adoption.yaml").write_text(ADOPTION, encoding="utf-8")
    (folder / "waste.yaml").write_text(WASTE, encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def commune_matcher(profile: CommuneProfile, commune_dir: Path) -> Matcher:
    return Matcher(load_knowledge(profile, commune_dir))


@pytest.mark.parametrize("text", ADOPTION_REWORDED)
def test_the_bundled_base_does_not_answer_adoption(matcher: Matcher, text: str) -> None:
    m = matcher.match(text)
    assert m.topic is None or m.band != "answer"


def offered(m: Matcher, texts: list[str], topic: str, bands: set[str]) -> int:
    found = [m.match(t) for t in texts]
    return sum((r.intent, r.topic) == ("faq", topic) and r.band in bands for r in found)


def test_a_commune_entry_answers_reworded_questions(commune_matcher: Matcher) -> None:
    # measured once, never tuned on: 4 of 5 get the entry first (3 answered outright, one as the
    # first "did you mean" choice); the fifth ("xin một bé về nuôi") shares no word with it: it
    # was offered an unrelated topic until the coverage check, and is now refused, never answered
    bands = {"answer", "suggest"}
    assert offered(commune_matcher, ADOPTION_REWORDED, "adoption", bands) >= 4
    assert offered(commune_matcher, ADOPTION_REWORDED, "adoption", {"answer"}) >= 3
    assert sum(commune_matcher.match(t).intent == "faq" for t in ADOPTION_REWORDED) >= 4
    assert all(
        (m := commune_matcher.match(t)).band != "answer" or m.topic == "adoption"
        for t in ADOPTION_REWORDED
    )


def test_an_entry_on_a_subject_citizens_report_is_offered(commune_matcher: Matcher) -> None:
    # rubbish is what reports talk about most, so the model leans to a petition: measured once,
    # 3 of 5 rewordings get the entry (answered or offered); "tủ giường cũ … vứt ở chỗ nào" shares
    # no word with it and "xe thu rác … qua thôn 3" reads like a village report. The remedy is
    # data: more phrasings in the commune's entry.
    bands = {"answer", "suggest"}
    assert offered(commune_matcher, WASTE_REWORDED, "waste-collection", bands) >= 3


@pytest.mark.parametrize("text", ["nhận con nuôi", "lịch thu gom rác"])
def test_a_commune_entry_answers_its_own_phrasings(commune_matcher: Matcher, text: str) -> None:
    assert commune_matcher.match(text).band == "answer"


def test_reports_about_the_same_subject_stay_petitions(commune_matcher: Matcher) -> None:
    m = commune_matcher.match("xe rác cả tuần nay không đến, rác chất đống đầu ngõ bốc mùi")
    assert m.intent == "petition"


def test_the_other_topics_keep_their_answers(commune_matcher: Matcher) -> None:
    assert commune_matcher.match("mất cccd làm lại ở đâu").topic == "can-cuoc-card"
    assert commune_matcher.match("giá vàng hôm nay").intent == "fallback"


def test_a_disabled_entry_is_no_longer_answered(profile: CommuneProfile, tmp_path: Path) -> None:
    question = "muốn bán mật ong nhà làm lên sàn thương mại điện tử thì làm sao"
    assert Matcher(load_knowledge(profile)).match(question).topic == "ecommerce-ocop"
    (tmp_path / "off.yaml").write_text("- {id: ecommerce-ocop, disabled: true}\n", "utf-8")
    m = Matcher(load_knowledge(profile, tmp_path)).match(question)
    assert m.topic != "ecommerce-ocop"
