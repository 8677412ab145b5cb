"""Announcements to villages: all channels, opt-outs skipped, once each across a restart."""

from __future__ import annotations

import re
from typing import Any

import pytest
from sqlalchemy import select

from bot.runtime import resume_fan_out
from handlers import announcements
from storage.models import AnnouncementDelivery
from tests.channels.harness import (
    TelegramBot,
    ZaloOA,
    flush,
    make_runtime,
    serve,
    telegram_env,
    zalo_env,
)
from tests.helpers import WebChat
from tests.staff.helpers import make_account, signed_in

TEXT = "Lịch tiếp xúc cử tri: 8h00 thứ Năm 04/12 tại nhà văn hóa thôn."


@pytest.fixture
def env(fake_telegram, fake_zalo) -> dict[str, str]:
    return {
        **telegram_env(fake_telegram, webhook=True),
        **zalo_env(fake_zalo, fake_zalo.issue_pair()),
    }


def _announced(messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [m for m in messages if TEXT in (m.get("text") or "")]


async def test_an_announcement_reaches_two_villages_on_three_channels_once(
    db_url, clock, content, fake_telegram, fake_zalo, env, monkeypatch
) -> None:
    runtime = await make_runtime(db_url, clock, content, **env)
    try:
        async with serve(runtime) as client:
            bot = TelegramBot(runtime, client, fake_telegram)
            await bot.ready()
            oa = ZaloOA(runtime, client, fake_zalo)
            tg1, tg2, tg3, tg_off = (bot.chat(7_200_000 + i) for i in range(4))
            await tg1.say("/thon Thôn 1")
            assert "Thôn 1" in tg1.text
            await tg2.say("/thon")
            await tg2.press("Thôn 2")
            await tg3.say("/thon Thôn 3")
            await tg_off.say("/thon Thôn 1")
            await tg_off.say("/tatthongbao")
            assert "tắt" in tg_off.text
            web1, web3 = WebChat(client), WebChat(client)
            await web1.say("/thon Thôn 2")
            await web3.say("/thon Thôn 3")
            z1, z2, z_old = oa.chat(), oa.chat(), oa.chat()
            await z1.say("/thon Thôn 1")
            await z2.say("/thon Thôn 2")
            await z_old.say("/thon Thôn 1")
            await flush(runtime)
            assert fake_zalo.tags[z1.user_id] == {"Thôn 1"}  # the follower is tagged
            assert fake_zalo.tags[z2.user_id] == {"Thôn 2"}
            fake_zalo.window_closed.add(z_old.user_id)  # silent for more than 7 days

            announcement_id = await announcements.create(
                runtime.db,
                runtime.services,
                text=TEXT,
                villages=["thon-1", "thon-2"],
                staff_id=None,
                staff_label="vanphong",
            )
            # the process dies after the first batch of two recipients
            monkeypatch.setattr(announcements, "BATCH", 2)
            async with runtime.db.write() as session:
                assert await announcements._batch(session, runtime.services, announcement_id) == 2
            await flush(runtime)
            monkeypatch.setattr(announcements, "BATCH", 200)
    finally:
        await runtime.close()

    restarted = await make_runtime(db_url, clock, content, **env)
    try:
        async with serve(restarted) as client:
            await TelegramBot(restarted, client, fake_telegram).ready()
            await resume_fan_out(restarted)
            await flush(restarted)
            await resume_fan_out(restarted)  # twice: nothing more
            await flush(restarted)

            for chat in (tg1, tg2):
                assert len(_announced(fake_telegram.sent_to(chat.user_id))) == 1
            for chat in (tg3, tg_off):
                assert _announced(fake_telegram.sent_to(chat.user_id)) == []
            web_pushed = await WebChat(client, web1.user_id).pushed()
            assert len(_announced(web_pushed)) == 1
            assert _announced(await WebChat(client, web3.user_id).pushed()) == []
            for chat in (z1, z2):
                assert len(_announced(fake_zalo.to(chat.user_id))) == 1
            assert _announced(fake_zalo.to(z_old.user_id)) == []
            assert fake_zalo.zns == []  # never through ZNS

            async with restarted.db.read() as session:
                progress = await announcements.progress(session, announcement_id)
                rows = (
                    await session.execute(
                        select(AnnouncementDelivery.identity_id).where(
                            AnnouncementDelivery.announcement_id == announcement_id
                        )
                    )
                ).all()
            assert len(rows) == 6  # tg1, tg2, web1, z1, z2, z_old
            assert (progress.delivered, progress.waiting, progress.failed) == (5, 0, 0)
            assert progress.not_reached == 1

            await make_account(restarted, "office", username="vanphong")
            agent = await signed_in(client.server, "vanphong")
            try:
                page = await agent.get(f"/staff/announcements/{announcement_id}")
                assert page.status == 200
                html = agent.last_html
            finally:
                await agent.close()
            found = dict(re.findall(r'data-testid="([a-z-]+)">(\d+)<', html))
            assert found == {
                "total": "6",
                "delivered": "5",
                "waiting": "0",
                "failed": "0",
                "not-reached": "1",
            }
    finally:
        await restarted.close()
