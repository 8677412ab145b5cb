"""Keep third-party libraries from logging secrets or citizens' words, whatever LOG_LEVEL says.

Measured at LOG_LEVEL=DEBUG: python-telegram-bot logs its API URL — the bot token is part of it —
and the parameters of every call (chat ids, the texts sent); httpx logs every request URL at INFO
(the token again); aiosqlite logs every SQL statement with its parameters (messages, names,
phones, password hashes). Our own DEBUG lines stay available; these loggers never go below
their floor. Called when the channels are wired (every start) and before PTB is built.
"""

from __future__ import annotations

import logging

QUIET_LOGGERS = {
    "telegram": logging.INFO,
    "httpx": logging.WARNING,
    "httpcore": logging.WARNING,
    "aiosqlite": logging.INFO,
    "sqlalchemy.engine": logging.WARNING,
}


def quiet_library_logs() -> None:
    for name, floor in QUIET_LOGGERS.items():
        logger = logging.getLogger(name)
        if logger.getEffectiveLevel() < floor:
            logger.setLevel(floor)
