"""The reports' exports: XLSX (openpyxl) and CSV, for council staff who live in Excel.

The same numbers as the reports page (``bot.staff.reports``). The CSV has a UTF-8 byte-order
mark so Excel opens Vietnamese text correctly. Exports carry no personal data (no names, phones
or locations). Any cell that starts like a formula (``=``, ``+``, ``-``, ``@``, a tab or a line
break) is written as text: a citizen's words must never run in a staff member's Excel — in XLSX
also after the cell is edited (Excel's "quote prefix"). Characters XML cannot hold (control
characters a citizen can type into the web chat) are dropped from XLSX cells: one such petition
used to make the whole month's export fail.
"""

from __future__ import annotations

import csv
import io
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
from bot.staff.reports import (
    DIMENSION_TITLES,
    Report,
    answered_on_time,
    build_report,
    parse_period,
)
from bot.staff.roles import StaffUser
from handlers.workflow import calendar
from knowledge.profile import CommuneProfile

LIST_HEADERS = [
    "Mã kiến nghị",
    "Ngày tiếp nhận",
    "Kênh tiếp nhận",
    "Lĩnh vực",
    "Ban phụ trách",
    "Thôn",
    "Nội dung",
    "Trạng thái",
    "Cơ quan giải quyết",
    "Số văn bản chuyển",
    "Hạn trả lời",
    "Ngày trả lời",
    "Trả lời đúng hạn",
    "Nội dung trả lời",
]
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")


