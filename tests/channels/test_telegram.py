"""The Telegram channel: real python-telegram-bot against a fake Bot API on 127.0.0.1."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from sqlalchemy import func, select
from telegram import Bot, Update

from bot.channels.telegram_inbound import parse_update
from bot.channels.telegram_sender import TEXT_LIMIT, render
from handlers.payloads import Payload
from handlers.types import Attachment, Button, Contact, Location, Reply
from storage.models import ConversationState, InboundEvent, OutboxMessage
from tests.channels import fake_telegram as tg
from tests.channels.conftest import STAFF_CHAT
from tests.channels.harness import (
    TelegramBot,
    flush,
    identity_of,
    make_runtime,
    outbox_row,
    queue,
    record_inbound,
    serve,
    telegram_env,
)

USER = 4_200_001


@dataclass(frozen=True)
class ButtonChoice(Payload, prefix="test"):
    """A button payload only these tests use."""

    value: str


async def _count(runtime, model) -> int:
    async with runtime.db.read() as session:
        return await session.scalar(select(func.count()).select_from(model))


# --- modes ---------------------------------------------------------------------------------


async def test_webhook_mode_registers_the_webhook_with_its_secret(telegram) -> None:
    hook = telegram.fake.webhook
    assert hook is not None
    assert hook["url"] == "https://xa.example.vn/webhook/telegram"
    assert hook["secret_token"] == "s3cr3t_Token-for-tests"
    assert set(hook["allowed_updates"]) >= {"message", "callback_query"}
    assert telegram.fake.called("getUpdates") == []  # no polling next to a webhook
    response = await telegram.client.get("/healthz")
    assert (await response.json())["channels"]["telegram"] == "ok"


async def test_polling_mode_reads_updates_from_get_updates(
    db_url, clock, content, fake_telegram
) -> None:
    runtime = await make_runtime(
        db_url, clock, content, **telegram_env(fake_telegram, webhook=False)
    )
    try:
        async with serve(runtime) as client:
            bot = TelegramBot(runtime, client, fake_telegram)
            await bot.ready()
            chat = bot.chat(USER)
            messages = await chat.say("/start")
            assert "trợ lý ảo" in messages[0]["text"]
            await chat.press("Hỏi thủ tục")
            assert "Bạn muốn hỏi về việc gì" in chat.text
            # polling is confirmed with an offset, so the same update is not fetched again
            offsets = [int(p.get("offset") or 0) for p in fake_telegram.called("getUpdates")]
            assert max(offsets) > 0
            assert fake_telegram.webhook is None
            # the polling bot has no webhook to accept
            response = await bot.post(tg.text_update(USER, "/start"))
            assert response.status == 403
    finally:
        await runtime.close()
    assert fake_telegram.called("deleteWebhook")  # the Updater clears any webhook first


# --- webhook security and bad input ---------------------------------------------------------


async def test_webhook_refuses_a_missing_or_wrong_secret(telegram) -> None:
    update = tg.text_update(USER, "/start")
    for secret in (None, "", "wrong-secret", "s3cr3t_Token-for-tests2", "S3CR3T_TOKEN-FOR-TESTS"):
        response = await telegram.post(update, secret=secret)
        assert response.status == 403
    assert await _count(telegram.runtime, InboundEvent) == 0
    assert await _count(telegram.runtime, OutboxMessage) == 0


async def test_malformed_updates_are_rejected_and_change_nothing(telegram) -> None:
    headers = {"X-Telegram-Bot-Api-Secret-Token": "s3cr3t_Token-for-tests"}
    for body in (b"not json", b"[1, 2]", b'{"message": {}}', b'{"update_id": "x"}'):
        response = await telegram.client.post("/webhook/telegram", data=body, headers=headers)
        assert response.status == 400, body
    assert await _count(telegram.runtime, InboundEvent) == 0


async def test_group_chats_are_not_conversations(telegram) -> None:
    response = await telegram.post(tg.group_text_update(int(STAFF_CHAT), USER, "menu"))
    assert response.status == 200
    await flush(telegram.runtime)
    assert telegram.fake.delivered == []
    assert await _count(telegram.runtime, InboundEvent) == 0


async def test_a_redelivered_update_is_answered_once(telegram) -> None:
    update = tg.text_update(USER, "/start")
    for _ in range(3):
        response = await telegram.post(update)
        assert response.status == 200
    await flush(telegram.runtime)
    assert len(telegram.fake.sent_to(USER)) == 1


# --- what citizens send -----------------------------------------------------------------------


async def test_menu_buttons_and_an_faq_answer(telegram) -> None:
    chat = telegram.chat(USER)
    await chat.say("/start")
    assert chat.last[0]["parse_mode"] == "HTML"
    await chat.press("Hỏi thủ tục")
    callbacks = telegram.fake.called("answerCallbackQuery")
    assert callbacks and callbacks[-1]["callback_query_id"].startswith("cbq-")
    await chat.press("Căn cước")
    assert "căn cước" in chat.text.lower()
    await chat.say("lam lai can cuoc o dau")
    assert "căn cước" in chat.text.lower()


async def test_deep_link_start_preselects_the_village(telegram) -> None:
    chat = telegram.chat(USER)
    await chat.say("/start v_thon-1")
    assert "trợ lý ảo" in chat.text
    identity = await identity_of(telegram.runtime, "telegram", str(USER))
    async with telegram.runtime.db.read() as session:
        state = await session.get(ConversationState, identity.id)
    assert state.data.get("_village") == "thon-1"


async def test_photos_documents_locations_and_contacts_reach_the_engine(telegram) -> None:
    seen = record_inbound(telegram.runtime)
    chat = telegram.chat(USER)
    await chat.send(tg.photo_update(USER, caption="ổ gà trước cổng"))
    await chat.send(tg.document_update(USER))
    await chat.send(tg.location_update(USER, 10.762622, 106.660172))
    await chat.send(tg.contact_update(USER, "+84901234567"))
    photo, document, location, contact = seen
    assert photo.attachments == (
        Attachment(kind="photo", ref="large-photo", mime="image/jpeg", size=98000),
    )
    assert photo.text == "ổ gà trước cổng"
    assert document.attachments[0].kind == "file"
    assert document.attachments[0].name == "don.pdf"
    assert location.location == Location(10.762622, 106.660172)
    assert contact.contact == Contact(phone="+84901234567", name="Năm Nguyễn")
    assert contact.meta["own_contact"] is True
    assert {i.user_key for i in seen} == {str(USER)}
    assert all(i.external_id.startswith(f"{tg.BOT_ID}:") for i in seen)
    # outside a petition these get a polite "I only read text" answer, not silence
    assert "chỉ đọc được tin nhắn chữ" in chat.text


def test_parse_update_maps_every_kind_of_update() -> None:
    bot = Bot(tg.TOKEN)
    update = Update.de_json(tg.callback_update(USER, "cmd:menu"), bot)
    inbound = parse_update(update, "42")
    assert inbound.payload == "cmd:menu" and inbound.user_key == str(USER)
    assert inbound.external_id == f"42:{update.update_id}"
    forwarded = parse_update(Update.de_json(tg.contact_update(USER, "0901", own=False), bot), "42")
    assert forwarded.meta["own_contact"] is False
    kicked = {
        "update_id": 9,
        "my_chat_member": {
            "chat": {"id": USER, "type": "private"},
            "from": {"id": USER, "is_bot": False, "first_name": "A"},
            "date": 0,
            "old_chat_member": {
                "status": "member",
                "user": {"id": 1, "is_bot": True, "first_name": "B"},
            },
            "new_chat_member": {
                "status": "kicked",
                "until_date": 0,
                "user": {"id": 1, "is_bot": True, "first_name": "B"},
            },
        },
    }
    assert parse_update(Update.de_json(kicked, bot), "42").event == "unfollow"
    service = tg.message_update(USER, pinned_message=None, new_chat_title="x")
    assert parse_update(Update.de_json(service, bot), "42") is None


async def test_share_contact_button_and_reply_keyboard_labels(telegram) -> None:
    runtime = telegram.runtime
    seen = record_inbound(runtime)

    async def ask_phone(ctx, _args: str) -> None:
        ctx.reply(
            "Bạn cho xin số điện thoại?",
            buttons=[
                Button("📱 Gửi số điện thoại của tôi", request="contact"),
                Button("Bỏ qua", payload="test:skip"),
            ],
        )

    async def skipped(ctx, press: ButtonChoice) -> None:
        ctx.reply(f"đã bỏ qua ({press.value})")

    runtime.registry.command("sdt")(ask_phone)
    runtime.registry.payload(ButtonChoice)(skipped)
    chat = telegram.chat(USER)
    await chat.say("/sdt")
    keyboard = chat.last[0]["reply_markup"]
    assert keyboard["one_time_keyboard"] is True
    assert keyboard["keyboard"][0][0]["request_contact"] is True
    await chat.press("Bỏ qua")  # a reply-keyboard button sends its label as text
    assert chat.text == "đã bỏ qua (skip)"
    assert seen[-1].payload == "test:skip" and seen[-1].text is None
    assert chat.last[0]["reply_markup"] == {"remove_keyboard": True}


async def test_a_payload_longer_than_callback_data_allows_travels_as_a_digest(telegram) -> None:
    runtime = telegram.runtime
    seen = record_inbound(runtime)
    long_value = "thôn-" + "x" * 80

    async def offer(ctx, _args: str) -> None:
        ctx.reply("Chọn:", buttons=[Button("Thôn rất dài", payload=f"test:{long_value}")])

    async def chosen(ctx, press: ButtonChoice) -> None:
        ctx.reply("ok")

    runtime.registry.command("chon")(offer)
    runtime.registry.payload(ButtonChoice)(chosen)
    chat = telegram.chat(USER)
    await chat.say("/chon")
    data = chat.button("Thôn rất dài")["callback_data"]
    assert len(data.encode()) <= 64 and data.startswith("h:")
    await chat.press("Thôn rất dài")
    assert seen[-1].payload == f"test:{long_value}"


# --- sending ----------------------------------------------------------------------------------


def test_replies_are_escaped_html() -> None:
    parts = render(Reply(text="Ông <b>A</b> & bà B", buttons=[Button("Mở", url="https://x.vn")]))
    assert parts[0].html == "Ông &lt;b&gt;A&lt;/b&gt; &amp; bà B"
    assert parts[0].markup.inline_keyboard[0][0].url == "https://x.vn"


async def test_an_oversized_text_is_split_with_buttons_on_the_last_part(telegram) -> None:
    runtime = telegram.runtime
    text = "\n\n".join(f"Đoạn {i}: " + "nội dung hướng dẫn dài " * 30 for i in range(20))
    assert len(text) > 2 * TEXT_LIMIT
    await queue(runtime, "telegram", str(USER), text, [Button("Menu", payload="cmd:menu")])
    await flush(runtime)
    parts = telegram.fake.sent_to(USER)
    assert len(parts) >= 3
    assert [p["text"] for p in parts] == [part.html for part in render(Reply(text=text))]
    assert all(len(p["text"]) <= TEXT_LIMIT for p in parts)
    with_buttons = [bool(p.get("reply_markup", {}).get("inline_keyboard")) for p in parts]
    assert with_buttons == [False] * (len(parts) - 1) + [True]
    assert "".join("".join(p["text"].split()) for p in parts) == "".join(text.split())


async def test_a_part_already_delivered_is_not_sent_again_on_retry(telegram, clock) -> None:
    runtime = telegram.runtime
    text = "\n\n".join(f"Đoạn {i}: " + "nội dung dài " * 300 for i in range(3))
    telegram.fake.fail("sendMessage", 502, after=1)
    message_id = await queue(runtime, "telegram", str(USER), text)
    await flush(runtime)
    assert len(telegram.fake.sent_to(USER)) == 1
    row = await outbox_row(runtime, message_id)
    assert row.status == "pending" and row.body["_parts_sent"] == 1
    clock.advance(seconds=10)
    await flush(runtime)
    texts = [p["text"] for p in telegram.fake.sent_to(USER)]
    assert len(texts) == len(set(texts)) == len(render(Reply(text=text)))
    assert (await outbox_row(runtime, message_id)).status == "sent"


async def test_429_retry_after_is_honoured_through_the_outbox(telegram, clock) -> None:
    runtime = telegram.runtime
    telegram.fake.fail("sendMessage", 429, retry_after=30)
    message_id = await queue(runtime, "telegram", str(USER), "Kiến nghị đã được tiếp nhận.")
    t0 = clock.now
    await flush(runtime)
    row = await outbox_row(runtime, message_id)
    assert row.status == "pending" and "429" in row.last_error
    assert row.next_attempt_at >= t0 + dt.timedelta(seconds=30)
    clock.advance(seconds=20)
    await flush(runtime)
    assert telegram.fake.sent_to(USER) == []  # not before Telegram allows it
    clock.advance(seconds=11)
    await flush(runtime)
    assert len(telegram.fake.sent_to(USER)) == 1
    assert (await outbox_row(runtime, message_id)).status == "sent"


async def test_5xx_and_network_errors_are_retried_with_backoff(telegram, clock) -> None:
    runtime = telegram.runtime
    telegram.fake.fail("sendMessage", 502)
    telegram.fake.fail("sendMessage", 500)
    message_id = await queue(runtime, "telegram", str(USER), "Thông báo")
    await flush(runtime)
    first = await outbox_row(runtime, message_id)
    assert (first.status, first.attempts) == ("pending", 1)
    clock.advance(seconds=2)
    await flush(runtime)
    second = await outbox_row(runtime, message_id)
    assert (second.status, second.attempts) == ("pending", 2)
    assert second.next_attempt_at - clock.now >= dt.timedelta(seconds=4)  # backing off
    clock.advance(seconds=5)
    await flush(runtime)
    assert (await outbox_row(runtime, message_id)).status == "sent"
    assert len(telegram.fake.sent_to(USER)) == 1


async def test_a_user_who_blocked_the_bot_is_marked_inactive(telegram, clock) -> None:
    runtime = telegram.runtime
    telegram.fake.fail("sendMessage", 403)
    first = await queue(runtime, "telegram", str(USER), "Cập nhật 1")
    await flush(runtime)
    assert (await outbox_row(runtime, first)).status == "failed"
    identity = await identity_of(runtime, "telegram", str(USER))
    assert identity.active is False and identity.blocked_at is not None
    calls = len(telegram.fake.called("sendMessage"))
    clock.advance(hours=1)
    await flush(runtime)
    assert len(telegram.fake.called("sendMessage")) == calls  # no retrying for ever
    # they unblock and write again: active again, answered
    chat = telegram.chat(USER)
    await chat.say("menu")
    assert "trợ lý ảo" in chat.text
    assert (await identity_of(runtime, "telegram", str(USER))).active is True


async def test_a_bad_request_fails_once_and_is_recorded(telegram) -> None:
    runtime = telegram.runtime
    telegram.fake.fail("sendMessage", 400, "Bad Request: can't parse entities")
    message_id = await queue(runtime, "telegram", str(USER), "x")
    await flush(runtime)
    row = await outbox_row(runtime, message_id)
    assert row.status == "failed" and "400" in row.last_error
    assert (await identity_of(runtime, "telegram", str(USER))).active is True


async def test_staff_notices_go_to_the_staff_group(telegram) -> None:
    runtime = telegram.runtime
    assert ("telegram", STAFF_CHAT) in runtime.services.staff_notices
    await queue(
        runtime,
        "telegram",
        STAFF_CHAT,
        "Kiến nghị mới AB12CD34 — Giao thông — Thôn 1",
        kind="notice",
        identity=False,
    )
    await flush(runtime)
    notices = telegram.fake.sent_to(STAFF_CHAT)
    assert [n["text"] for n in notices] == ["Kiến nghị mới AB12CD34 — Giao thông — Thôn 1"]


async def test_staff_can_fetch_a_photo_a_citizen_sent(telegram) -> None:
    fetch = telegram.runtime.attachment_fetchers["telegram"]
    data, mime = await fetch("large-photo")
    assert data.startswith(b"\xff\xd8") and mime == "image/jpeg"
    assert telegram.fake.called("getFile")[-1]["file_id"] == "large-photo"


async def test_an_unreachable_telegram_does_not_stop_the_bot(
    db_url, clock, content, caplog
) -> None:
    caplog.set_level(logging.INFO)
    env = {"TELEGRAM_BOT_TOKEN": tg.TOKEN, "TELEGRAM_API_BASE_URL": "http://127.0.0.1:9/bot"}
    runtime = await make_runtime(db_url, clock, content, **env)
    try:
        async with serve(runtime) as client:
            response = await client.post(
                "/api/chat", json={"user_id": "w1-0123456789abcdef012345", "text": "menu"}
            )
            assert response.status == 200
            health = await (await client.get("/healthz")).json()
            assert health["status"] == "ok" and health["channels"]["telegram"] == "degraded"
    finally:
        await runtime.close()
    assert "Telegram bật (polling)" in caplog.text
    assert tg.TOKEN.split(":")[1] not in caplog.text  # the token never reaches the log
