"""Logs never carry a token or what a citizen wrote — also at LOG_LEVEL=DEBUG, where
python-telegram-bot logs its API URL (the token is in it) and every request's parameters."""

from __future__ import annotations

import logging

from bot.channels.logs import QUIET_LOGGERS
from tests.channels.harness import TelegramBot, make_runtime, serve, telegram_env

USER = 4_200_077


async def test_debug_logging_shows_neither_the_bot_token_nor_messages(
    db_url, clock, content, fake_telegram, caplog
) -> None:
    caplog.set_level(logging.DEBUG)
    for name in QUIET_LOGGERS:  # as in a fresh process at LOG_LEVEL=DEBUG
        logging.getLogger(name).setLevel(logging.NOTSET)
    runtime = await make_runtime(
        db_url, clock, content, **telegram_env(fake_telegram, webhook=True)
    )
    try:
        async with serve(runtime) as client:
            bot = TelegramBot(runtime, client, fake_telegram)
            await bot.ready()
            chat = bot.chat(USER)
            await chat.say("/kiennghi")
            await chat.press("Giao thông")
            await chat.say("Cống xóm Bãi nhà ông Lò Văn Pọm tắc, gọi 0912 345 678")
            sent = " ".join(m.get("text", "") for m in fake_telegram.called("sendMessage"))
    finally:
        await runtime.close()
    assert "gõ thêm" in sent  # the bot did talk: there was something to leak
    # (aiohttp.access lines are left out: the fake Bot API server runs in this process, and its
    # own access log naturally shows the URLs it was called on.)
    log = "\n".join(caplog.handler.format(r) for r in caplog.records if r.name != "aiohttp.access")
    secret = fake_telegram.token.split(":", 1)[1]
    assert secret not in log
    assert "Lò Văn Pọm" not in log and "0912 345 678" not in log
    assert "gõ thêm" not in log  # no outgoing message text either
    assert "$argon2" not in log  # nor the first admin's password hash (SQL parameters)
