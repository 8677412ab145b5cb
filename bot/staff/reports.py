"""Periodic reports: counts, the share answered on time, the overdue list and charts.

Council offices report monthly, quarterly, half-yearly and yearly. The page draws its bar charts
as server-side SVG (no script, no CDN); the same numbers are exported to Excel and CSV by
``bot.staff.exports``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from bot.integers import parse_int
from bot.staff import present
from bot.staff.auth import page
from bot.staff.config import config
from bot.staff.dates import fmt_date, parse_date, vn_midnight
from bot.staff.forms import BadInput
from bot.staff.handoff_view import duration_text
from bot.staff.labels import Labels
from bot.staff.masking import petition_text
from bot.staff.pages import render
from bot.staff.roles import StaffUser
from handlers.handoff.timers import period_figures
from handlers.workflow import calendar
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
    number = parse_int(value, low, high)
    if number is None:
        raise BadInput(f"{what} «{value[:20]}» không hợp lệ: cần một số từ {low} đến {high}.")
    return number


def _excerpt(text: str, limit: int) -> str:
    return text[:limit] + ("…" if len(text) > limit else "")


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
    overdue: list[dict[str, Any]] = field(default_factory=list)  # the first PAGE
    nearly: list[dict[str, Any]] = field(default_factory=list)  # the first PAGE
    overdue_total: int = 0
    nearly_total: int = 0
    labels: Labels | None = None

    @property
    def on_time_share(self) -> float | None:
        judged = self.on_time + self.late
        return self.on_time / judged if judged else None


def _label(profile: CommuneProfile, labels: Labels, dimension: str, key: str | None) -> str:
    if key is None:
        return "(chưa xác định)"
    if dimension == "status":
        return labels.status_label(key)
    if dimension == "category":
        return present.category_name(profile, key)
    if dimension == "committee":
        return present.committee_name(profile, key)
    if dimension == "village":
        return present.village_name(profile, key)
    return labels.channel_label(key)


def answered_on_time(answered_at: dt.datetime | None, due: dt.date | None) -> bool | None:
    if answered_at is None or due is None:
        return None
    return calendar.vn_today(answered_at) <= due


PAGE = 200  # overdue / due-soon petitions listed on the page; the exports list them all


def _late_item(
    row: Any, profile: CommuneProfile, today: dt.date, user: StaffUser
) -> dict[str, Any]:
    text = petition_text(row.content, row, user)
    return {
        "code": row.code,
        "due": row.due_date,
        "status": row.status,
        "category": present.category_name(profile, row.category),
        "committee": present.committee_name(profile, row.committee),
        "forwarded_to": row.forwarded_to or "",
        "days_late": calendar.working_days_between(row.due_date, today, profile.petitions.holidays)
        if row.due_date
        else 0,
        "excerpt": text[:120] + ("…" if len(text) > 120 else ""),
    }


def deadline_window(profile: CommuneProfile, today: dt.date) -> tuple[dt.date, dt.date]:
    """(last day that is overdue, last day that is due soon), as ``calendar.deadline_flags``."""
    horizon = calendar.nearly_overdue_horizon(
        today, profile.petitions.holidays, profile.petitions.nearly_overdue_working_days
    )
    return today - dt.timedelta(days=1), horizon


async def build_report(runtime: Any, period: Period, user: StaffUser) -> Report:
    """The period's figures, all computed in SQL, and the first ``PAGE`` overdue and due-soon
    petitions (``overdue_total`` / ``nearly_total`` say how many there are in all)."""
    profile = runtime.profile
    now = runtime.clock()
    today = calendar.vn_today(now)
    scope = user.scope_committee
    last_overdue, horizon = deadline_window(profile, today)
    async with runtime.db.read() as session:
        counts = await reports_repo.period_counts(
            session, profile.id, period.start_utc, period.end_utc, committee=scope
        )
        answered = await reports_repo.answered_figures(
            session, profile.id, period.start_utc, period.end_utc, committee=scope
        )
        overdue_total, nearly_total = await reports_repo.deadline_counts(
            session, profile.id, present.AWAITING, today, horizon, committee=scope
        )
        overdue_rows = await reports_repo.awaiting_page(
            session, profile.id, present.AWAITING, last_overdue, committee=scope, size=PAGE
        )
        nearly_rows = await reports_repo.awaiting_page(
            session,
            profile.id,
            present.AWAITING,
            horizon,
            due_from=today,
            committee=scope,
            size=PAGE,
        )
    labels = Labels.of(runtime.texts)
    report = Report(
        period=period, generated_at=now, committee=scope, total=counts.total, labels=labels
    )
    for dimension in DIMENSION_TITLES:
        values = counts.by.get(dimension, {})
        peak = max(values.values(), default=0)
        items = sorted(
            values.items(), key=lambda kv: (-kv[1], _label(profile, labels, dimension, kv[0]))
        )
        report.tables[dimension] = [
            {
                "key": key,
                "label": _label(profile, labels, dimension, key),
                "count": count,
                "share": count / counts.total if counts.total else 0.0,
                "bar": round(100 * count / peak) if peak else 0,
            }
            for key, count in items
        ]
    report.answered = answered.answered
    report.on_time = answered.on_time
    report.late = answered.late
    report.no_due = answered.no_due
    report.overdue = [_late_item(row, profile, today, user) for row in overdue_rows]
    report.nearly = [_late_item(row, profile, today, user) for row in nearly_rows]
    report.overdue_total = overdue_total
    report.nearly_total = nearly_total
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
    handoffs = await period_figures(
        runtime.db, runtime.profile.id, period.start_utc, period.end_utc
    )
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
            "handoffs": handoffs,
            "handoff_median": duration_text(
                handoffs.median_first_response.total_seconds()
                if handoffs.median_first_response
                else None
            ),
        },
        status=400 if error else 200,
    )
