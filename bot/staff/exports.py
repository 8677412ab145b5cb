"""The reports' exports: XLSX (openpyxl, write-only) and CSV, for council staff who live in Excel.

The same numbers as the reports page (``bot.staff.reports``), and every petition of the period
and every overdue one — no row cap: the rows are read in keyset pages (``storage.reports``) and
written as they come, the XLSX by ``bot.xlsx_book`` in a child process (to a temporary
file, then sent in chunks), the CSV straight into the response; the event loop only fetches
pages, so chat and ``/healthz`` keep answering during a year's export. Cells a council office can
paste: STT, real dates and numbers, the staff summary where the schema has one, the citizen's
verdict. The CSV has a UTF-8 byte-order mark so Excel opens Vietnamese text correctly. Exports
carry no personal data (no names, phones or locations). Any cell that starts like a formula
(``=``, ``+``, ``-``, ``@``, a tab or a line break) is written as text: a citizen's words must
never run in a staff member's Excel — in XLSX also after the cell is edited (Excel's "quote
prefix"). Characters XML cannot hold (control characters a citizen can type into the web chat)
are dropped from XLSX cells: one such petition used to make the whole month's export fail.
"""

from __future__ import annotations

import asyncio
import csv
import datetime as dt
import io
import os
import tempfile
from collections.abc import AsyncIterator, Callable
from typing import Any

from aiohttp import web

from bot.staff import present
from bot.staff.auth import page
from bot.staff.config import config
from bot.staff.dates import fmt_date, fmt_datetime
from bot.staff.forms import BadInput
from bot.staff.labels import Labels
from bot.staff.masking import petition_text
from bot.staff.pages import error_page, secure_headers
from bot.staff.petitions import SATISFACTION_LABELS
from bot.staff.reports import (
    DIMENSION_TITLES,
    Report,
    answered_on_time,
    build_report,
    deadline_window,
    parse_period,
)
from bot.staff.roles import StaffUser
from bot.xlsx_book import FORMULA_STARTS, Bold, BookProcess, Column, Percent, xlsx_text
from handlers.workflow import calendar
from knowledge.profile import CommuneProfile
from storage import reports as reports_repo

__all__ = ["FORMULA_STARTS", "LIST_HEADERS", "export_csv", "export_xlsx", "xlsx_text"]

PAGE_ROWS = 250  # rows per read and per message to the writer: short turns of the event loop
CHUNK = 256 * 1024
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
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
LIST_HEADERS = ["STT", *(c.header for c in LIST_COLUMNS)]
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


