"""Older citizens type what the buttons say — without diacritics, as "có"/"không", or as the
number of a listed choice. Each is handled as the press it means, and only that."""

from __future__ import annotations

from handlers.typed_choices import Offered, choose
from handlers.workflow import Change
from tests.helpers import WebChat
from tests.petitions.conftest import (
    ROAD,
    count_petitions,
    deliver,
    file_petition,
    load,
    staff_does,
    state_of,
)

COMPLAINT = "Đèn đường ở ngã ba thôn 2 bị hỏng cả tháng nay, tối đi lại rất nguy hiểm"


def test_choosing_a_button_from_typed_words() -> None:
    menu = [
        Offered("📝 Gửi kiến nghị", "cmd:kiennghi", "…"),
        Offered("🔎 Tra cứu kiến nghị", "cmd:tracuu", "…"),
        Offered("🏠 Menu chính", "cmd:menu", "…"),
    ]
    assert choose("gui kien nghi", [menu]) == "cmd:kiennghi"
    assert choose("tra cuu", [menu]) == "cmd:tracuu"  # a unique start of two words
    assert choose("kien nghi", [menu]) is None  # not a start of any label
    villages = [Offered(f"Thôn {n}", f"f:t:place:v:thon-{n}", "…") for n in range(1, 4)]
    assert choose("thon 2", [villages]) == "f:t:place:v:thon-2"
    assert choose("thon", [villages]) is None  # ambiguous: left to the flow

    offer = [
        Offered("📝 Gửi kiến nghị", "poffer:ab12:yes", "…"),
        Offered("Không", "poffer:ab12:no", "…"),
    ]
    assert choose("co", [offer]) == "poffer:ab12:yes"
    assert choose("ok", [offer]) == "poffer:ab12:yes"
    assert choose("thoi", [offer]) == "poffer:ab12:no"
    consent = [
        Offered("Đồng ý", "f:t:consent:yes", "…"),
        Offered("Không đồng ý", "f:t:consent:no", "…"),
    ]
    assert choose("dong y", [consent]) == "f:t:consent:yes"
    assert choose("khong dong y", [consent]) == "f:t:consent:no"
    assert choose("co", [consent]) == "f:t:consent:yes"
    assert choose("ok", [consent]) is None  # personal data: an explicit yes only
    assert choose("u", [consent]) is None

    numbered = "Có phải bạn muốn hỏi?\n1. Hộ chiếu\n2. Căn cước\nBấm vào mục đúng."
    listed = [
        Offered("Hộ chiếu", "faq:passport", numbered),
        Offered("Căn cước", "faq:id-card", numbered),
        Offered("🏠 Menu chính", "cmd:menu", numbered),
    ]
    assert choose("2", [listed]) == "faq:id-card"
    assert choose("3", [listed]) is None  # the menu button carries no number
    assert choose("1", [menu]) is None  # a message without numbered choices


async def test_a_petition_filed_by_typing_every_answer(client, runtime) -> None:
    chat = WebChat(client)
    await chat.say("gui kien nghi")  # the menu button's words start a petition
    assert "bước 1/5" in chat.text
    await chat.say("giao thong")
    await chat.say(ROAD)
    await chat.say("xong")
    await chat.say("thon 3")
    assert "Bước 4/5" in chat.text
    assert (await state_of(runtime, chat.user_id)).data["village"] == "thon-3"
    await chat.say("ok")  # not a name
    assert chat.text.startswith("Bạn gõ họ tên") and "Gửi ẩn danh" in chat.buttons()[1]["text"]
    assert (await state_of(runtime, chat.user_id)).step == "contact"
    await chat.say("Trần Văn Bình 0912 345 678")
    await chat.say("đồng ý")
    assert "Bước 5/5" in chat.text
    await chat.say("sua")
    assert "sửa phần nào" in chat.text
    await chat.say("quay lai")
    assert "Bước 5/5" in chat.text and await count_petitions(runtime) == 0
    await chat.say("xac nhan gui")
    code = chat.replies[0]["meta"]["petition_code"]
    petition = await load(runtime, code)
    assert (petition.village, petition.contact_name) == ("thon-3", "Trần Văn Bình")
    await chat.say("xac nhan gui")  # typed again: no button of that name is current any more
    assert await count_petitions(runtime) == 1
    assert "tin nhắn cũ" not in chat.text


async def test_the_offer_is_accepted_or_declined_in_words(client, runtime) -> None:
    chat = WebChat(client)
    await chat.say(COMPLAINT)
    assert chat.replies[0]["meta"].get("intent") == "petition"
    await chat.say("không")
    assert "chưa gửi gì" in chat.text
    await chat.say("không")  # the offer is gone: "không" is just a word again
    assert "tin nhắn cũ" not in chat.text
    await chat.say(COMPLAINT)
    await chat.say("có")
    assert "bước 1/5" in chat.text
    assert (await state_of(runtime, chat.user_id)).data["parts"] == [COMPLAINT]


async def test_a_similar_petition_is_followed_by_its_number(client, runtime) -> None:
    first = WebChat(client)
    code = await file_petition(first)
    second = WebChat(client)
    await second.say("/kiennghi")
    await second.press("Giao thông")
    await second.say("Đường liên thôn qua cầu Đá sụt lún nặng, ổ gà nhiều, xe máy rất nguy hiểm")
    await second.press("Xong")
    await second.press("Thôn 3")
    assert "1. Giao thông" in second.text
    await second.say("1")
    assert f"theo dõi kiến nghị {code}" in second.text
    assert await count_petitions(runtime) == 1


async def test_an_answer_is_rated_in_words(client, runtime) -> None:
    chat = WebChat(client)
    code = await file_petition(chat)
    await staff_does(runtime, code, "screen")
    await staff_does(runtime, code, "answer", Change(public_note="Đã vá xong đoạn đường."))
    await deliver(runtime)
    await chat.pushed()
    await chat.say("chưa")  # "has it been resolved?" — "not yet"
    assert "còn vướng ở đâu" in chat.text
    await chat.say("Mới đổ đá tạm, mưa xuống lại lầy")
    petition = await load(runtime, code)
    assert (petition.status, petition.satisfaction) == ("reopened", "unsatisfied")
    assert petition.events[-1].public_note == "Mới đổ đá tạm, mưa xuống lại lầy"
