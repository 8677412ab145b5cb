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
    overdue: list[dict[str, Any]] = field(default_factory=list)
    nearly: list[dict[str, Any]] = field(default_factory=list)
    rows: list[Any] = field(default_factory=list)
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
    for row in answered:
        verdict = answered_on_time(row.answered_at, row.due_date)
        report.answered += 1
        if verdict is None:
            report.no_due += 1
        elif verdict:
            report.on_time += 1
        else:
            report.late += 1
    for petition in late_rows:
        overdue, nearly = present.flags(petition, profile, now)
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
            "excerpt": _excerpt(petition_text(petition.content, petition, user), 120),
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
