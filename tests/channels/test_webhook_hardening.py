"""Webhooks facing the internet: what an attacker can send without the secrets, and the odd
shapes a platform may send with them. Nothing may end in a 500 with a traceback in the log."""

from __future__ import annotations

import json
import logging
import os
import stat
import time
from pathlib import Path

from sqlalchemy import func, select

from bot.channels.zalo import MAX_EVENT_AGE, is_stale
from storage.models import InboundEvent, OutboxMessage
from tests.channels import fake_zalo as zl
from tests.channels.harness import flush
from tests.conftest import make_settings

USER = "8309393969855402319"
BOMB = b"[" * 200_000  # 200 kB: within the body limit, far beyond the JSON parser's depth


async def _count(runtime, model) -> int:
    async with runtime.db.read() as session:
        return await session.scalar(select(func.count()).select_from(model))


async def test_a_json_bomb_to_the_zalo_webhook_is_a_400_not_a_500(zalo, caplog) -> None:
    """The parser's RecursionError used to escape as a 500 with a full traceback logged for
    every request. Unsigned, it is now refused before it is parsed (403); signed, it is a 400."""
    caplog.set_level(logging.INFO)
    for bomb in (BOMB, b'{"a":' * 100_000):
        response = await zalo.client.post(
            "/webhook/zalo", data=bomb, headers={"X-ZEvent-Signature": "mac=00"}
        )
        assert response.status == 403
        response = await zalo.client.post(
            "/webhook/zalo", data=bomb, headers={"X-ZEvent-Signature": zl.sign(bomb)}
        )
        assert response.status == 400
    assert "Traceback" not in caplog.text and "RecursionError" not in caplog.text
    assert await _count(zalo.runtime, InboundEvent) == 0


async def test_odd_but_signed_shapes_are_acknowledged_not_crashed_on(zalo, caplog) -> None:
    caplog.set_level(logging.INFO)
    for attachments in (5, "abc", {"payload": {}}, None, [7, "x"]):
        for name in ("user_send_image", "user_send_location", "user_send_link"):
            body = zl.message_event(name, USER, attachments=attachments)
            response = await zalo.post(body)
            assert response.status == 200, (name, attachments, await response.text())
    assert "Traceback" not in caplog.text


async def test_a_replayed_old_zalo_event_is_dropped(zalo) -> None:
    """A signed event captured once (a proxy log, a debugging dump) must not be replayable once
    its dedupe row has been pruned; Zalo itself never retries for that long."""
    old = int((time.time() - MAX_EVENT_AGE.total_seconds() - 3600) * 1000)
    body = zl.message_event("user_send_text", USER, text="menu")
    body["timestamp"] = str(old)
    response = await zalo.post(body)
    assert response.status == 200 and (await response.json()).get("stale") is True
    await flush(zalo.runtime)
    assert zalo.fake.to(USER) == []
    assert await _count(zalo.runtime, InboundEvent) == 0

    fresh = zl.message_event("user_send_text", USER, text="menu")
    assert (await zalo.post(fresh)).status == 200
    await flush(zalo.runtime)
    assert len(zalo.fake.to(USER)) == 1


def test_staleness_reads_zalos_millisecond_string() -> None:
    now = 1_900_000_000.0
    assert not is_stale(str(int(now * 1000)), now)
    assert not is_stale(str(int((now - 12 * 3600) * 1000)), now)  # Zalo's longest retry
    assert is_stale(str(int((now - 4 * 86400) * 1000)), now)
    assert not is_stale("", now) and not is_stale("abc", now)


async def test_the_telegram_webhook_fails_closed_without_a_secret(telegram) -> None:
    """Configuration refuses a webhook URL without a secret; the handler does not rely on it:
    with an empty secret, an empty or missing header must not match."""
    update = {
        "update_id": 4242,
        "message": {
            "message_id": 1,
            "date": 0,
            "chat": {"id": 7, "type": "private"},
            "from": {"id": 7, "is_bot": False, "first_name": "A"},
            "text": "/start",
        },
    }
    telegram.channel.secret = ""
    for secret in ("", None):
        response = await telegram.post(update, secret=secret)
        assert response.status == 403
    assert await _count(telegram.runtime, InboundEvent) == 0
    assert await _count(telegram.runtime, OutboxMessage) == 0


