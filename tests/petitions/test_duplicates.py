"""Duplicate suggestion: the score on realistic pairs, and following instead of refiling."""

from __future__ import annotations

import pytest

from handlers.workflow import Change
from handlers.workflow.similar import THRESHOLD, excerpt, norm_content, similarity
from knowledge import normalize
from storage import petitions as repo
from tests.helpers import WebChat
from tests.petitions.conftest import (
    count_petitions,
    deliver,
    file_petition,
    load,
    staff_does,
)

LAMP = "Đèn đường thôn 3 hỏng cả tháng nay, tối đi lại rất nguy hiểm"
# (first, second, same category, same problem) — how two villagers describe things.
PAIRS = [
    (
        "Đường liên thôn 2 đoạn qua cầu bị sụt lún, ổ gà nhiều, xe máy đi rất nguy hiểm",
        "duong lien thon 2 doan gan cau sut lun nhieu o ga nguy hiem cho nguoi di xe may",
        True,
        True,
    ),
    (
        "Đèn đường thôn 3 hỏng cả tháng nay, tối đi lại rất tối",
        "Đèn chiếu sáng ở thôn 3 bị hỏng lâu rồi chưa ai sửa",
        True,
        True,
    ),
    (
        "Rác thải ở bãi đầu thôn 4 không ai thu gom, bốc mùi hôi thối",
        "bai rac dau thon 4 lau ngay khong thu gom, mui hoi qua",
        True,
        True,
    ),
    (
        "Cống thoát nước ngõ 5 thôn 1 bị tắc, mưa là ngập",
        "Ngõ 5 thôn 1 cứ mưa là ngập vì cống bị tắc, đề nghị xã nạo vét",
        True,
        True,
    ),
    (
        "Mất điện liên tục ở xóm Trên, mỗi tuần vài lần",
        "xom tren mat dien lien tuc moi tuan may lan anh huong sinh hoat",
        True,
        True,
    ),
    (
        "Đề nghị xã sửa đường vào trường tiểu học thôn 6 vì bị ngập",
        "Đường vào trường tiểu học thôn 6 mỗi khi mưa bị ngập nước, học sinh đi lại khó",
        True,
        True,
    ),
    (
        "Chó thả rông ở thôn 1 cắn người, đề nghị xã xử lý",
        "Tình trạng chó thả rông không rọ mõm ở thôn 1, đã có người bị cắn",
        True,
        True,
    ),
    (
        "Đường liên thôn 2 đoạn qua cầu bị sụt lún, ổ gà nhiều",
        "Đường thôn 5 bị ngập nước mỗi khi mưa",
        True,
        False,
    ),
    ("Đèn đường thôn 3 hỏng cả tháng nay", "Đèn đường thôn 5 hỏng cả tháng nay", True, False),
    (
        "Rác thải ở bãi đầu thôn 4 không ai thu gom",
        "Đề nghị xã hỗ trợ giống lúa cho bà con thôn 4",
        False,
        False,
    ),
    (
        "Cống thoát nước ngõ 5 thôn 1 bị tắc",
        "Trạm y tế xã thiếu thuốc, người dân phải mua ngoài",
        False,
        False,
    ),
    (
        "Mất điện liên tục ở xóm Trên",
        "Mạng internet ở xóm Trên rất yếu, con đi học online không được",
        False,
        False,
    ),
    (
        "Đề nghị xã làm đường bê tông cho ngõ 3 thôn 2",
        "Đề nghị xã làm đường bê tông cho ngõ 7 thôn 6",
        True,
        False,
    ),
    ("Nước sinh hoạt thôn 2 có mùi lạ, màu vàng", "Đường thôn 2 bị lầy lội khi mưa", False, False),
]


@pytest.mark.parametrize(("first", "second", "same_category", "duplicate"), PAIRS)
def test_the_threshold_separates_realistic_pairs(
    first: str, second: str, same_category: bool, duplicate: bool
) -> None:
    score = similarity(normalize(first), normalize(second), same_category=same_category)
    assert (score >= THRESHOLD) is duplicate, score


def test_villages_and_long_texts() -> None:
    a = normalize("Đèn đường hỏng cả tháng nay, tối đi lại rất nguy hiểm")
    assert similarity(a, a, village_a="thon-1", village_b="thon-1") >= THRESHOLD
    assert similarity(a, a, village_a="thon-1", village_b="thon-2") < THRESHOLD
    long_text = "đường làng bị hỏng " * 500  # 9,500 characters: normalised in full
    assert len(norm_content(long_text).split()) == 2000
    assert "***" in excerpt("Gọi tôi số 0912 345 678 nhé") and "0912" not in excerpt(
        "Gọi tôi số 0912 345 678 nhé"
    )


async def test_a_similar_open_petition_is_offered_and_followed(client, runtime) -> None:
    first, second = WebChat(client), WebChat(client)
    code = await file_petition(first, LAMP, category="Điện, nước", village="Thôn 3")
    await second.say("/kiennghi")
    await second.press("Điện, nước")
    await second.say("den duong o thon 3 bi hong lau roi, toi di lai rat nguy hiem")
    await second.press("Xong")
    await second.press("Thôn 3")
    assert "kiến nghị tương tự" in second.text
    assert "Đèn đường thôn 3" in second.text  # a short preview to recognise it
    labels = [b["text"] for b in second.buttons()]
    assert "Theo dõi kiến nghị 1" in labels and "Vẫn gửi kiến nghị mới" in labels
    assert len(labels) <= 5
    await second.press("Theo dõi kiến nghị 1")
    assert f"Bạn đã theo dõi kiến nghị {code}" in second.text
    assert await count_petitions(runtime) == 1  # no new petition
    async with runtime.db.read() as session:
        petition = await repo.get_by_code(session, code)
        recipients = [i.external_user_id for i in await repo.recipients(session, petition)]
    assert recipients == [first.user_id, second.user_id]

    # The follower hears about it like the submitter.
    await staff_does(runtime, code, "screen")
    await deliver(runtime)
    assert "bắt đầu xem xét" in (await second.pushed())[-1]["text"]
    assert "bắt đầu xem xét" in (await first.pushed())[-1]["text"]


async def test_filing_anyway_and_no_offer_for_other_places_or_closed_ones(client, runtime) -> None:
    first, second = WebChat(client), WebChat(client)
    code = await file_petition(first, LAMP, category="Điện, nước", village="Thôn 3")
    # Same words, another village: not offered.
    await second.say("/kiennghi")
    await second.press("Điện, nước")
    await second.say(LAMP)
    await second.press("Xong")
    await second.press("Thôn 5")
    assert "tương tự" not in second.text and "Bước 4/5" in second.text
    await second.say("/huy")

    # Same place: offered; "file anyway" goes on to the contact step and files a new one.
    await second.say("/kiennghi")
    await second.press("Điện, nước")
    await second.say(LAMP)
    await second.press("Xong")
    await second.press("Thôn 3")
    await second.press("Vẫn gửi kiến nghị mới")
    assert "Bước 4/5" in second.text
    await second.press("Gửi ẩn danh")
    await second.press("Xác nhận gửi")
    assert await count_petitions(runtime) == 2

    # A closed petition is not offered any more.
    await staff_does(runtime, code, "reject", Change(reason="unclear"))
    third = WebChat(client)
    await third.say("/kiennghi")
    await third.press("Điện, nước")
    await third.say(LAMP)
    await third.press("Xong")
    await third.press("Thôn 3")
    offered = third.text
    assert code not in offered
    assert (await load(runtime, code)).status == "rejected"
