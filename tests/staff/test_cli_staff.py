"""``python -m bot staff add|token|list|passwd|deactivate`` on a fresh database."""

from __future__ import annotations

import asyncio
import datetime as dt
import io
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiohttp.test_utils import TestServer

from bot.app import create_app
from bot.runtime import build_runtime
from tests.conftest import make_settings

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "Mặt trời mọc đằng Đông thôn 5"


def _cli(db: str, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_", "BOT_"))}
    env["DATABASE_URL"] = db
    return subprocess.run(
        [sys.executable, "-m", "bot", "staff", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=120,
    )


async def _in_thread(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    db: str,
    *args: str,
    stdin: str = "",
) -> subprocess.CompletedProcess[str]:
    """The same command in-process, in a thread (it runs its own event loop): a new interpreter
    per step cost the suite a minute on a busy machine; the first step above proves the real one.
    """
    capsys.readouterr()
    code = await asyncio.to_thread(_main, monkeypatch, db, *args, stdin=stdin)
    out, err = capsys.readouterr()
    return subprocess.CompletedProcess(["staff", *args], code, out, err)


async def test_cli_creates_accounts_and_tokens_that_work(
    tmp_path: Path,
    content: Any,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.chdir(ROOT)
    db = f"sqlite+aiosqlite:///{tmp_path / 'fresh.db'}"  # never migrated: the CLI does it
    added = _cli(
        db,
        "add",
        "vanphong.lan",
        "--role",
        "office",
        "--password-stdin",
        "--full-name",
        "Nguyễn Thị Lan",
        stdin=PASSWORD + "\n",
    )
    assert added.returncode == 0, added.stderr
    assert "vanphong.lan" in added.stdout

    again = await _in_thread(
        monkeypatch,
        capsys,
        db,
        "add",
        "vanphong.lan",
        "--role",
        "viewer",
        "--password-stdin",
        stdin=PASSWORD + "\n",
    )
    assert again.returncode == 1 and "đã tồn tại" in again.stderr

    token_run = await _in_thread(monkeypatch, capsys, db, "token", "vanphong.lan")
    assert token_run.returncode == 0, token_run.stderr
    token = token_run.stdout.strip()
    assert token.startswith("xbs_") and len(token) > 40
    assert (await _in_thread(monkeypatch, capsys, db, "token", "khong.co")).returncode == 1

    runtime = await build_runtime(make_settings(db), migrate=False, content=content)
    server = TestServer(create_app(runtime, run_background=False))
    await server.start_server()
    try:
        async with aiohttp.ClientSession() as session:
            url = server.make_url("/staff/api/petitions")
            response = await session.get(url, headers={"Authorization": f"Bearer {token}"})
            assert response.status == 200 and await response.json() == []
            # The token's hash is all the database keeps.
            async with runtime.db.read() as db_session:
                from sqlalchemy import select

                from storage.models import ApiToken

                hashes = (await db_session.execute(select(ApiToken.token_hash))).scalars().all()
            assert token not in hashes and len(hashes) == 1

            # A leaked token is revoked without touching the account.
            spare = (
                await _in_thread(monkeypatch, capsys, db, "token", "vanphong.lan")
            ).stdout.strip()
            revoked = await _in_thread(
                monkeypatch, capsys, db, "token", "vanphong.lan", "--revoke"
            )
            assert revoked.returncode == 0 and "2" in revoked.stdout
            for old in (token, spare):
                response = await session.get(url, headers={"Authorization": f"Bearer {old}"})
                assert response.status == 401
            token = (
                await _in_thread(monkeypatch, capsys, db, "token", "vanphong.lan")
            ).stdout.strip()
            response = await session.get(url, headers={"Authorization": f"Bearer {token}"})
            assert response.status == 200

            deactivated = await _in_thread(monkeypatch, capsys, db, "deactivate", "vanphong.lan")
            assert deactivated.returncode == 0
            response = await session.get(url, headers={"Authorization": f"Bearer {token}"})
            assert response.status == 401
    finally:
        await server.close()
        await runtime.close()


def _main(monkeypatch: pytest.MonkeyPatch, db: str, *args: str, stdin: str = "") -> int:
    """The same CLI in-process (fast): ``python -m bot staff …`` without a new interpreter."""
    from bot.__main__ import main

    monkeypatch.setenv("DATABASE_URL", db)
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    try:
        return main(["staff", *args])
    except SystemExit as exit_:  # argparse refusing an option
        return int(exit_.code or 0)


def test_cli_refuses_weak_passwords_and_bad_committees(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    db = f"sqlite+aiosqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.chdir(ROOT)
    cases = [
        (("add", "yeu", "--role", "viewer", "--password-stdin"), "123456\n", 1, "Mật khẩu yếu"),
        (("add", "yeu", "--role", "viewer", "--password-stdin"), "1234567890\n", 1, "phổ biến"),
        (
            ("add", "yeu", "--role", "viewer", "--password-stdin"),
            "yeu-yeu-yeu-123\n",
            1,
            "tên đăng nhập",
        ),
        (("add", "yeu", "--role", "viewer", "--password-stdin"), "\n", 1, "trống"),
        (
            ("add", "Tên Có Dấu", "--role", "viewer", "--password-stdin"),
            PASSWORD,
            1,
            "chữ thường không dấu",
        ),
        (("add", "ban.a", "--role", "committee", "--password-stdin"), PASSWORD, 1, "--committee"),
        (
            ("add", "ban.a", "--role", "committee", "--committee", "xx", "--password-stdin"),
            PASSWORD,
            1,
            "kt-ns, vh-xh",
        ),
        (
            ("add", "ban.a", "--role", "office", "--committee", "kt-ns", "--password-stdin"),
            PASSWORD,
            1,
            "chỉ dùng với --role committee",
        ),
        (("add", "x.y", "--role", "boss", "--password-stdin"), PASSWORD, 2, "không có vai trò"),
        (("token", "khong.co"), "", 1, "Không có tài khoản"),
    ]
    for args, stdin, code, words in cases:
        assert _main(monkeypatch, db, *args, stdin=stdin) == code, args
        assert words in capsys.readouterr().err, args

    assert (
        _main(
            monkeypatch,
            db,
            "add",
            "ban.ktns",
            "--role",
            "committee",
            "--committee",
            "kt-ns",
            "--password-stdin",
            stdin=PASSWORD + "\n",
        )
        == 0
    )
    assert _main(monkeypatch, db, "list") == 0
    assert "ban.ktns\tcommittee (kt-ns)\thoạt động" in capsys.readouterr().out
    # A named token that works for 7 days; out-of-range days are refused.
    assert _main(monkeypatch, db, "token", "ban.ktns", "--name", "Excel", "--days", "7") == 0
    assert "7 ngày" in capsys.readouterr().err
    assert _main(monkeypatch, db, "token", "ban.ktns", "--days", "0") == 1
    assert "--days" in capsys.readouterr().err
    import sqlite3

    with sqlite3.connect(tmp_path / "cli.db") as conn:
        label, created, expires = conn.execute(
            "SELECT label, created_at, expires_at FROM api_tokens"
        ).fetchone()
    assert label == "Excel"
    assert (dt.datetime.fromisoformat(expires) - dt.datetime.fromisoformat(created)).days == 7
    assert (
        _main(
            monkeypatch,
            db,
            "passwd",
            "ban.ktns",
            "--password-stdin",
            stdin="Trăng rằm tháng Tám 2026\n",
        )
        == 0
    )
    assert _main(monkeypatch, db, "deactivate", "ban.ktns") == 0
    assert _main(monkeypatch, db, "token", "ban.ktns") == 1
    assert "đã bị khoá" in capsys.readouterr().err
