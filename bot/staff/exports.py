"""The reports' exports: XLSX (openpyxl, write-only) and CSV, for council staff who live in Excel.

The same numbers as the reports page (``bot.staff.reports``), and every petition of the period and
every overdue one — no row cap: the rows are read in keyset pages (``storage.reports``) and written
as they come: the XLSX wholly by a child process (``bot.xlsx_export``: it reads the pages, builds
the cells and saves a temporary file, then sent in chunks — the server's event loop only waits),
the CSV straight into the response; so chat and ``/healthz`` keep answering during a year's export.
Cells a council office can paste: STT, real dates and numbers, the staff summary where the schema
has one, the citizen's verdict. The CSV has a UTF-8 byte-order mark so Excel opens Vietnamese text
correctly. Exports carry no personal data (no names, phones or locations). Any cell that starts
like a formula (``=``, ``+``, ``-``, ``@``, a tab or a line break) is written as text: a citizen's
words must never run in a staff member's Excel — in XLSX also after the cell is edited (Excel's
"quote prefix"). Characters XML cannot hold (control characters a citizen can type into the web
chat) are dropped from XLSX cells: one such petition used to make the whole month's export fail.
"""

from __future__ import annotations

import asyncio
import csv
import datetime as dt
import io
import os
import tempfile
from typing import Any

from aiohttp import web

from bot.staff import present
from bot.staff.auth import page
from bot.staff.config import config
from bot.staff.dates import fmt_date, fmt_datetime
from bot.staff.forms import BadInput
from bot.staff.labels import Labels
from bot.staff.pages import error_page, secure_headers
from bot.staff.petitions import SATISFACTION_LABELS
from bot.staff.reports import (
    DIMENSION_TITLES,
    Report,
    build_report,
    deadline_window,
    parse_period,
)
from bot.staff.roles import StaffUser
from bot.xlsx_book import FORMULA_STARTS, Bold, Percent, xlsx_text
from bot.xlsx_export import LIST_COLUMNS, Names, XlsxJob, list_row, period_pages, run_child
from handlers.workflow import calendar
from knowledge.profile import CommuneProfile
from knowledge.working_days import DaysOff

__all__ = ["FORMULA_STARTS", "LIST_HEADERS", "export_csv", "export_xlsx", "xlsx_text"]

PAGE_ROWS = 250  # rows per read: short transactions (and short turns of the CSV's event loop)
CHUNK = 256 * 1024
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
LIST_HEADERS = ["STT", *(c.header for c in LIST_COLUMNS)]


def _text_cell(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _names(profile: CommuneProfile, labels: Labels, user: StaffUser) -> Names:
    """The labels and names of this commune, as plain data a child process can be given."""
    holidays = profile.petitions.holidays
    return Names(
        channels=dict(labels.channels),
        statuses=dict(labels.status),
        categories={c.id: present.category_name(profile, c.id) for c in profile.categories},
        committees={c.id: present.committee_name(profile, c.id) for c in profile.committees},
        villages={v.id: present.village_name(profile, v.id) for v in profile.villages},
        satisfaction=dict(SATISFACTION_LABELS),
        personal=user.can("personal"),
        tz=calendar.VN_TZ,
        days_off=holidays if isinstance(holidays, DaysOff) else frozenset(holidays),
    )


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


def _job(runtime: Any, report: Report, names: Names) -> XlsxJob:
    today = calendar.vn_today(report.generated_at)
    last_overdue, _ = deadline_window(runtime.profile, today)
    return XlsxJob(
        database_url=runtime.db.url,
        commune_id=runtime.profile.id,
        start=report.period.start_utc,
        end=report.period.end_utc,
        committee=report.committee,
        awaiting=tuple(present.AWAITING),
        due_by=last_overdue,
        today=today,
        summary=_summary_lines(report, runtime.profile),
        names=names,
        page_rows=PAGE_ROWS,
    )


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
        names = _names(cfg.runtime.profile, cfg.labels, request["staff_user"])
        await run_child(_job(cfg.runtime, report, names), path)
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
    names = _names(cfg.runtime.profile, cfg.labels, request["staff_user"])
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
    job = _job(cfg.runtime, report, names)
    async for rows in period_pages(cfg.runtime.db, job):
        lines = []
        for row in rows:
            number += 1
            lines.append([number, *(_csv_value(v) for v in list_row(row, names))])
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
