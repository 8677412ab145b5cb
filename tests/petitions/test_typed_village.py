"""A village typed in words at the place step — "thon hai", "thôn 2", "t2", "xóm Đồng" (an alias
in the profile) — is the profile's village, not free text with no village; a near miss is asked."""

from __future__ import annotations

import pytest

from handlers.chat.village_words import find_village, spoken_form
from tests.helpers import WebChat
from tests.petitions.conftest import ROAD, state_of


async def _at_place_step(chat: WebChat) -> None:
    await chat.say("/kiennghi")
    await chat.press("Giao thông")
    await chat.say(ROAD)
    await chat.press("Xong")
    assert "thôn nào" in chat.text


@pytest.mark.parametrize(
    ("typed", "village"),
    [("thon hai", "thon-2"), ("thôn 2", "thon-2"), ("t2", "thon-2"), ("xóm Đồng", "thon-5")],
)
async def test_a_typed_village_is_the_profiles_village(
    client, runtime, typed: str, village: str
) -> None:
    chat = WebChat(client)
    await _at_place_step(chat)
    await chat.say(typed)
    data = (await state_of(runtime, chat.user_id)).data
    assert data["village"] == village, data
    assert "thôn nào" not in chat.text  # moved on: no question asked again


async def test_a_near_miss_is_asked_and_the_typed_words_are_kept(client, runtime) -> None:
    chat = WebChat(client)
    await _at_place_step(chat)
    await chat.say("cầu Đá xóm 2")
    assert "Có phải việc này ở Thôn 2 không?" in chat.text
    assert chat.buttons()[0]["text"] == "Đúng, Thôn 2"
    assert any(b["text"] == "Không, giữ như tôi gõ" for b in chat.buttons())
    state = await state_of(runtime, chat.user_id)
    assert state.step == "place" and state.data.get("village") is None
    await chat.press("Đúng, Thôn 2")
    data = (await state_of(runtime, chat.user_id)).data
    assert (data["village"], data["place_text"]) == ("thon-2", "cầu Đá xóm 2")


async def test_keeping_the_typed_words_leaves_no_village(client, runtime) -> None:
    chat = WebChat(client)
    await _at_place_step(chat)
    await chat.say("xom tre")  # Xóm Trên, one letter short
    assert "Có phải việc này ở Xóm Trên không?" in chat.text
    await chat.press("Không, giữ như tôi gõ")
    data = (await state_of(runtime, chat.user_id)).data
    assert (data.get("village"), data["place_text"]) == (None, "xom tre")
    assert "Bước 4/5" in chat.text


def test_words_that_are_not_villages_stay_free_text(content) -> None:
    profile = content.profile
    assert spoken_form("Thôn hai") == "thon 2" and spoken_form("T.3") == "thon 3"
    for text in ("thôn 7", "nhà bà Năm", "ngõ sau chợ", "đường liên thôn đoạn qua cầu Đá"):
        assert find_village(profile, text) is None, text
    assert find_village(profile, "xom dong").village.id == "thon-5"  # type: ignore[union-attr]
