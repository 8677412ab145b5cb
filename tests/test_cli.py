"""The command line: --help, db upgrade, ask, and run with a graceful SIGTERM."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _env(**extra: str) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("BOT_", "DATABASE_", "TELEGRAM_", "ZALO_"))
    }
    env.update(extra)
    return env


def _cli(*args: str, cwd: Path = ROOT, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        capture_output=True,
        text=True,
        env=_env(**env),
        cwd=cwd,
        timeout=120,
    )


def test_help_lists_every_subcommand() -> None:
    result = _cli("--help")
    assert result.returncode == 0
    for command in ("run", "ask", "eval", "db", "kb", "staff"):
        assert command in result.stdout


def test_db_upgrade_creates_the_database(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'x.db'}"
    result = _cli("db", "upgrade", DATABASE_URL=url)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "x.db").exists()
    again = _cli("db", "upgrade", DATABASE_URL=url)
    assert again.returncode == 0


def test_ask_json_recognises_a_greeting() -> None:
    result = _cli("ask", "--json", "xin chào")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["intent"] == "greeting"
    assert set(data) >= {"intent", "topic", "score", "answer", "suggestions"}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_run_serves_and_exits_zero_on_sigterm(tmp_path: Path) -> None:
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "bot", "run", "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        cwd=tmp_path,
        env=_env(DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path / 'run.db'}"),
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as r:
                    assert json.load(r)["status"] == "ok"
                    break
            except OSError as err:
                if time.monotonic() > deadline or proc.poll() is not None:
                    raise AssertionError(proc.stdout.read() if proc.stdout else "") from err
                time.sleep(0.3)
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}/api/chat",
            data=json.dumps({"user_id": "cli-test-0123456789abcdef", "text": "xin chào"}).encode(),
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=10) as r:
            assert json.load(r)["replies"]
        proc.send_signal(signal.SIGTERM)
        output, _ = proc.communicate(timeout=40)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, output
    assert f"127.0.0.1:{port}" in output
    assert "Traceback" not in output


def test_run_on_a_busy_port_creates_nothing_and_says_so(tmp_path: Path) -> None:
    """The first start used to create the first admin, print its one-time password, then exit
    on the busy port; the next start printed nothing and the password was lost."""
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        db = tmp_path / "busy.db"
        result = _cli(
            "run", "--port", str(port), cwd=tmp_path, DATABASE_URL=f"sqlite+aiosqlite:///{db}"
        )
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert (
        len(lines) == 1 and f"Cổng 127.0.0.1:{port} đang được chương trình khác dùng" in lines[0]
    )
    assert "Traceback" not in result.stderr and "MẬT KHẨU" not in result.stdout.upper()
    assert not db.exists()  # no database, so no admin whose password nobody saw


def test_the_server_freezes_what_start_up_built() -> None:
    """Full collections must not walk the trained models and the knowledge base each time."""
    import gc

    from bot.__main__ import freeze_startup_objects

    try:
        freeze_startup_objects()
        assert gc.get_freeze_count() > 10_000
    finally:
        gc.unfreeze()
