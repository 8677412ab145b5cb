"""/tracuu is throttled per identity and globally, and a petition filed at the office shows
its status (and staff summary) to whoever holds the slip, never the text staff typed."""

from __future__ import annotations

from typing import Any

import pytest

from handlers.chat import lookup_limits
from tests.helpers import WebChat
from tests.security.conftest import ServerClient
from tests.staff.helpers import make_account, make_petition

ALPHABET = "ABCDEFGHJKLMNPQR"
STAFF_TEXT = "Bà Trần Thị Hoa, 0912 345 678, xóm Đồng: nhà bị nứt do xe tải chở đất đi qua"


@pytest.fixture(autouse=True)
def fresh_global_window(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(lookup_limits, "GLOBAL_LOOKUPS", lookup_limits.GlobalWindow())


async def test_one_identity_may_look_up_ten_codes_per_ten_minutes(
    chat_client: ServerClient, clock: Any
) -> None:
    prober, other = WebChat(chat_client), WebChat(chat_client)  # type: ignore[arg-type]
    for n in range(lookup_limits.PER_IDENTITY):
        replies = await prober.say(f"/tracuu ZZZ{ALPHABET[n]}2345")
        assert "Không tìm thấy" in replies[0]["text"]
    refused = await prober.say("/tracuu ZZZZ9876")
    assert "thử lại sau khoảng 10 phút" in refused[0]["text"]
    assert "Không tìm thấy" not in refused[0]["text"]
    assert "Không tìm thấy" in (await other.say("/tracuu ZZZZ9876"))[0]["text"]
    clock.advance(minutes=11)
    assert "Không tìm thấy" in (await prober.say("/tracuu ZZZZ9876"))[0]["text"]


async def test_lookups_by_everyone_are_capped(
    chat_client: ServerClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(lookup_limits, "GLOBAL_LOOKUPS", lookup_limits.GlobalWindow(limit=3))
    for n in range(3):
        chat = WebChat(chat_client)  # type: ignore[arg-type]
        assert "Không tìm thấy" in (await chat.say(f"/tracuu YYY{ALPHABET[n]}2345"))[0]["text"]
    late = await WebChat(chat_client).say("/tracuu YYYY9876")  # type: ignore[arg-type]
    assert "quá nhiều yêu cầu" in late[0]["text"]


async def test_a_staff_filed_petition_never_shows_its_text_in_chat(
    runtime: Any, chat_client: ServerClient
) -> None:
    staff = await make_account(runtime, "digital_team")
    code = await make_petition(
        runtime, content=STAFF_TEXT, user=None, created_by_staff_id=staff.id
    )
    holder = WebChat(chat_client)  # type: ignore[arg-type]
    replies = await holder.say(f"/tracuu {code}")
    text = replies[0]["text"]
    assert replies[0]["meta"]["petition_code"] == code and "Đã tiếp nhận" in text
    assert "Hoa" not in text and "0912" not in text and "nứt" not in text
    listed = await holder.say("/tracuu")
    assert code in listed[0]["text"] and "Hoa" not in listed[0]["text"]
