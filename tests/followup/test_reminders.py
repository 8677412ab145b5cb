"""Reminders and digests by e-mail against a real SMTP server on 127.0.0.1: before a due date and
when overdue, each once (across runs and processes), the body a petition went to, a weekly
digest, no personal data, and an SMTP server that is down delays mail without losing it."""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import subprocess
import sys
from typing import Any

import pytest
from sqlalchemy import select

from bot import mail
from bot.staff.actions import perform
from bot.staff.auth import user_from_account
from handlers.workflow import Change
from storage.models import MailMessage
from tests.channels.harness import make_runtime
from tests.followup.smtp_server import SmtpServer, free_port
from tests.staff.helpers import make_account, make_petition

NAME, PHONE = "Nguyễn Thị Đào", "0912345678"


@pytest.fixture
async def smtp() -> Any:
    server = SmtpServer()
    await asyncio.to_thread(server.start)
    yield server
    await asyncio.to_thread(server.stop)


async def _setup(runtime: Any) -> tuple[str, Any]:
    office = await make_account(runtime, "office")
    committee = await make_account(runtime, "committee", committee="kt-ns")
    async with runtime.db.write() as session:
        from storage.models import StaffAccount

        for account, email in (
            (office, "vanphong@xa.example.vn"),
            (committee, "ktns@xa.example.vn"),
        ):
            row = await session.get(StaffAccount, account.id)
            row.email = email
    code = await make_petition(
        runtime, contact_name=NAME, contact_phone=PHONE, place_text="số 5 ngõ 3", village="thon-2"
    )
    # forwarded to the UBND (a body of the sample profile) due in 3 working days: Thursday
    change = Change(forward_doc_no="12/HĐND", due=dt.date(2026, 11, 19), forwarded_to="UBND xã")
    await perform(runtime, user_from_account(office), code, "forward", change)
    return code, office


def _texts(inbox: Any) -> str:
    return "\n".join(f"{m['Subject']}\n{m.get_content()}" for _, m in inbox.messages)


async def test_due_soon_overdue_body_and_digest_each_once(
    db_url: str, clock: Any, content: Any, smtp: SmtpServer
) -> None:
    env = {"SMTP_URL": smtp.url, "SMTP_FROM": "hdnd@xa.example.vn"}
    runtime = await make_runtime(db_url, clock, content, **env)
    try:
        code, _ = await _setup(runtime)
        queued, sent = await mail.run_once(runtime)
        assert queued == {"assigned": 1, "due_soon": 1, "digest": 2}, queued
        assert sent["sent"] == 4
        soon = [m for m in smtp.inbox.to("ktns@xa.example.vn") if "Sắp đến hạn" in m["Subject"]]
        assert len(soon) == 1 and code in soon[0]["Subject"]
        assert "vanphong@xa.example.vn" in [
            a for r, m in smtp.inbox.messages if m is soon[0] for a in r
        ]
        assert f"/staff/petitions/{code}" in soon[0].get_content()
        digest = smtp.inbox.to("vanphong@xa.example.vn")
        assert any("Tổng hợp kiến nghị tuần 47/2026" in str(m["Subject"]) for m in digest)
        # again, and from a second process on the same database: nothing twice
        assert await mail.run_once(runtime) == ({}, {})
        other = await make_runtime(db_url, clock, content, **env)
        try:
            queued, _ = await mail.run_once(other)
            assert not queued
        finally:
            await other.close()
        # the day after the due date: overdue once, and the UBND is reminded, copying the office
        clock.advance(days=4)
        queued, sent = await mail.run_once(runtime)
        assert queued == {"overdue": 1, "body_overdue": 1}, queued
        to_body = smtp.inbox.to("ubnd@tanphuan.example.vn")
        assert len(to_body) == 1 and "12/HĐND" in to_body[0].get_content()
        assert "vanphong@xa.example.vn" in str(to_body[0]["Cc"])
        assert not (await mail.run_once(runtime))[0]
        everything = _texts(smtp.inbox)
        for personal in (NAME, "Nguyen Thi Dao", PHONE, "0912 345 678", "ngõ 3"):
            assert personal not in everything
    finally:
        await runtime.close()


