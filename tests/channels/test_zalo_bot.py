"""The Zalo Bot Platform adapter: a button-less platform driven through numbered choices."""

from __future__ import annotations

import asyncio
import re

import pytest
from sqlalchemy import func, select

from bot.channels.zalo_bot import CHOICE_HINT, render
from storage.models import InboundEvent, Petition
from tests.channels.fake_zalo_bot import FakeZaloBot, image_update, text_update
from tests.channels.harness import flush, make_runtime, record_inbound, serve

SECRET = "zalo-bot-secret-123"
USER = "b1f2c3d4e5"


@pytest.fixture
async def fake_bot():
    fake = await FakeZaloBot().start()
    try:
        yield fake
    finally:
        await fake.close()


def _env(fake: FakeZaloBot, webhook: bool = True) -> dict[str, str]:
    env = {"ZALO_BOT_TOKEN": fake.token, "ZALO_BOT_API_BASE_URL": fake.url}
    if webhook:
        env.update(
            ZALO_BOT_WEBHOOK_URL="https://xa.example.vn/webhook/zalobot",
            ZALO_BOT_WEBHOOK_SECRET=SECRET,
        )
    return env


class BotChat:
    def __init__(self, runtime, client, fake, user: str = USER) -> None:
        self.runtime, self.client, self.fake, self.user = runtime, client, fake, user
        self.seen = 0
        self.last: list[str] = []

    async def send(self, update: dict, wrap: bool = False) -> list[str]:
        body = {"ok": True, "result": update} if wrap else update
        response = await self.client.post(
            "/webhook/zalobot", json=body, headers={"X-Bot-Api-Secret-Token": SECRET}
        )
        assert response.status == 200
        await flush(self.runtime)
        texts = self.fake.sent_to(self.user)
        self.last, self.seen = texts[self.seen :], len(texts)
        return self.last

    async def say(self, text: str, **kw) -> list[str]:
        return await self.send(text_update(self.user, text), **kw)

    def number(self, label: str) -> str:
        for line in "\n".join(self.last).splitlines():
            match = re.match(r"(\d+)\. (.*)", line)
            if match and label.lower() in match.group(2).lower():
                return match.group(1)
        raise AssertionError(f"no choice {label!r} in {self.last}")

    @property
    def text(self) -> str:
        return "\n".join(self.last)


@pytest.fixture
async def bot(db_url, clock, content, fake_bot):
    runtime = await make_runtime(db_url, clock, content, **_env(fake_bot))
    try:
        async with serve(runtime) as client:
            await asyncio.wait_for(runtime.zalo_bot.ready.wait(), 5)
            yield BotChat(runtime, client, fake_bot)
    finally:
        await runtime.close()


def test_choices_are_numbered_and_links_spelled_out() -> None:
    body = {
        "text": "Chọn:",
        "buttons": [
            {"text": "Gửi kiến nghị", "payload": "cmd:kiennghi"},
            {"text": "Cổng DVC", "url": "https://dichvucong.gov.vn"},
            {"text": "Gửi số", "request": "contact", "payload": None},
            {"text": "Menu", "payload": "cmd:menu"},
        ],
    }
    [text] = render(body, offset=5)
    assert text.splitlines() == [
        "Chọn:",
        "",
        "🔗 Cổng DVC: https://dichvucong.gov.vn",
        "6. Gửi kiến nghị",
        "7. Menu",
        CHOICE_HINT,
    ]


async def test_webhook_secret_and_registration(bot) -> None:
    hook = bot.fake.webhook
    assert hook == {"url": "https://xa.example.vn/webhook/zalobot", "secret_token": SECRET}
    for headers in ({}, {"X-Bot-Api-Secret-Token": "wrong-secret-value"}):
        response = await bot.client.post(
            "/webhook/zalobot", json=text_update(USER, "menu"), headers=headers
        )
        assert response.status == 403
    response = await bot.client.post(
        "/webhook/zalobot", data=b"{oops", headers={"X-Bot-Api-Secret-Token": SECRET}
    )
    assert response.status == 400
    async with bot.runtime.db.read() as session:
        assert await session.scalar(select(func.count()).select_from(InboundEvent)) == 0
    health = await (await bot.client.get("/healthz")).json()
    assert health["channels"]["zalobot"] == "ok"


