"""Shared fixtures: every storage-touching test runs on SQLite and on PostgreSQL.

PostgreSQL is found at TEST_POSTGRES_URL (default: postgres@127.0.0.1:5432/test). Each test gets a
fresh database cloned from a migrated template (``CREATE DATABASE … TEMPLATE``), because the
concurrency tests need real commits, not a rolled-back outer transaction. When PostgreSQL is not
reachable those tests are skipped — except on CI (``CI=true``), where they fail.

Two switches make the suite fast and are inherited by every ``python -m bot`` a test starts:
argon2's cheapest parameters (bot/staff/passwords.py) and a folder of fitted matcher models
keyed by their training data and code (knowledge/training.py), so no CLI process trains again.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import os
import shutil
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

# Before the project's modules are imported: the password hasher is built at import time.
os.environ.setdefault("XABOT_TEST_CHEAP_ARGON2", "1")
os.environ.setdefault(
    "XABOT_MATCHER_CACHE",
    str(Path(os.environ.get("TMPDIR", "/tmp")) / f"xabot-models-{os.getuid()}"),
)

import pytest
from sqlalchemy.engine import make_url

from bot.config import load_settings
from storage.db import Database

PG_URL = os.environ.get("TEST_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test")
ON_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
TEMPLATE_DB = f"xabot_template_{os.getpid()}"

_pg_state: dict[str, Any] = {}


class FakeClock:
    """A clock tests move by hand (expiry, backoff, due dates)."""

    def __init__(self, start: dt.datetime | None = None) -> None:
        self.now = start or dt.datetime(2026, 11, 16, 2, 0, tzinfo=dt.UTC)  # a Monday, 9:00 ICT

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, **delta: float) -> dt.datetime:
        self.now += dt.timedelta(**delta)
        return self.now


async def _pg_admin_execute(*statements: str) -> None:
    import asyncpg

    url = make_url(PG_URL)
    conn = await asyncpg.connect(
        host=url.host or "127.0.0.1",
        port=url.port or 5432,
        user=url.username or "postgres",
        password=url.password,
        database=url.database or "postgres",
        timeout=5,
    )
    try:
        for statement in statements:
            await conn.execute(statement)
    finally:
        await conn.close()


async def _pg_template() -> str | None:
    """Create and migrate the template database once per session; None if PG is unreachable."""
    if "ok" in _pg_state:
        return TEMPLATE_DB if _pg_state["ok"] else None
    try:
        await _pg_admin_execute(
            f'DROP DATABASE IF EXISTS "{TEMPLATE_DB}" WITH (FORCE)',
            f'CREATE DATABASE "{TEMPLATE_DB}"',
        )
        db = Database(str(make_url(PG_URL).set(database=TEMPLATE_DB)))
        await db.upgrade()
        await db.dispose()
        _pg_state["ok"] = True
    except (TimeoutError, OSError) as err:
        _pg_state["ok"] = False
        _pg_state["error"] = repr(err)
    return TEMPLATE_DB if _pg_state["ok"] else None


def _require_pg() -> None:
    message = f"PostgreSQL không có ở {PG_URL}: {_pg_state.get('error')}"
    if ON_CI:
        pytest.fail(message + " (trên CI các kiểm thử PostgreSQL phải chạy)")
    pytest.skip(message)


_sqlite_template: dict[str, Path] = {}


async def _sqlite_url(tmp_path: Path) -> str:
    """A migrated SQLite file, copied from one migrated once per session."""
    # Blocking file operations are fine here: test set-up on tiny files.
    if "path" not in _sqlite_template:
        base = Path(os.environ.get("PYTEST_TMP_TEMPLATE", "/tmp")) / f"xabot-{os.getpid()}.db"
        for suffix in ("", "-wal", "-shm"):
            Path(str(base) + suffix).unlink(missing_ok=True)
        db = Database(f"sqlite+aiosqlite:///{base}")
        await db.upgrade()
        await db.dispose()  # closing the last connection checkpoints the WAL into the file
        _sqlite_template["path"] = base
    target = tmp_path / "bot.db"
    shutil.copyfile(_sqlite_template["path"], target)
    return f"sqlite+aiosqlite:///{target}"


@pytest.fixture(params=["sqlite", "postgresql"])
async def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    """A fresh, migrated database URL on each backend."""
    if request.param == "sqlite":
        yield await _sqlite_url(tmp_path)
        return
    template = await _pg_template()
    if template is None:
        _require_pg()
    name = f"xabot_t_{uuid.uuid4().hex[:12]}"
    await _pg_admin_execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
    try:
        yield str(make_url(PG_URL).set(database=name))
    finally:
        await _pg_admin_execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def content() -> Any:
    """The bundled profile, knowledge base and matcher, loaded once."""
    from bot.runtime import load_content

    return load_content(load_settings(env={}, dotenv=None))


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


def make_settings(db_url: str, **env: str) -> Any:
    return load_settings(env={"DATABASE_URL": db_url, **env}, dotenv=None)


@pytest.fixture
async def runtime(db_url: str, clock: FakeClock, content: Any) -> AsyncIterator[Any]:
    """A runtime on a fresh database with a fake clock; the worker is driven by hand."""
    from bot.runtime import build_runtime

    rt = await build_runtime(
        make_settings(db_url),
        clock=clock,
        migrate=False,
        content=content,
        worker_options={"jitter": 0.0},
    )
    try:
        yield rt
    finally:
        await rt.close()


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
def artifacts_dir() -> Iterator[Path]:
    path = Path(os.environ.get("TEST_ARTIFACTS", "test-artifacts"))
    path.mkdir(parents=True, exist_ok=True)
    yield path


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if _pg_state.get("ok"):
        # Best effort: a leftover template database is harmless.
        with contextlib.suppress(Exception):
            asyncio.run(_pg_admin_execute(f'DROP DATABASE IF EXISTS "{TEMPLATE_DB}" WITH (FORCE)'))
    path = _sqlite_template.get("path")
    if path:
        for suffix in ("", "-wal", "-shm"):
            Path(str(path) + suffix).unlink(missing_ok=True)