async def test_an_smtp_server_that_is_down_delays_mail_and_never_loses_it(
    db_url: str, clock: Any, content: Any
) -> None:
    port = free_port()
    env = {"SMTP_URL": f"smtp://127.0.0.1:{port}", "SMTP_FROM": "hdnd@xa.example.vn"}
    runtime = await make_runtime(db_url, clock, content, **env)
    server = SmtpServer(port)
    try:
        await _setup(runtime)
        started = asyncio.get_running_loop().time()
        queued, sent = await mail.run_once(runtime)
        assert asyncio.get_running_loop().time() - started < 10
        assert sum(queued.values()) == 4 and sent == {"delayed": 4}
        async with runtime.db.read() as session:
            rows = (await session.execute(select(MailMessage))).scalars().all()
        assert all(r.status == "pending" and r.attempts == 1 and r.last_error for r in rows)
        await asyncio.to_thread(server.start)
        assert (await mail.run_once(runtime))[1] == {}  # backoff: not yet
        clock.advance(seconds=31)
        assert (await mail.run_once(runtime))[1] == {"sent": 4}
        assert len(server.inbox.messages) == 4
        clock.advance(hours=2)
        assert await mail.run_once(runtime) == ({}, {})
    finally:
        await asyncio.to_thread(server.stop)
        await runtime.close()


async def test_the_cli_runs_reminders_now_and_says_how_many(
    db_url: str, clock: Any, content: Any, smtp: SmtpServer
) -> None:
    runtime = await make_runtime(db_url, clock, content)
    try:
        await _setup(runtime)
    finally:
        await runtime.close()
    env = {
        **os.environ,
        "DATABASE_URL": db_url,
        "SMTP_URL": smtp.url,
        "SMTP_FROM": "hdnd@xa.example.vn",
    }

    def run() -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "bot", "reminders", "run"],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )

    first = await asyncio.to_thread(run)
    assert first.returncode == 0, first.stderr
    # the real clock: the petition is overdue by now (its due date was in November 2026)
    assert "Đã tạo" in first.stdout and "lời nhắc" in first.stdout and "Đã gửi" in first.stdout
    assert len(smtp.inbox.messages) >= 1
    second = await asyncio.to_thread(run)
    assert "Đã tạo 0 lời nhắc" in second.stdout, second.stdout


async def test_the_telegram_staff_group_hears_deadlines_without_personal_data(
    db_url: str, clock: Any, content: Any
) -> None:
    from tests.channels.fake_telegram import FakeTelegram
    from tests.channels.harness import flush, serve, telegram_env

    group = "-1001234567890"
    fake = await FakeTelegram().start()
    env = telegram_env(fake, webhook=False, TELEGRAM_STAFF_CHAT_ID=group)
    runtime = await make_runtime(db_url, clock, content, **env)
    try:
        async with serve(runtime):
            code, _ = await _setup(runtime)  # no SMTP_URL: e-mail off, the group still hears
            queued, sent = await mail.run_once(runtime)
            assert queued == {"due_soon": 1} and not sent
            await flush(runtime)
            clock.advance(days=4)
            assert (await mail.run_once(runtime))[0] == {"overdue": 1}
            await flush(runtime)
            assert not (await mail.run_once(runtime))[0]
    finally:
        await runtime.close()
        await fake.close()
    told = [m["text"] for m in fake.sent_to(group) if code in m["text"]]
    assert any("Sắp đến hạn" in t for t in told) and any("quá hạn" in t for t in told)
    assert len([t for t in told if "Sắp đến hạn" in t]) == 1
    for text in told:
        assert NAME not in text and PHONE not in text and "ngõ 3" not in text


async def test_a_petition_already_reminded_is_not_loaded_again(
    db_url: str, clock: Any, content: Any, smtp: SmtpServer
) -> None:
    """The schedule runs every minute: with 100,000 petitions, loading every due one each time
    held the event loop for a second. Only those whose reminder for their current due date was
    not queued are read; moving the due date makes the petition due for a reminder again."""
    from storage import followup
    from storage.models import Petition

    env = {"SMTP_URL": smtp.url, "SMTP_FROM": "hdnd@xa.example.vn"}
    runtime = await make_runtime(db_url, clock, content, **env)
    try:
        code, _ = await _setup(runtime)
        commune, today, horizon = runtime.profile.id, dt.date(2026, 11, 16), dt.date(2026, 11, 30)

        async def unsent() -> list[str]:
            async with runtime.db.read() as session:
                rows = await followup.due_petitions(
                    session, commune, ("forwarded",), horizon, unsent_after=today
                )
                return [p.code for p in rows]

        assert await unsent() == [code]
        await mail.run_once(runtime)
        assert await unsent() == []
        async with runtime.db.write() as session:
            row = (await session.execute(select(Petition).where(Petition.code == code))).scalar()
            row.due_date = dt.date(2026, 11, 18)
        assert await unsent() == [code]
        queued, _ = await mail.run_once(runtime)
        assert queued.get("due_soon") == 1 and "digest" not in queued
    finally:
        await runtime.close()
