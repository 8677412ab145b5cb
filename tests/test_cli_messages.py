"""Command-line mistakes and unusable databases: one Vietnamese line naming what is wrong, exit 2,
no traceback, no usage block, no SQLAlchemy "Background on this error" link."""

from __future__ import annotations

import asyncio
import uuid
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from bot.__main__ import main
from tests.conftest import PG_URL, _pg_admin_execute

ROOT = Path(__file__).resolve().parents[1]


def _run(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    url: str | None,
    *argv: str,
) -> tuple[int, str]:
    monkeypatch.chdir(ROOT)
    for key in ("DATABASE_URL", "COMMUNE_PROFILE", "KNOWLEDGE_DIR"):
        monkeypatch.delenv(key, raising=False)
    if url is not None:
        monkeypatch.setenv("DATABASE_URL", url)
    capsys.readouterr()
    try:
        code = main(list(argv))
    except SystemExit as exit_:
        code = int(exit_.code or 0)
    out, err = capsys.readouterr()
    assert out == "", out
    return code, err


def _one_line(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert "Traceback" not in err and "Background on this error" not in err
    assert "sqlalche.me" not in err and "usage:" not in err
    return lines[0]


def _missing_pg_database() -> str:
    return str(make_url(PG_URL).set(database=f"xabot_missing_{uuid.uuid4().hex[:8]}"))


@pytest.mark.parametrize("argv", [("db", "upgrade"), ("staff", "list"), ("kb", "gaps")])
def test_a_postgres_database_that_does_not_exist_is_named(
    argv: tuple[str, ...], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    url = _missing_pg_database()
    code, err = _run(monkeypatch, capsys, url, *argv)
    line = _one_line(err)
    assert code == 2
    name = make_url(url).database
    assert f"chưa có cơ sở dữ liệu «{name}»" in line and f"createdb {name}" in line
    assert "db upgrade" not in line  # upgrading cannot create a PostgreSQL database


@pytest.mark.parametrize("argv", [("db", "upgrade"), ("staff", "list"), ("kb", "gaps")])
def test_a_refused_connection_is_one_line(
    argv: tuple[str, ...], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    url = "postgresql+asyncpg://bot:secret-pw@127.0.0.1:9/xabot"  # port 9: nothing listens
    code, err = _run(monkeypatch, capsys, url, *argv)
    line = _one_line(err)
    assert code == 2 and "không kết nối được máy chủ 127.0.0.1:9" in line
    assert "secret-pw" not in line


def test_kb_gaps_on_a_database_without_tables_says_to_upgrade(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    name = f"xabot_empty_{uuid.uuid4().hex[:8]}"
    asyncio.run(_pg_admin_execute(f'CREATE DATABASE "{name}"'))
    try:
        url = str(make_url(PG_URL).set(database=name))
        code, err = _run(monkeypatch, capsys, url, "kb", "gaps")
    finally:
        asyncio.run(_pg_admin_execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    line = _one_line(err)
    assert code == 2 and "chưa có bảng" in line and "python -m bot db upgrade" in line


def test_kb_gaps_does_not_create_a_missing_sqlite_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "var" / "bot.db"
    code, err = _run(monkeypatch, capsys, f"sqlite+aiosqlite:///{target}", "kb", "gaps")
    assert code == 2 and "chưa có tệp SQLite" in _one_line(err)
    assert not target.exists() and not target.parent.exists()


@pytest.mark.parametrize(
    ("argv", "words", "hint"),
    [
        (
            ("staff", "add", "x.y", "--role", "boss"),
            "không có vai trò «boss»; dùng một trong: admin, office",
            "python -m bot staff add --help",
        ),
        (("khong-co",), "không có lệnh «khong-co» (có: run, ask,", "python -m bot --help"),
        (("staff", "add"), "thiếu USERNAME, --role", "python -m bot staff add --help"),
        (("run", "--port", "abc"), "--port cần một số nguyên", "python -m bot run --help"),
        (("ask", "--la"), "không hiểu «--la»", "python -m bot --help"),
        (("db",), "thiếu ACTION", "python -m bot db --help"),
    ],
)
def test_usage_mistakes_are_one_vietnamese_line_with_the_help_hint(
    argv: tuple[str, ...],
    words: str,
    hint: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, err = _run(monkeypatch, capsys, None, *argv)
    line = _one_line(err)
    assert code == 2
    assert line.startswith("Lỗi: ") and words in line and f"'{hint}'" in line
    assert "error:" not in line and "invalid choice" not in line


def test_an_sqlite_file_that_cannot_be_created_is_named(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    url = "sqlite+aiosqlite:////proc/xabot-nope/bot.db"  # /proc takes no new folder
    code, err = _run(monkeypatch, capsys, url, "db", "upgrade")
    line = _one_line(err)
    assert (
        code == 2 and "không mở hoặc không ghi được tệp SQLite «/proc/xabot-nope/bot.db»" in line
    )
