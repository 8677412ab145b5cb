"""E-mail to staff (reminders, digests) through ``SMTP_URL`` with aiosmtplib.

Mail waits in the database (``mail_outbox``) and leaves here: each due row is leased, sent with a
short time-out, and marked sent — or, when the server is down or refuses, tried again later with
exponential backoff (30 s, 1 min, 2 min … at most an hour), for as long as it takes: a reminder
is delayed, never lost, and no request waits for SMTP. ``schedule`` makes the server queue due
reminders and send mail every minute; ``python -m bot reminders run`` does one round now.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import Counter
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from urllib.parse import unquote, urlsplit

import aiosmtplib

from bot.runtime import Runtime
from handlers.staff_reminders import run_reminders
from storage import followup as store

log = logging.getLogger(__name__)

LEASE = dt.timedelta(minutes=5)
TIMEOUT = 15.0  # seconds for one SMTP conversation
MAX_BACKOFF = 3600.0
INTERVAL = 60.0  # the server's schedule


@dataclass(frozen=True)
class SmtpTarget:
    """Where mail goes, read from ``SMTP_URL``."""

    host: str
    port: int
    username: str | None
    password: str | None
    tls: bool  # smtps: TLS from the start
    starttls: bool

    @classmethod
    def parse(cls, url: str) -> SmtpTarget:
        parts = urlsplit(url)
        tls = parts.scheme == "smtps"
        starttls = parts.scheme == "smtp+starttls"
        default = 465 if tls else 587 if starttls else 25
        return cls(
            host=parts.hostname or "127.0.0.1",
            port=parts.port or default,
            username=unquote(parts.username) if parts.username else None,
            password=unquote(parts.password) if parts.password else None,
            tls=tls,
            starttls=starttls,
        )


def backoff(attempts: int) -> float:
    return min(MAX_BACKOFF, 30.0 * 2 ** max(0, attempts - 1))


def build_message(sender: str, mail: store.ClaimedMail) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = ", ".join(mail.to)
    if mail.cc:
        message["Cc"] = ", ".join(mail.cc)
    message["Subject"] = mail.subject
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain=sender.rsplit("@", 1)[-1] or "localhost")
    message.set_content(mail.body)
    return message


async def send_due_mail(runtime: Runtime) -> Counter[str]:
    """Send the mail that is due now; counts of ``sent`` and ``delayed``."""
    settings = runtime.settings
    counts: Counter[str] = Counter()
    if not (settings.smtp_url and settings.smtp_from):
        return counts
    target = SmtpTarget.parse(settings.smtp_url)
    now = runtime.clock()
    async with runtime.db.write() as session:
        claimed = await store.claim_mail(session, now, LEASE)
    for mail in claimed:
        try:
            await aiosmtplib.send(
                build_message(settings.smtp_from, mail),
                hostname=target.host,
                port=target.port,
                username=target.username,
                password=target.password,
                use_tls=target.tls,
                start_tls=True if target.starttls else False if not target.tls else None,
                timeout=TIMEOUT,
            )
        except (aiosmtplib.SMTPException, OSError, TimeoutError) as err:
            wait = backoff(mail.attempts)
            log.warning(
                "chưa gửi được thư #%s (lần %s): %s; thử lại sau %.0f giây",
                mail.id,
                mail.attempts,
                type(err).__name__,
                wait,
            )
            async with runtime.db.write() as session:
                await store.mail_retry(
                    session, mail.id, runtime.clock() + dt.timedelta(seconds=wait), repr(err)
                )
            counts["delayed"] += 1
            continue
        async with runtime.db.write() as session:
            await store.mail_sent(session, mail.id, runtime.clock())
        counts["sent"] += 1
    return counts


async def run_once(runtime: Runtime) -> tuple[Counter[str], Counter[str]]:
    """Queue the reminders due now, then send the mail that is due: (queued, mail)."""
    settings = runtime.settings
    mail_on = bool(settings.smtp_url and settings.smtp_from)
    queued = await run_reminders(runtime.db, runtime.services, mail_on=mail_on)
    if queued:
        runtime.worker.wake()  # staff group notices
    return queued, await send_due_mail(runtime)


def schedule(runtime: Runtime) -> None:
    """The server runs reminders and sends mail every minute (in the background)."""

    async def job() -> None:
        await run_once(runtime)

    runtime.add_periodic(INTERVAL, "staff-reminders", job)


def settings_for_cli():  # type: ignore[no-untyped-def]
    """The validated settings (ConfigError when they are not)."""
    from bot.config import load_settings

    return load_settings()