def xlsx_text(value: str) -> str:
    """``value`` without the characters an XLSX (XML 1.0) file cannot contain."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    value = ILLEGAL_CHARACTERS_RE.sub("", value)
    # Lone surrogates and U+FFFE/U+FFFF are not XML characters either.
    return "".join(c for c in value if not ("\ud800" <= c <= "\udfff" or c in "\ufffe\uffff"))


def _text_cell(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _list_row(
    petition: Any, profile: CommuneProfile, labels: Labels, user: StaffUser
) -> list[Any]:
    verdict = answered_on_time(petition.answered_at, petition.due_date)
    return [
        petition.code,
        fmt_date(petition.created_at),
        labels.channel_label(petition.intake_channel),
        present.category_name(profile, petition.category),
        present.committee_name(profile, petition.committee),
        present.village_name(profile, petition.village),
        petition_text(petition.content, petition, user),
        labels.status_label(petition.status),
        petition.forwarded_to or "",
        petition.forward_doc_no or "",
        fmt_date(petition.due_date),
        fmt_date(petition.answered_at),
        "" if verdict is None else ("Đúng hạn" if verdict else "Quá hạn"),
        petition.answer or "",
    ]


def _filename(report: Report, ext: str) -> str:
    return f"bao-cao-kien-nghi-{report.period.start:%Y%m%d}-{report.period.end:%Y%m%d}.{ext}"


def _summary_lines(report: Report, profile: CommuneProfile) -> list[list[Any]]:
    share = report.on_time_share
    lines: list[list[Any]] = [
        [f"BÁO CÁO KIẾN NGHỊ CỬ TRI — HĐND {profile.name}".upper()],
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
        [
            "Tỷ lệ trả lời đúng hạn",
            f"{share * 100:.1f}%".replace(".", ",") if share is not None else "—",
        ],
        ["Kiến nghị đang quá hạn (tính đến ngày lập)", len(report.overdue)],
        ["Kiến nghị sắp đến hạn", len(report.nearly)],
    ]
    for dimension, title in DIMENSION_TITLES.items():
        lines += [[], [title.upper(), "Số lượng", "Tỷ lệ"]]
        for item in report.tables[dimension]:
            lines.append([item["label"], item["count"], f"{item['share'] * 100:.1f}%"])
    return lines


@page("reports")
async def export_xlsx(request: web.Request) -> web.StreamResponse:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    report = await _export_report(request)
    if isinstance(report, web.StreamResponse):
        return report
    profile = config(request).runtime.profile
    labels = config(request).labels
    user: StaffUser = request["staff_user"]

    def put(ws: Any, row: int, col: int, value: Any) -> Any:
        if isinstance(value, str):
            value = xlsx_text(value)
        cell = ws.cell(row=row, column=col, value=value)
        if isinstance(value, str):
            cell.data_type = "s"  # never a formula, whatever the text starts with
            if value.startswith(FORMULA_STARTS):
                cell.quotePrefix = True  # and not after a double-click + Enter either
        return cell

    book = Workbook()
    summary = book.active
    summary.title = "Tổng hợp"
    for r, line in enumerate(_summary_lines(report, profile), start=1):
        for c, value in enumerate(line, start=1):
            cell = put(summary, r, c, value)
            if r == 1 or (c == 1 and isinstance(value, str) and value.isupper()):
                cell.font = Font(bold=True)
    summary.column_dimensions["A"].width = 48
    summary.column_dimensions["B"].width = 22

    listing = book.create_sheet("Danh sách kiến nghị")
    for c, header in enumerate(LIST_HEADERS, start=1):
        put(listing, 1, c, header).font = Font(bold=True)
    for r, petition in enumerate(report.rows, start=2):
        for c, value in enumerate(_list_row(petition, profile, labels, user), start=1):
            put(listing, r, c, value).alignment = Alignment(wrap_text=c in (7, 14), vertical="top")
    for letter, width in zip(
        "ABCDEFGHIJKLMN", (12, 14, 18, 28, 24, 14, 60, 22, 24, 16, 14, 14, 14, 60), strict=True
    ):
        listing.column_dimensions[letter].width = width
    listing.freeze_panes = "A2"

    late = book.create_sheet("Quá hạn")
    headers = [
        "Mã kiến nghị",
        "Hạn trả lời",
        "Số ngày làm việc quá hạn",
        "Trạng thái",
        "Lĩnh vực",
        "Ban phụ trách",
        "Cơ quan giải quyết",
        "Nội dung",
    ]
    for c, header in enumerate(headers, start=1):
        put(late, 1, c, header).font = Font(bold=True)
    for r, item in enumerate(report.overdue, start=2):
        values = [
            item["code"],
            fmt_date(item["due"]),
            item["days_late"],
            labels.status_label(item["status"]),
            item["category"],
            item["committee"],
            item["forwarded_to"],
            item["excerpt"],
        ]
        for c, value in enumerate(values, start=1):
            put(late, r, c, value)

    buffer = io.BytesIO()
    book.save(buffer)
    response = web.Response(
        body=buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"Content-Disposition": f'attachment; filename="{_filename(report, "xlsx")}"'},
    )
    return secure_headers(response)


@page("reports")
async def export_csv(request: web.Request) -> web.StreamResponse:
    report = await _export_report(request)
    if isinstance(report, web.StreamResponse):
        return report
    runtime = config(request).runtime
    labels = config(request).labels
    user: StaffUser = request["staff_user"]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(LIST_HEADERS)
    for petition in report.rows:
        writer.writerow(
            [_text_cell(v) for v in _list_row(petition, runtime.profile, labels, user)]
        )
    body = "\ufeff" + buffer.getvalue()
    response = web.Response(
        body=body.encode("utf-8"),
        content_type="text/csv",
        charset="utf-8",
        headers={"Content-Disposition": f'attachment; filename="{_filename(report, "csv")}"'},
    )
    return secure_headers(response)


async def _export_report(request: web.Request) -> Report | web.StreamResponse:
    """The report an export asks for, with its rows; or the error page for a bad period."""
    cfg = config(request)
    user: StaffUser = request["staff_user"]
    try:
        period = parse_period(request.query, calendar.vn_today(cfg.now()))
    except BadInput as err:
        return error_page(request, 400, "Kỳ báo cáo không hợp lệ", err.message)
    return await build_report(cfg.runtime, period, user, with_rows=True)
