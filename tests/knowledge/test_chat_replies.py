"""The review's messages, end to end through the web chat: what the citizen actually reads."""

from __future__ import annotations

import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot.app import create_app
from tests.helpers import WebChat


@pytest.fixture
async def client(runtime):  # type: ignore[no-untyped-def]
    app = create_app(runtime, run_background=False)
    async with TestClient(TestServer(app)) as test_client:
        yield test_client


async def test_review_messages_in_the_web_chat(client, runtime) -> None:  # type: ignore[no-untyped-def]
    chat = WebChat(client)
    police = runtime.profile.police
    assert police is not None

    await chat.say("cho toi so dien thoai cong an xa")
    assert chat.replies[0]["meta"]["topic"] == "commune-police"
    assert police.phone in chat.text and "113" in chat.text

    for text in ("tkb", "09l2345678"):  # no English for abbreviations and digits
        await chat.say(text)
        assert "I can only" not in chat.text and "chỉ hiểu tiếng Việt" not in chat.text

    for text in ("👍", "dạ", "được rồi"):  # a short nod, not the welcome or an apology
        await chat.say(text)
        assert chat.replies[0]["meta"]["intent"] == "greeting"
        assert chat.text.startswith("Vâng") and "trợ lý ảo" not in chat.text

    await chat.say("kien nghi cua toi den dau roi")
    assert chat.replies[0]["meta"]["topic"] == "petition-status"
    assert "K7HX3PQA" in chat.text and "ABC123" not in chat.text
    await chat.press("Tra cứu kiến nghị")  # the button the answer talks about lists own petitions
    assert "chưa gửi hoặc theo dõi kiến nghị nào" in chat.text
