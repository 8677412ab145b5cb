"""The petition's first step: a clear question is answered and the draft waits at the same step;
"tôi muốn gửi kiến nghị" starts a petition; the category a story points to is offered first."""

from __future__ import annotations

import pytest

from handlers.chat.intake_words import guess_category
from tests.helpers import WebChat
from tests.petitions.conftest import state_of


async def test_a_question_at_the_first_step_is_answered_and_the_step_kept(client, runtime) -> None:
    chat = WebChat(client)
    await chat.say("/kiennghi")
    assert "bước 1/5" in chat.text.lower()
    await chat.say("quen mat khau vneid")
    assert "VNeID" in chat.replies[0]["text"] and "Quên mật khẩu" in chat.text
    assert "Bạn vẫn đang gửi kiến nghị" in chat.text
    assert any(b["text"].startswith("Giao thông") for b in chat.buttons())
    state = await state_of(runtime, chat.user_id)
    assert (state.flow, state.step) == ("petition", "category")
    assert not state.data.get("parts")  # the question did not become the petition's content
    await chat.press("Giao thông")
    assert "Bước 2/5" in chat.text


async def test_a_story_at_the_first_step_is_kept_and_its_category_offered_first(
    client, runtime
) -> None:
    chat = WebChat(client)
    await chat.say("/kiennghi")
    await chat.say("Đường liên thôn qua cầu Đá sụt lún, ổ gà nhiều, xe máy đi rất nguy hiểm")
    assert "Tôi đã ghi lại nội dung" in chat.text
    first = chat.buttons()[0]
    assert first["text"] == "👉 Giao thông, cầu đường", chat.buttons()
    state = await state_of(runtime, chat.user_id)
    assert state.step == "category" and state.data["parts"]
    await chat.tap(first["payload"])
    assert (await state_of(runtime, chat.user_id)).data["category"] == "giao-thong"


@pytest.mark.parametrize(
    "wish", ["toi muon gui kien nghi", "Tôi muốn gửi kiến nghị", "cho em gửi phản ánh ạ"]
)
async def test_saying_one_wants_to_file_starts_the_petition(client, runtime, wish: str) -> None:
    chat = WebChat(client)
    await chat.say(wish)
    assert "bước 1/5" in chat.text.lower()
    state = await state_of(runtime, chat.user_id)
    assert (state.flow, state.step) == ("petition", "category")


def test_the_category_guessed_from_the_words(content) -> None:
    profile = content.profile
    cases = {
        "Mất điện liên tục ở xóm Trên, mỗi tuần vài lần": "dien-nuoc",
        "Đèn đường ở ngã ba thôn 2 bị hỏng": "dien-nuoc",
        "Rác thải đổ bừa bãi ven sông, bốc mùi": "moi-truong",
        "Sóng điện thoại ở thôn 6 rất yếu": "chuyen-doi-so",
        "Trường mẫu giáo thôn 6 bị dột mái": "giao-duc-y-te",
    }
    for text, category in cases.items():
        guess = guess_category(profile, text)
        assert guess is not None and guess.id == category, (text, guess)
    assert guess_category(profile, "xin chào các anh chị") is None
