"""Turning the configured channels on: adapter, sender, capabilities, health, routes, jobs.

The one place that knows both the ``Runtime`` and the adapters (which know neither the runtime nor
each other), so a new channel is one adapter module and one ``setup_…`` function here.
"""

from __future__ import annotations

import logging

from aiohttp import web

from bot.channels import telegram_inbound, zalo
from bot.channels.logs import quiet_library_logs
from bot.channels.telegram import TelegramChannel
from bot.channels.telegram_sender import CAPABILITIES as TELEGRAM
from bot.channels.webhook import forbidden
from bot.channels.zalo import REFRESH_CHECK_SECONDS, REFRESH_JOB, ZaloChannel
from bot.channels.zalo_bot import CAPABILITIES as ZALO_BOT
from bot.channels.zalo_bot import DEFAULT_API, ZaloBotChannel
from bot.channels.zalo_bot_events import CHANNEL as CHANNEL_ZALO_BOT
from bot.channels.zalo_sender import CAPABILITIES as ZALO
from bot.channels.zalo_sender import CHANNEL as ZALO_CHANNEL
from bot.runtime import Runtime
from handlers import outgoing
from handlers.outgoing import NoticeTarget, Outgoing
from handlers.texts.zalo_reach import ZaloReachTexts
from handlers.types import Reply

log = logging.getLogger(__name__)


async def _refuse(_request: web.Request) -> web.Response:
    """A channel that is off: nothing can match a secret that is not set."""
    return forbidden()


def setup_telegram(app: web.Application, runtime: Runtime) -> str:
    """Wire the channel when TELEGRAM_BOT_TOKEN is set; returns a line for the start-up log."""
    settings = runtime.settings
    if not settings.telegram_enabled:
        app.router.add_post("/webhook/telegram", _refuse)
        return "Telegram tắt (chưa đặt TELEGRAM_BOT_TOKEN)"
    channel = TelegramChannel(settings, runtime.engine, runtime.service_db, ingest=runtime.ingest)
    runtime.telegram = channel
    runtime.ingest.processors[telegram_inbound.CHANNEL] = channel.process
    runtime.attachment_fetchers[telegram_inbound.CHANNEL] = channel.fetch_file
    runtime.add_channel(channel.sender, TELEGRAM)
    runtime.health_checks["telegram"] = channel.health
    app.router.add_post("/webhook/telegram", channel.webhook)
    app.cleanup_ctx.append(channel.lifecycle)
    staff_chat = settings.telegram_staff_chat_id
    if staff_chat:
        target = NoticeTarget(telegram_inbound.CHANNEL, staff_chat)
        if target not in runtime.services.staff_notices:
            runtime.services.staff_notices.append(target)
    extra = ", báo kiến nghị mới vào nhóm cán bộ" if staff_chat else ""
    return f"Telegram bật ({channel.mode}{extra})"


def setup_zalo(app: web.Application, runtime: Runtime) -> str:
    """Wire the OA channel when its three secrets are set; returns a line for the start-up log."""
    settings = runtime.settings
    if settings.zalo_site_verification:
        zalo.setup_verifier(app, settings.zalo_site_verification)
    if not settings.zalo_enabled:
        app.router.add_post("/webhook/zalo", zalo.webhook_off)
        return "Zalo OA tắt (chưa đặt ZALO_APP_ID, ZALO_APP_SECRET, ZALO_OA_SECRET_KEY)"
    channel = ZaloChannel(
        settings,
        runtime.engine,
        runtime.service_db,
        runtime.services.commune_id,
        runtime.clock,
        ingest=runtime.ingest,
    )
    runtime.zalo = channel
    runtime.ingest.processors[zalo.CHANNEL] = channel.process
    runtime.add_channel(channel.sender, ZALO)
    runtime.health_checks["zalo"] = channel.health
    runtime.health_details["zalo"] = channel.status.details
    channel.status.alert = office_alert(runtime)
    runtime.add_periodic(REFRESH_CHECK_SECONDS, REFRESH_JOB, channel.tokens.refresh_if_due)
    app.router.add_post("/webhook/zalo", channel.webhook)
    app.cleanup_ctx.append(channel.lifecycle)
    return "Zalo OA bật"


def office_alert(runtime: Runtime):
    """Tell the staff groups (not on Zalo, which is what broke) about a channel problem."""

    async def alert(key: str, code: int, reason: str) -> None:
        texts = ZaloReachTexts.of(runtime.texts)
        text = getattr(texts, key)(code=code, reason=reason)
        targets = [t for t in runtime.services.staff_notices if t.channel != ZALO_CHANNEL]
        if not targets:
            return
        out = Outgoing()
        for target in targets:
            out.notice(target, Reply(text=text))
        async with runtime.db.write() as session:
            await outgoing.write(
                session,
                commune_id=runtime.services.commune_id,
                now=runtime.clock(),
                capabilities=runtime.services.capabilities,
                out=out,
            )
        runtime.worker.wake()

    return alert


def setup_zalo_bot(app: web.Application, runtime: Runtime) -> str | None:
    """Wire the bot when ZALO_BOT_TOKEN is set; a line for the start-up log, None when unused."""
    settings = runtime.settings
    token = settings.zalo_bot_token
    if not token:
        app.router.add_post("/webhook/zalobot", _refuse)
        return None
    url = settings.zalo_bot_webhook_url
    secret = settings.zalo_bot_webhook_secret
    base = settings.zalo_bot_api_base_url or DEFAULT_API
    channel = ZaloBotChannel(
        runtime.engine, runtime.service_db, token, url, secret, base, ingest=runtime.ingest
    )
    runtime.zalo_bot = channel
    runtime.ingest.processors[CHANNEL_ZALO_BOT] = channel.process
    runtime.add_channel(channel.sender, ZALO_BOT)
    runtime.health_checks["zalobot"] = channel.health
    app.router.add_post("/webhook/zalobot", channel.webhook)
    app.cleanup_ctx.append(channel.lifecycle)
    return f"Zalo Bot bật ({channel.mode})"


def setup(app: web.Application, runtime: Runtime) -> None:
    """Turn on each channel whose credentials are configured; say once which are on."""
    quiet_library_logs()
    states = ["web chat bật", setup_telegram(app, runtime), setup_zalo(app, runtime)]
    zalo_bot = setup_zalo_bot(app, runtime)  # optional third adapter: mentioned only when set
    if zalo_bot:
        states.append(zalo_bot)
    log.info("Kênh: %s", "; ".join(states))