def _text_cell(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _day(value: dt.datetime | None) -> dt.date | None:
    return calendar.vn_today(value) if value is not None else None


def _list_row(row: Any, profile: CommuneProfile, labels: Labels, user: StaffUser) -> list[Any]:
    """One petition's cells (without STT): dates as dates, for the XLSX; the text masked for a
    role that may not see contact details."""
    verdict = answered_on_time(row.answered_at, row.due_date)
    summary = [getattr(row, "summary", None) or ""] if HAS_SUMMARY else []
    return [
        row.code,
        _day(row.created_at),
        labels.channel_label(row.intake_channel),
        present.category_name(profile, row.category),
        present.committee_name(profile, row.committee),
        present.village_name(profile, row.village),
        petition_text(row.content, row, user),
        *summary,
        labels.status_label(row.status),
        row.forwarded_to or "",
        row.forward_doc_no or "",
        row.due_date,
        _day(row.answered_at),
        "" if verdict is None else ("Đúng hạn" if verdict else "Quá hạn"),
        row.answer or "",
        SATISFACTION_LABELS.get(row.satisfaction or "", row.satisfaction or ""),
    ]


def _late_row(
    row: Any, profile: CommuneProfile, labels: Labels, today: dt.date, user: StaffUser
) -> list[Any]:
    return [
        row.code,
        row.due_date,
        calendar.working_days_between(row.due_date, today, profile.petitions.holidays),
        labels.status_label(row.status),
        present.category_name(profile, row.category),
        present.committee_name(profile, row.committee),
        row.forwarded_to or "",
        petition_text(row.content, row, user),
    ]


def _csv_value(value: Any) -> Any:
    if isinstance(value, dt.date):
        return fmt_date(value)
    return _text_cell(value)


def _filename(report: Report, ext: str) -> str:
    return f"bao-cao-kien-nghi-{report.period.start:%Y%m%d}-{report.period.end:%Y%m%d}.{ext}"


def _summary_lines(report: Report, profile: CommuneProfile) -> list[list[Any]]:
    share = report.on_time_share
    lines: list[list[Any]] = [
        [Bold(f"BÁO CÁO KIẾN NGHỊ CỬ TRI — HĐND {profile.name}".upper())],
        ["Kỳ báo cáo", report.period.label],
        ["Lập lúc", fmt_datetime(report.generated_at)],
    ]
    if report.committee:
        lines.append(["Phạm vi", present.committee_name(profile, report.committee)])
    lines += [
        [],
        ["Tổng số kiến nghị tiếp nhận trong kỳ", report.total],
        ["Số kiến nghị được trả lời trong kỳ", report.answered],
        ["  trong đó trả lời đúng hạn", report.on_time],
        ["  trả lời quá hạn", report.late],
        ["  không có hạn (trả lời trực tiếp)", report.no_due],
        ["Tỷ lệ trả lời đúng hạn", Percent(share) if share is not None else "—"],
        ["Kiến nghị đang quá hạn (tính đến ngày lập)", report.overdue_total],
        ["Kiến nghị sắp đến hạn", report.nearly_total],
    ]
    for dimension, title in DIMENSION_TITLES.items():
        lines += [[], [Bold(title.upper()), Bold("Số lượng"), Bold("Tỷ lệ")]]
        for item in report.tables[dimension]:
            lines.append([item["label"], item["count"], Percent(item["share"])])
    return lines


async def _pages(
    runtime: Any,
    fetch: Callable[..., Any],
    keyset: Callable[[Any], tuple[Any, int]],
    **query: Any,
) -> AsyncIterator[list[Any]]:
    """Every row of a query, a page (``PAGE_ROWS``) per short read transaction."""
    after = None
    while True:
        async with runtime.db.read() as session:
            rows = await fetch(session, after=after, size=PAGE_ROWS, **query)
        if not rows:
            return
        yield rows
        if len(rows) < PAGE_ROWS:
            return
        after = keyset(rows[-1])


def _period_rows(runtime: Any, report: Report) -> AsyncIterator[list[Any]]:
    return _pages(
        runtime,
        reports_repo.petition_rows_page,
        lambda row: (row.created_at, row.id),
        commune_id=runtime.profile.id,
        start=report.period.start_utc,
        end=report.period.end_utc,
        committee=report.committee,
    )


def _overdue_rows(runtime: Any, report: Report, today: dt.date) -> AsyncIterator[list[Any]]:
    last_overdue, _ = deadline_window(runtime.profile, today)
    return _pages(
        runtime,
        reports_repo.awaiting_page,
        lambda row: (row.due_date, row.id),
        commune_id=runtime.profile.id,
        statuses=present.AWAITING,
        due_by=last_overdue,
        committee=report.committee,
    )


async def _write_xlsx(
    runtime: Any, report: Report, labels: Labels, user: StaffUser, path: str
) -> None:
    """Feed the child process that writes the workbook, a page at a time."""
    profile = runtime.profile
    today = calendar.vn_today(report.generated_at)
    book = BookProcess(path)
    try:
        await book.sheet("Tổng hợp", SUMMARY_COLUMNS, stt=False)
        await book.append("Tổng hợp", _summary_lines(report, profile))
        await book.sheet("Danh sách kiến nghị", LIST_COLUMNS)
        async for rows in _period_rows(runtime, report):
            await book.append(
                "Danh sách kiến nghị", [_list_row(row, profile, labels, user) for row in rows]
            )
        await book.sheet("Quá hạn", LATE_COLUMNS)
        async for rows in _overdue_rows(runtime, report, today):
            await book.append(
                "Quá hạn", [_late_row(row, profile, labels, today, user) for row in rows]
            )
        await book.save()
    finally:
        await book.close()


async def _send_file(
    request: web.Request, path: str, filename: str, content_type: str
) -> web.StreamResponse:
    handle = await asyncio.to_thread(open, path, "rb")
    try:
        size = await asyncio.to_thread(os.fstat, handle.fileno())
        response = web.StreamResponse(
            headers={
                "Content-Type": content_type,
                "Content-Disposition": f'attachment; filename="{filename}"',
                "Content-Length": str(size.st_size),
            }
        )
        secure_headers(response)
        await response.prepare(request)
        while chunk := await asyncio.to_thread(handle.read, CHUNK):
            await response.write(chunk)
    finally:
        handle.close()
    await response.write_eof()
    return response


@page("reports")
async def export_xlsx(request: web.Request) -> web.StreamResponse:
    report = await _export_report(request)
    if isinstance(report, web.StreamResponse):
        return report
    cfg = config(request)
    fd, path = await asyncio.to_thread(tempfile.mkstemp, prefix="xabot-export-", suffix=".xlsx")
    os.close(fd)
    try:
        await _write_xlsx(cfg.runtime, report, cfg.labels, request["staff_user"], path)
        return await _send_file(request, path, _filename(report, "xlsx"), XLSX_TYPE)
    finally:
        await asyncio.to_thread(os.unlink, path)


def _csv_lines(rows: list[list[Any]]) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue().encode("utf-8")


@page("reports")
async def export_csv(request: web.Request) -> web.StreamResponse:
    report = await _export_report(request)
    if isinstance(report, web.StreamResponse):
        return report
    cfg = config(request)
    profile, labels = cfg.runtime.profile, cfg.labels
    user: StaffUser = request["staff_user"]
    response = web.StreamResponse(
        headers={
            "Content-Type": "text/csv; charset=utf-8",
            "Content-Disposition": f'attachment; filename="{_filename(report, "csv")}"',
        }
    )
    secure_headers(response)
    await response.prepare(request)
    await response.write("\ufeff".encode() + _csv_lines([LIST_HEADERS]))
    number = 0
    async for rows in _period_rows(cfg.runtime, report):
        lines = []
        for row in rows:
            number += 1
            lines.append([number, *(_csv_value(v) for v in _list_row(row, profile, labels, user))])
        await response.write(await asyncio.to_thread(_csv_lines, lines))
    await response.write_eof()
    return response


async def _export_report(request: web.Request) -> Report | web.StreamResponse:
    """The report an export asks for (its rows are read as they are written); or the error
    page for a bad period."""
    cfg = config(request)
    user: StaffUser = request["staff_user"]
    try:
        period = parse_period(request.query, calendar.vn_today(cfg.now()))
    except BadInput as err:
        return error_page(request, 400, "Kỳ báo cáo không hợp lệ", err.message)
    return await build_report(cfg.runtime, period, user)
