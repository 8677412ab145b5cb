"""Smaller channel fixes: Telegram's rate limiter and UTF-16 lengths, Zalo Bot updates without a
name, Zalo anonymous chats, the call button."""

from __future__ import annotations

from telegram.ext import AIORateLimiter

from bot.channels.telegram_sender import TEXT_LIMIT
from bot.channels.telegram_sender import render as telegram_render
from bot.channels.text_split import split_utf16, utf16_length
from bot.channels.zalo_bot_events import parse_update
from bot.channels.zalo_sender import render as zalo_render
from handlers.types import Button, Reply
from tests.channels import fake_zalo as zl
from tests.channels.harness import flush


def test_telegram_parts_fit_4096_utf16_units() -> None:
    text = "🏠🌾 thôn " * 500  # every emoji counts two units on Telegram
    assert len(text) <= TEXT_LIMIT < utf16_length(text)  # one part by characters: too long
    parts = telegram_render(Reply(text=text))
    assert len(parts) == 2 and all(utf16_length(p.html) <= TEXT_LIMIT for p in parts)
    assert "".join(split_utf16(text, TEXT_LIMIT)).replace(" ", "") == text.replace(" ", "")
    assert split_utf16("😀😀😀", 2) == ["😀", "😀", "😀"]


async def test_the_telegram_application_has_the_rate_limiter(telegram) -> None:
    assert isinstance(telegram.channel.application.bot.rate_limiter, AIORateLimiter)


def test_a_zalo_bot_update_without_event_name_is_a_text() -> None:
    update = {
        "message": {
            "from": {"id": "u1", "is_bot": False},
            "chat": {"id": "u1", "chat_type": "PRIVATE"},
            "text": "menu",
            "message_id": "m1",
            "date": 1,
        }
    }
    name, inbound = parse_update({"ok": True, "result": update})
    assert name == "message.text.received" and inbound is not None and inbound.text == "menu"


def test_a_tel_link_becomes_zalos_call_button() -> None:
    [message] = zalo_render(
        Reply(text="Gọi xã", buttons=[Button("📞 Gọi UBND xã", url="tel:0258 3123 456")])
    )
    [button] = message["attachment"]["payload"]["buttons"]
    assert button == {
        "title": "📞 Gọi UBND xã",
        "type": "oa.open.phone",
        "payload": {"phone_code": "02583123456"},
    }


async def test_an_anonymous_chat_is_answered_through_the_anonymous_api(zalo) -> None:
    body = zl.event(
        "anonymous_send_text",
        "anon-7788",
        message={"msg_id": "an1", "text": "menu", "conversation_id": "conv-42"},
    )
    response = await zalo.post(body)
    assert response.status == 200
    await flush(zalo.runtime)
    assert zalo.fake.anonymous_messages
    first = zalo.fake.anonymous_messages[0]
    assert first["recipient"] == {"anonymous_id": "anon-7788", "conversation_id": "conv-42"}
    assert first["message"]["text"]
    assert zalo.fake.messages == []  # not through the follower API
