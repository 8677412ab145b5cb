"""Periodic reports: counts, the share answered on time, the overdue list, charts and exports.

Council offices report monthly, quarterly, half-yearly and yearly, in Excel. The page draws its
bar charts as server-side SVG (no script, no CDN); the same numbers export to XLSX (openpyxl) and
to CSV with a UTF-8 byte-order mark so Excel opens Vietnamese text correctly. Exports carry no
personal data (no names, phones or locations). Any cell that starts like a formula (``=``, ``+``,
``-``, ``@``, a tab or a line break) is written as text: a citizen's words must never run in a
staff member's Excel — in XLSX also after the cell is edited (Excel's "quote prefix"). Characters
XML cannot hold (control characters a citizen can type into the web chat) are dropped from XLSX
cells: one such petition used to make the whole month's export fail.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from bot.staff import present
from bot.staff.auth import page
from bot.staff.common import (
    BadInput,
    config,
    error_page,
    fmt_date,
    fmt_datetime,
    parse_date,
    render,
    secure_headers,
    vn_midnight,
)
from bot.staff.roles import StaffUser
from handlers.petitions import calendar, lifecycle
from knowledge.profile import CommuneProfile
from storage import reports as reports_repo

PERIODS = {
    "month": "Tháng",
    "quarter": "Quý",
    "half": "6 tháng",
    "year": "Năm",
    "custom": "Tùy chọn",
}
DIMENSION_TITLES = {
    "status": "Theo trạng thái",
    "category": "Theo lĩnh vực",
    "committee": "Theo ban phụ trách",
    "village": "Theo thôn",
    "intake_channel": "Theo kênh tiếp nhận",
}
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


@dataclass(frozen=True)
class Period:
    kind: str
    start: dt.date  # first day, inclusive
    end: dt.date  # last day, inclusive
    label: str

    @property
    def start_utc(self) -> dt.datetime:
        return vn_midnight(self.start)

    @property
    def end_utc(self) -> dt.datetime:
        return vn_midnight(self.end + dt.timedelta(days=1))


def _int(value: str, low: int, high: int, what: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise BadInput(f"{what} «{value[:20]}» không hợp lệ.") from None
    if not low <= number <= high:
        raise BadInput(f"{what} phải từ {low} đến {high}.")
    return number


def _month_end(year: int, month: int) -> dt.date:
    first_next = dt.date(year + (month == 12), month % 12 + 1, 1)
    return first_next - dt.timedelta(days=1)


def parse_period(query: Any, today: dt.date) -> Period:
    """The report period from the form; the current month by default. BadInput when invalid."""
    kind = query.get("period") or "month"
    if kind not in PERIODS:
        raise BadInput(f"Kỳ báo cáo «{kind[:20]}» không có.")
    year = _int(query.get("year") or str(today.year), 2000, 2100, "Năm")
    if kind == "month":
        raw = query.get("month") or f"{today.year}-{today.month:02d}"
        try:
            year_text, month_text = raw.split("-", 1)
        except ValueError:
            raise BadInput(f"Tháng «{raw[:20]}» không hợp lệ (dạng 2026-11).") from None
        year = _int(year_text, 2000, 2100, "Năm")
        month = _int(month_text, 1, 12, "Tháng")
        return Period(
            kind, dt.date(year, month, 1), _month_end(year, month), f"Tháng {month}/{year}"
        )
    if kind == "quarter":
        quarter = _int(query.get("quarter") or str((today.month - 1) // 3 + 1), 1, 4, "Quý")
        first = 3 * (quarter - 1) + 1
        return Period(
            kind, dt.date(year, first, 1), _month_end(year, first + 2), f"Quý {quarter}/{year}"
        )
    if kind == "half":
        half = _int(query.get("half") or ("1" if today.month <= 6 else "2"), 1, 2, "Kỳ 6 tháng")
        first = 1 if half == 1 else 7
        label = f"6 tháng đầu năm {year}" if half == 1 else f"6 tháng cuối năm {year}"
        return Period(kind, dt.date(year, first, 1), _month_end(year, first + 5), label)
    if kind == "year":
        return Period(kind, dt.date(year, 1, 1), dt.date(year, 12, 31), f"Năm {year}")
    start = parse_date(query.get("from", "")[:40], "Từ ngày")
    end = parse_date(query.get("to", "")[:40], "Đến ngày")
    if start is None or end is None:
        raise BadInput("Kỳ tùy chọn cần cả «Từ ngày» và «Đến ngày».")
    if end < start:
        raise BadInput("«Đến ngày» phải sau hoặc bằng «Từ ngày».")
    if (end - start).days > 3660:
        raise BadInput("Kỳ báo cáo dài quá 10 năm.")
    return Period(kind, start, end, f"Từ {fmt_date(start)} đến {fmt_date(end)}")


@dataclass
class Report:
    period: Period
    generated_at: dt.datetime
    committee: str | None
    total: int
    tables: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    answered: int = 0
    on_time: int = 0
    late: int = 0
    no_due: int = 0
    overdue: list[dict[str, Any]] = field(default_factory=list)
    nearly: list[dict[str, Any]] = field(default_factory=list)
    rows: list[Any] = field(default_factory=list)

    @property
    def on_time_share(self) -> float | None:
        judged = self.on_time + self.late
        return self.on_time / judged if judged else None


def _label(profile: CommuneProfile, dimension: str, key: str | None) -> str:
    if key is None:
        return "(chưa xác định)"
    if dimension == "status":
        return lifecycle.status_label(key)
    if dimension == "category":
        return present.category_name(profile, key)
    if dimension == "committee":
        return present.committee_name(profile, key)
    if dimension == "village":
        return present.village_name(profile, key)
    return present.channel_label(key)


def _answered_on_time(answered_at: dt.datetime | None, due: dt.date | None) -> bool | None:
    if answered_at is None or due is None:
        return None
    return calendar.vn_today(answered_at) <= due


async def build_report(
    runtime: Any, period: Period, user: StaffUser, *, with_rows: bool = False
) -> Report:
    profile = runtime.profile
    now = runtime.clock()
    today = calendar.vn_today(now)
    scope = user.scope_committee
    async with runtime.db.read() as session:
        counts = await reports_repo.period_counts(
            session, profile.id, period.start_utc, period.end_utc, committee=scope
        )
        answered = await reports_repo.answered_in_period(
            session, profile.id, period.start_utc, period.end_utc, committee=scope
        )
        horizon = calendar.nearly_overdue_horizon(
            today, profile.petitions.holidays, profile.petitions.nearly_overdue_working_days
        )
        late_rows = await reports_repo.awaiting_due_by(
            session, profile.id, present.AWAITING, horizon, committee=scope
        )
        rows = (
            await reports_repo.petitions_in_period(
                session, profile.id, period.start_utc, period.end_utc, committee=scope
            )
            if with_rows
            else []
        )
    report = Report(period=period, generated_at=now, committee=scope, total=counts.total)
    for dimension in DIMENSION_TITLES:
        values = counts.by.get(dimension, {})
        peak = max(values.values(), default=0)
        items = sorted(values.items(), key=lambda kv: (-kv[1], _label(profile, dimension, kv[0])))
        report.tables[dimension] = [
            {
                "key": key,
                "label": _label(profile, dimension, key),
                "count": count,
                "share": count / counts.total if counts.total else 0.0,
                "bar": round(100 * count / peak) if peak else 0,
            }
            for key, count in items
        ]
    for row in answered:
        verdict = _answered_on_time(row.answered_at, row.due_date)
        report.answered += 1
        if verdict is None:
            report.no_due += 1
        elif verdict:
            report.on_time += 1
        else:
            report.late += 1
    for petition in late_rows:
        overdue, nearly = lifecycle.flags(petition, profile, now)
        item = {
            "code": petition.code,
            "due": petition.due_date,
            "status": petition.status,
            "category": present.category_name(profile, petition.category),
            "committee": present.committee_name(profile, petition.committee),
            "forwarded_to": petition.forwarded_to or "",
            "days_late": calendar.working_days_between(
                petition.due_date, today, profile.petitions.holidays
            )
            if petition.due_date
            else 0,
            "excerpt": petition.content[:120] + ("…" if len(petition.content) > 120 else ""),
        }
        if overdue:
            report.overdue.append(item)
        elif nearly:
            report.nearly.append(item)
    report.rows = list(rows)
    return report


def _period_params(query: Any) -> dict[str, str]:
    keys = ("period", "month", "year", "quarter", "half", "from", "to")
    return {k: query.get(k, "")[:40] for k in keys if query.get(k)}


@page("reports")
async def reports_page(request: web.Request) -> web.StreamResponse:
    cfg = config(request)
    runtime = cfg.runtime
    user: StaffUser = request["staff_user"]
    today = calendar.vn_today(cfg.now())
    error = ""
    try:
        period = parse_period(request.query, today)
    except BadInput as err:
        error = err.message
        period = parse_period({}, today)
    report = await build_report(runtime, period, user)
    params = _period_params(request.query) if not error else {}
    return render(
        request,
        "reports.html",
        {
            "report": report,
            "periods": PERIODS,
            "params": params,
            "error": error,
            "today": today,
            "titles": DIMENSION_TITLES,
            "committee_label": present.committee_name(runtime.profile, report.committee),
            "years": list(range(today.year, today.year - 6, -1)),
        },
        status=400 if error else 200,
    )


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


def _list_row(petition: Any, profile: CommuneProfile) -> list[Any]:
    verdict = _answered_on_time(petition.answered_at, petition.due_date)
    return [
        petition.code,
        fmt_date(petition.created_at),
        present.channel_label(petition.intake_channel),
        present.category_name(profile, petition.category),
        present.committee_name(profile, petition.committee),
        present.village_name(profile, petition.village),
        petition.content,
        lifecycle.status_label(petition.status),
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
        for c, value in enumerate(_list_row(petition, profile), start=1):
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
            lifecycle.status_label(item["status"]),
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
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(LIST_HEADERS)
    for petition in report.rows:
        writer.writerow([_text_cell(v) for v in _list_row(petition, runtime.profile)])
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
