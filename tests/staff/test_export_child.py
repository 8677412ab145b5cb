"""The XLSX is made wholly by a child process (``bot.xlsx_export``): its light copy of the working
day count agrees with the calendar's, it loads neither the handlers nor the matcher, and a
request that goes away stops it."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import subprocess
import sys
from pathlib import Path

from bot import xlsx_export
from handlers.workflow import calendar
from knowledge.working_days import DaysOff

ROOT = Path(__file__).resolve().parents[2]


def test_the_childs_working_days_are_the_calendars() -> None:
    off = DaysOff(
        extra=frozenset({dt.date(2026, 11, 20)}), worked=frozenset({dt.date(2026, 11, 21)})
    )
    today = dt.date(2026, 12, 2)
    for back in range(0, 400, 7):
        due = today - dt.timedelta(days=back)
        for days_off in (off, frozenset({dt.date(2026, 9, 2)})):
            expected = calendar.working_days_between(due, today, days_off)
            assert xlsx_export.working_days_between(due, today, days_off) == expected, due


def test_the_child_imports_no_handlers_and_no_matcher() -> None:
    code = "import sys, bot.xlsx_export; print(sorted({m.split('.')[0] for m in sys.modules}))"
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True
    ).stdout
    assert "'handlers'" not in out and "'sklearn'" not in out and "'aiohttp'" not in out


async def test_a_cancelled_export_stops_its_child(tmp_path: Path, monkeypatch) -> None:
    started = asyncio.Event()
    real = xlsx_export._ended

    async def watching(sentinel: int) -> None:
        started.set()
        await real(sentinel)

    monkeypatch.setattr(xlsx_export, "_ended", watching)
    job = xlsx_export.XlsxJob(
        database_url=f"sqlite+aiosqlite:///{tmp_path / 'none.db'}",
        commune_id="x",
        start=dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
        end=dt.datetime(2027, 1, 1, tzinfo=dt.UTC),
        committee=None,
        awaiting=(),
        due_by=dt.date(2026, 12, 1),
        today=dt.date(2026, 12, 2),
        summary=[],
        names=xlsx_export.Names({}, {}, {}, {}, {}, {}, True, calendar.VN_TZ, frozenset()),
        page_rows=10,
    )
    task = asyncio.create_task(xlsx_export.run_child(job, str(tmp_path / "out.xlsx")))
    await asyncio.wait_for(started.wait(), 30)
    import multiprocessing

    processes = multiprocessing.active_children()
    assert processes  # the child runs
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task
    assert all(not p.is_alive() for p in processes)
    assert not (tmp_path / "out.xlsx").exists()