async def test_numbers_and_words_choose_across_split_answers(bot) -> None:
    await bot.say("menu", wrap=True)  # the envelope-wrapped delivery shape
    assert "trợ lý ảo" in bot.text and "1. ❓ Hỏi thủ tục" in bot.text
    await bot.say(bot.number("Hỏi thủ tục"))
    # two messages of five topics each: numbering runs on to 10
    assert len(bot.last) == 2 and "10. Lừa đảo qua mạng" in bot.last[1]
    await bot.say("7")
    assert "bảo hiểm y tế" in bot.text.lower()
    await bot.say("Menu chính")  # the words of a choice work too
    assert "trợ lý ảo" in bot.text


async def test_redelivery_group_chats_and_photos(bot) -> None:
    seen = record_inbound(bot.runtime)
    update = text_update(USER, "menu", message_id="same-id")
    await bot.send(update)
    await bot.send(update)
    assert len(bot.fake.sent_to(USER)) == 1
    await bot.send(text_update("group-1", "menu", chat_type="GROUP"))
    assert bot.fake.sent_to("group-1") == []
    await bot.send(image_update(USER, "https://zalo.example/a.jpg", caption="ổ gà"))
    assert seen[-1].attachments[0].ref == "https://zalo.example/a.jpg"
    assert seen[-1].text == "ổ gà"


async def test_a_petition_filed_by_numbers(bot) -> None:
    await bot.say("/kiennghi")
    await bot.say(bot.number("Giao thông"))
    await bot.say("Cống thoát nước trước chợ bị tắc, mưa xuống là ngập cả đường")
    await bot.say(bot.number("Xong"))
    await bot.say(bot.number("Thôn 2"))
    await bot.say(bot.number("ẩn danh"))
    await bot.say(bot.number("Xác nhận gửi"))
    assert re.search(r"Mã tra cứu: [A-Z0-9]{8}", bot.text), bot.text
    async with bot.runtime.db.read() as session:
        [petition] = (await session.execute(select(Petition))).scalars().all()
    assert (petition.intake_channel, petition.village, petition.anonymous) == (
        "zalobot",
        "thon-2",
        True,
    )


async def test_polling_mode(db_url, clock, content, fake_bot) -> None:
    runtime = await make_runtime(db_url, clock, content, **_env(fake_bot, webhook=False))
    try:
        async with serve(runtime):
            fake_bot.push(text_update(USER, "menu"))
            for _ in range(200):
                await flush(runtime)
                if fake_bot.sent_to(USER):
                    break
                await asyncio.sleep(0.02)
            assert "trợ lý ảo" in fake_bot.sent_to(USER)[0]
            assert fake_bot.called("deleteWebhook")
    finally:
        await runtime.close()


async def test_send_errors_map_to_outcomes(bot, clock) -> None:
    from tests.channels.harness import outbox_row, queue

    bot.fake.fail_send(500, "Internal error")
    retried = await queue(bot.runtime, "zalobot", USER, "tin 1")
    await flush(bot.runtime)
    assert (await outbox_row(bot.runtime, retried)).status == "pending"
    clock.advance(seconds=3)
    await flush(bot.runtime)
    assert (await outbox_row(bot.runtime, retried)).status == "sent"
    bot.fake.fail_send(400, "Bad request")
    failed = await queue(bot.runtime, "zalobot", USER, "tin 2")
    await flush(bot.runtime)
    assert (await outbox_row(bot.runtime, failed)).status == "failed"
