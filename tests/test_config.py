"""Configuration: defaults, .env, and one clear line for each bad value."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.config import ConfigError, load_settings

ROOT = Path(__file__).resolve().parents[1]


def test_defaults_need_no_configuration() -> None:
    settings = load_settings(env={}, dotenv=None)
    assert settings.database_url.startswith("sqlite+aiosqlite:///")
    assert settings.database_url.endswith("var/bot.db")
    assert (settings.host, settings.port) == ("127.0.0.1", 8080)
    assert not settings.telegram_enabled and not settings.zalo_enabled


def test_dotenv_is_read_and_the_environment_wins(tmp_path: Path) -> None:
    dotenv = tmp_path / ".env"
    dotenv.write_text('# comment\nBOT_PORT=9001\nBOT_HOST="0.0.0.0"\n', encoding="utf-8")
    settings = load_settings(env={"BOT_PORT": "9002"}, dotenv=dotenv)
    assert settings.port == 9002
    assert settings.host == "0.0.0.0"


@pytest.mark.parametrize(
    ("env", "variable"),
    [
        ({"DATABASE_URL": "mysql://x"}, "DATABASE_URL"),
        ({"DATABASE_URL": "not a url"}, "DATABASE_URL"),
        ({"DATABASE_URL": "postgresql://postgres@localhost/x"}, "DATABASE_URL"),
        ({"BOT_PORT": "70000"}, "BOT_PORT"),
        ({"BOT_PORT": "http"}, "BOT_PORT"),
        ({"COMMUNE_PROFILE": "/nonexistent/profile.yaml"}, "COMMUNE_PROFILE"),
        ({"KNOWLEDGE_DIR": "/nonexistent/kb"}, "KNOWLEDGE_DIR"),
        ({"ZALO_APP_ID": "123"}, "ZALO_APP_SECRET"),
        (
            {"TELEGRAM_WEBHOOK_URL": "https://bot.example/webhook/telegram"},
            "TELEGRAM_WEBHOOK_SECRET",
        ),
        ({"TELEGRAM_API_BASE_URL": "ftp://x"}, "TELEGRAM_API_BASE_URL"),
    ],
)
def test_bad_values_name_the_variable(env: dict[str, str], variable: str) -> None:
    with pytest.raises(ConfigError) as info:
        load_settings(env=env, dotenv=None)
    assert info.value.variable == variable


def _run_cli(*args: str, env: dict[str, str] | None = None, cwd: Path | None = None):
    full_env = {k: v for k, v in os.environ.items() if not k.startswith(("BOT_", "DATABASE_"))}
    full_env.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        capture_output=True,
        text=True,
        env=full_env,
        cwd=cwd or ROOT,
        timeout=120,
    )


@pytest.mark.parametrize(
    ("env", "variable"),
    [
        ({"DATABASE_URL": "postgres:/broken"}, "DATABASE_URL"),
        ({"BOT_PORT": "0"}, "BOT_PORT"),
    ],
)
def test_run_stops_with_one_line_naming_the_variable(env, variable, tmp_path: Path) -> None:
    result = _run_cli("run", env=env, cwd=tmp_path)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert variable in lines[0]
    assert "Traceback" not in result.stderr


def test_unreadable_profile_stops_run_with_one_line(tmp_path: Path) -> None:
    profile = tmp_path / "profile.yaml"
    profile.write_text("id: x\nname: [unclosed\n", encoding="utf-8")
    result = _run_cli("run", env={"COMMUNE_PROFILE": str(profile)}, cwd=tmp_path)
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert "COMMUNE_PROFILE" in result.stderr
