"""Chat platform adapters (Telegram, Zalo OA, Zalo Bot). The web chat lives in ``bot.webchat``.

Each adapter turns platform payloads into ``handlers.types.Inbound`` values for the engine and
sends outbox rows back through the platform. A channel whose credentials are unset stays off;
its webhook route still exists and refuses everything, so a probe learns nothing.
"""

from __future__ import annotations

import logging

from aiohttp import web

from bot.channels.logs import quiet_library_logs
from bot.channels.telegram import setup_telegram
from bot.channels.zalo import setup_zalo
from bot.channels.zalo_bot import setup_zalo_bot
from bot.runtime import Runtime

log = logging.getLogger(__name__)


def setup(app: web.Application, runtime: Runtime) -> None:
    """Turn on each channel whose credentials are configured; say once which are on."""
    quiet_library_logs()
    states = ["web chat bật", setup_telegram(app, runtime), setup_zalo(app, runtime)]
    zalo_bot = setup_zalo_bot(app, runtime)  # optional third adapter: mentioned only when set
    if zalo_bot:
        states.append(zalo_bot)
    log.info("Kênh: %s", "; ".join(states))