async def test_a_json_bomb_with_the_telegram_secret_is_a_400(telegram, caplog) -> None:
    response = await telegram.client.post(
        "/webhook/telegram",
        data=BOMB,
        headers={"X-Telegram-Bot-Api-Secret-Token": telegram.channel.secret},
    )
    assert response.status == 400
    assert "Traceback" not in caplog.text


def test_the_oauth_verifier_file_is_never_readable_by_others(tmp_path: Path) -> None:
    from bot.channels.zalo_auth import consent_link

    settings = make_settings(
        f"sqlite+aiosqlite:///{tmp_path}/x.db",
        ZALO_APP_ID="1234",
        ZALO_APP_SECRET="s",
        ZALO_OA_SECRET_KEY="k",
    )
    state = tmp_path / "var" / "zalo-oauth.json"
    old_umask = os.umask(0)  # the most permissive umask: the file must still be 0600
    try:
        consent_link(settings, "https://xa.example.vn/cb", state)
        consent_link(settings, "https://xa.example.vn/cb", state)  # a second run replaces it
    finally:
        os.umask(old_umask)
    assert stat.S_IMODE(state.stat().st_mode) == 0o600
    assert "code_verifier" in json.loads(state.read_text("utf-8"))


async def test_a_nul_byte_in_a_zalo_petition_neither_loses_it_nor_logs_it(zalo, caplog) -> None:
    """PostgreSQL refuses NUL in text: the petition's INSERT failed (500, petition lost) and the
    failed statement — text, name, phone — went to the log. Control characters are dropped at
    the channel boundary instead."""
    from storage.models import Petition

    caplog.set_level(logging.INFO)
    chat = zalo.chat()
    await chat.say("menu")
    await chat.press("Gửi kiến nghị")
    await chat.press("Giao thông")
    await chat.say("Đường thôn 1 sụt lún\x00 nặng,\x1b xe máy\x07 đi rất nguy hiểm")
    await chat.press("Xong")
    await chat.press("Thôn 1")
    await chat.say("Nguyễn Văn Năm\x00 0912 345 678")
    await chat.press("Đồng ý")
    await chat.press("Xác nhận gửi")
    async with zalo.runtime.db.read() as session:
        [petition] = (await session.execute(select(Petition))).scalars().all()
    assert petition.content == "Đường thôn 1 sụt lún nặng, xe máy đi rất nguy hiểm"
    assert petition.contact_name == "Nguyễn Văn Năm"
    assert "0912" not in caplog.text and "Nguyễn Văn Năm" not in caplog.text


def test_cleaning_keeps_words_tabs_and_line_breaks() -> None:
    from handlers.sanitize import clean, clean_inbound
    from handlers.types import Attachment, Contact, Inbound

    assert clean("a\x00b\tc\nd\r\ne\x7f\ud83d") == "ab\tc\nd\r\ne"
    assert clean("Đường thôn 3 😀") == "Đường thôn 3 😀"
    inbound = clean_inbound(
        Inbound(
            channel="zalo",
            user_key="u\x00",
            text="x\x01",
            payload="p\x02",
            contact=Contact(phone="09\x0012", name="A\x03"),
            attachments=(Attachment(kind="file", ref="r\x00", name="n\x04.pdf"),),
        )
    )
    assert (inbound.text, inbound.payload) == ("x", "p")
    assert inbound.contact == Contact(phone="0912", name="A")
    assert inbound.attachments[0].name == "n.pdf"
    assert inbound.user_key == "u\x00" and inbound.attachments[0].ref == "r\x00"  # ids untouched
