"""The reports' XLSX, made wholly by a child process: rows read, cells built, the book saved.

Feeding the child from the server (pages read there, cells built there, pickled down a pipe)
still kept the server's event loop busy a few milliseconds per page of 250 rows and made the
garbage collector walk the whole server's heap now and then: single ``/healthz`` polls waited
up to 209 ms during a year's export. Now the server sends the child a small ``XlsxJob`` — the
database URL, the period, the summary lines and the names a stored key is shown as (plain
dictionaries, ``Names``) — and waits for the saved file; the child opens its own connection,
reads the keyset pages (``storage.reports``) and writes them with ``bot.xlsx_book``, at a lower
CPU priority than the server. Imports stay light (no ``handlers``, no ``bot.staff``: the matcher
and its libraries are never loaded here), except the text masking, imported only for a role
that may not read contact details. The CSV export builds its rows with the same ``list_row``.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import os
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import Any

from bot.xlsx_book import Column, StreamedBook
from knowledge.working_days import is_working_day
from storage import reports as reports_repo
from storage.db import Database

HAS_SUMMARY = reports_repo.SUMMARY_COLUMN is not None
LIST_COLUMNS = [
    Column("Mã kiến nghị", 12),
    Column("Ngày tiếp nhận", 13),
    Column("Kênh tiếp nhận", 16),
    Column("Lĩnh vực", 24),
    Column("Ban phụ trách", 22),
    Column("Thôn", 14),
    Column("Nội dung", 60, wrap=True),
    *([Column("Nội dung tóm tắt", 48, wrap=True)] if HAS_SUMMARY else []),
    Column("Trạng thái", 20),
    Column("Cơ quan giải quyết", 22),
    Column("Số văn bản chuyển", 16),
    Column("Hạn trả lời", 13),
    Column("Ngày trả lời", 13),
    Column("Trả lời đúng hạn", 12),
    Column("Nội dung trả lời", 60, wrap=True),
    Column("Đánh giá của cử tri", 20),
]
SUMMARY_COLUMNS = [Column("Chỉ tiêu", 48), Column("Số lượng", 14), Column("", 10)]
LATE_COLUMNS = [
    Column("Mã kiến nghị", 12),
    Column("Hạn trả lời", 13),
    Column("Số ngày làm việc quá hạn", 12),
    Column("Trạng thái", 20),
    Column("Lĩnh vực", 24),
    Column("Ban phụ trách", 22),
    Column("Cơ quan giải quyết", 22),
    Column("Nội dung", 70, wrap=True),
]
NICENESS = 10  # the child yields the CPU to the server (chat, webhooks, /healthz)


@dataclass(frozen=True)
class Names:
    """What a cell shows for a stored key (the dashboard's labels and the profile's names), and
    whether the staff member may read contact details (else they are masked in the texts)."""

    channels: dict[str, str]
    statuses: dict[str, str]
    categories: dict[str, str]
    committees: dict[str, str]
    villages: dict[str, str]
    satisfaction: dict[str, str]
    personal: bool
    tz: dt.tzinfo  # Vietnam's: the day a moment falls on there
    days_off: Any  # the profile's holidays (knowledge.working_days.DaysOff or a set of dates)

    def text(self, value: str | None, contact_name: str | None) -> str:
        if value is None:
            return ""
        if self.personal:
            return value
        from bot.staff.masking import for_role  # heavy (handlers): only for the roles it needs

        return for_role(value, False, [contact_name])

    def day(self, moment: dt.datetime | None) -> dt.date | None:
        return moment.astimezone(self.tz).date() if moment is not None else None


def _named(names: dict[str, str], key: str | None) -> str:
    return names.get(key, key) if key else ""


def list_row(row: Any, names: Names) -> list[Any]:
    """One petition's cells (without STT): dates as dates; the text masked for a role that may
    not see contact details; "Đúng hạn" when answered on or before the due day in Vietnam."""
    answered = names.day(row.answered_at)
    verdict = None if answered is None or row.due_date is None else answered <= row.due_date
    summary = [getattr(row, "summary", None) or ""] if HAS_SUMMARY else []
    return [
        row.code,
        names.day(row.created_at),
        names.channels.get(row.intake_channel or "", row.intake_channel or ""),
        _named(names.categories, row.category),
        _named(names.committees, row.committee),
        _named(names.villages, row.village),
        names.text(row.content, row.contact_name),
        *summary,
        names.statuses.get(row.status, row.status),
        row.forwarded_to or "",
        row.forward_doc_no or "",
        row.due_date,
        answered,
        "" if verdict is None else ("Đúng hạn" if verdict else "Quá hạn"),
        row.answer or "",
        names.satisfaction.get(row.satisfaction or "", row.satisfaction or ""),
    ]


def working_days_between(start: dt.date, end: dt.date, days_off: Any) -> int:
    """Working days after ``start`` up to ``end`` (negative when earlier), as
    ``handlers.workflow.calendar.working_days_between`` counts them."""
    sign = 1 if end >= start else -1
    low, high = (start, end) if sign > 0 else (end, start)
    count, current = 0, low
    while current < high:
        current += dt.timedelta(days=1)
        count += is_working_day(current, days_off)
    return sign * count


def late_row(row: Any, names: Names, today: dt.date, late_days: Callable[[dt.date], int]) -> list:
    return [
        row.code,
        row.due_date,
        late_days(row.due_date),
        names.statuses.get(row.status, row.status),
        _named(names.categories, row.category),
        _named(names.committees, row.committee),
        row.forwarded_to or "",
        names.text(row.content, row.contact_name),
    ]


@dataclass(frozen=True)
class XlsxJob:
    """Everything the child needs, pickled once when it starts."""

    database_url: str
    commune_id: str
    start: dt.datetime  # the period, UTC
    end: dt.datetime
    committee: str | None
    awaiting: tuple[str, ...]  # statuses still waiting for an answer
    due_by: dt.date  # the last due day that is overdue
    today: dt.date
    summary: list[list[Any]]  # the "Tổng hợp" sheet's lines
    names: Names
    page_rows: int


async def pages(
    db: Database,
    fetch: Callable[..., Any],
    keyset: Callable[[Any], tuple[Any, int]],
    size: int,
    **query: Any,
) -> AsyncIterator[list[Any]]:
    """Every row of a query, a page of ``size`` per short read transaction."""
    after = None
    while True:
        async with db.read() as session:
            rows = await fetch(session, after=after, size=size, **query)
        if not rows:
            return
        yield rows
        if len(rows) < size:
            return
        after = keyset(rows[-1])


def period_pages(db: Database, job: XlsxJob) -> AsyncIterator[list[Any]]:
    return pages(
        db,
        reports_repo.petition_rows_page,
        lambda row: (row.created_at, row.id),
        job.page_rows,
        commune_id=job.commune_id,
        start=job.start,
        end=job.end,
        committee=job.committee,
    )


def _overdue_pages(db: Database, job: XlsxJob) -> AsyncIterator[list[Any]]:
    return pages(
        db,
        reports_repo.awaiting_page,
        lambda row: (row.due_date, row.id),
        job.page_rows,
        commune_id=job.commune_id,
        statuses=job.awaiting,
        due_by=job.due_by,
        committee=job.committee,
    )


async def _write(job: XlsxJob, path: str) -> None:
    names = job.names
    days: dict[dt.date, int] = {}

    def late_days(due: dt.date) -> int:
        if due not in days:
            days[due] = working_days_between(due, job.today, names.days_off)
        return days[due]

    db = Database(job.database_url, pool_size=1, max_overflow=0)
    try:
        book = StreamedBook()
        book.append(book.sheet("Tổng hợp", SUMMARY_COLUMNS, stt=False), job.summary)
        listing = book.sheet("Danh sách kiến nghị", LIST_COLUMNS)
        async for rows in period_pages(db, job):
            book.append(listing, (list_row(row, names) for row in rows))
        late = book.sheet("Quá hạn", LATE_COLUMNS)
        async for rows in _overdue_pages(db, job):
            book.append(late, (late_row(row, names, job.today, late_days) for row in rows))
        book.save(path)
    finally:
        await db.dispose()


async def _ended(sentinel: int) -> None:
    """Until the child has exited (its sentinel becomes readable); no thread, no polling."""
    loop = asyncio.get_running_loop()
    ended = loop.create_future()
    loop.add_reader(sentinel, lambda: ended.done() or ended.set_result(None))
    try:
        await ended
    finally:
        loop.remove_reader(sentinel)


def write_book(job: XlsxJob, path: str) -> None:
    """The child process: the whole workbook, saved at ``path``."""
    asyncio.run(_write(job, path))


async def run_child(job: XlsxJob, path: str) -> None:
    """Write the workbook in a spawned child and wait for it without blocking the event loop;
    RuntimeError when it failed. A cancelled request stops the child."""
    import multiprocessing

    process = multiprocessing.get_context("spawn").Process(
        target=write_book, args=(job, path), daemon=True
    )
    await asyncio.to_thread(process.start)
    try:
        with contextlib.suppress(OSError):  # at once: its imports are work too
            priority = os.getpriority(os.PRIO_PROCESS, 0) + NICENESS
            os.setpriority(os.PRIO_PROCESS, process.pid or 0, priority)
        await _ended(process.sentinel)
    finally:
        if process.exitcode is None:
            process.terminate()
        await asyncio.to_thread(process.join)
    code = process.exitcode
    process.close()
    if code != 0:
        raise RuntimeError(f"the XLSX writer exited with {code}")
