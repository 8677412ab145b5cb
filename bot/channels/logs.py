"""Keep third-party libraries from logging secrets or citizens' words, whatever LOG_LEVEL says.

Measured at LOG_LEVEL=DEBUG: python-telegram-bot logs its API URL — the bot token is part of it —
and the parameters of every call (chat ids, the texts sent); httpx logs every request URL at INFO
(the token again); aiosqlite logs every SQL statement with its parameters (messages, names,
phones, password hashes). Our own DEBUG lines stay available; these loggers never go below
their floor. ``install_log_guards`` applies them with the logging configuration itself, before
the first migration or request (SQL parameters were logged at DEBUG before the channels were
wired); ``quiet_library_logs`` applies them again where a library may have reset a level.

aiohttp logs a request it cannot parse (a request line or header over 8 KiB, a bad method) with
a traceback whose message quotes the start of the request line — a web-chat id, a query. Those
records are rewritten to one line naming the kind of error, without the request's content.
"""

from __future__ import annotations

import logging

QUIET_LOGGERS = {
    "telegram": logging.INFO,
    "httpx": logging.WARNING,
    "httpcore": logging.WARNING,
    "aiosqlite": logging.INFO,
    "sqlalchemy.engine": logging.WARNING,
    "sqlalchemy.pool": logging.WARNING,
    "aiohttp.access": logging.WARNING,  # request lines carry ids and queries
}


def quiet_library_logs() -> None:
    for name, floor in QUIET_LOGGERS.items():
        logger = logging.getLogger(name)
        # The logger's own level, not the effective one: a root level lowered later (DEBUG)
        # must not reach these loggers.
        if logger.level == logging.NOTSET or logger.level < floor:
            logger.setLevel(floor)


class MalformedRequestFilter(logging.Filter):
    """Turn aiohttp's "Error handling request" for an unparsable request into one safe line."""

    def filter(self, record: logging.LogRecord) -> bool:
        from aiohttp.http_exceptions import HttpProcessingError

        exc = record.exc_info[1] if record.exc_info else None
        if isinstance(exc, HttpProcessingError):
            record.msg = "Refused a malformed HTTP request (%s, status %s); content not logged"
            record.args = (type(exc).__name__, exc.code)
            record.exc_info = None
            record.exc_text = None
            record.levelno, record.levelname = logging.WARNING, "WARNING"
        return True


def install_log_guards() -> None:
    """Call right after configuring logging, before anything else runs."""
    quiet_library_logs()
    server = logging.getLogger("aiohttp.server")
    if not any(isinstance(f, MalformedRequestFilter) for f in server.filters):
        server.addFilter(MalformedRequestFilter())
