"""Reports: counts for a period, the on-time share, the overdue list, XLSX and CSV exports."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from typing import Any

import pytest
from aiohttp.test_utils import TestServer
from openpyxl import load_workbook

from bot.staff.exports import LIST_HEADERS
from bot.staff.reports import parse_period
from storage import petitions as repo
from tests.staff.helpers import make_account, make_petition, signed_in

FORMULA = '=HYPERLINK("http://evil.example","bấm vào đây")'


async def _set(runtime: Any, code: str, **fields: Any) -> None:
    async with runtime.db.write() as session:
        petition = await repo.get_by_code(session, code)
        for name, value in fields.items():
            setattr(petition, name, value)


async def _data(runtime: Any, clock: Any) -> dict[str, str]:
    now = clock()  # Monday 16/11/2026
    codes = {
        "on_time": await make_petition(runtime, village="thon-1", contact_phone="0912345678"),
        "late": await make_petition(runtime, village="thon-1", content="Cầu tràn bị sạt"),
        "overdue": await make_petition(
            runtime, village="thon-2", intake_channel="voter_meeting", content="Đèn đường hỏng"
        ),
        "school": await make_petition(
            runtime, category="giao-duc-y-te", committee="vh-xh", content=FORMULA
        ),
        "october": await make_petition(
            runtime, content="Kiến nghị tháng trước", now=now - dt.timedelta(days=30)
        ),
    }
    await _set(
        runtime,
        codes["on_time"],
        status="answered",
        due_date=dt.date(2026, 12, 7),
        answered_at=now + dt.timedelta(hours=1),
        answer="Đã sửa",
    )
    await _set(
        runtime,
        codes["late"],
        status="answered",
        due_date=dt.date(2026, 11, 10),
        answered_at=now + dt.timedelta(hours=2),
        answer="Đã sửa muộn",
    )
    await _set(
        runtime,
        codes["overdue"],
        status="forwarded",
        due_date=dt.date(2026, 11, 12),
        forwarded_to="UBND xã",
    )
    return codes


async def test_the_monthly_report_counts_and_lists_what_is_late(
    runtime: Any, server: TestServer, clock: Any
) -> None:
    codes = await _data(runtime, clock)
    agent = await signed_in(server, (await make_account(runtime, "office")).username)
    try:
        response = await agent.get("/staff/reports?period=month&month=2026-11")
        assert response.status == 200
        text = agent.last_html
        assert "Tháng 11/2026" in text
        assert 'data-kpi="total">4<' in text  # October's petition is outside the month
        assert 'data-kpi="answered">2<' in text
        assert 'data-kpi="on-time">50%<' in text
        assert 'data-kpi="overdue">1<' in text
        overdue_table = text.split('data-list="overdue"')[1].split("</table>")[0]
        assert codes["overdue"] in overdue_table and codes["late"] not in overdue_table
        by_village = text.split('data-dimension="village"')[1].split("</section>")[0]
        assert re.search(r"Thôn 1</th>.*?<rect width=\"100\".*?>2</td>", by_village, re.S)
        assert re.search(r"Thôn 2</th>.*?<rect width=\"50\"", by_village, re.S)
        by_channel = text.split('data-dimension="intake_channel"')[1].split("</section>")[0]
        assert "Tiếp xúc cử tri" in by_channel and "Web chat" in by_channel

        await agent.get("/staff/reports?period=quarter&year=2026&quarter=4")
        assert "Quý 4/2026" in agent.last_html and 'data-kpi="total">5<' in agent.last_html
        await agent.get("/staff/reports?period=custom&from=01/10/2026&to=31/10/2026")
        assert 'data-kpi="total">1<' in agent.last_html
        bad = await agent.get("/staff/reports?period=custom&from=2026-11-30&to=2026-11-01")
        assert bad.status == 400 and "«Đến ngày» phải sau" in agent.last_html
    finally:
        await agent.close()


async def test_excel_export_has_vietnamese_headers_and_never_runs_formulas(
    runtime: Any, server: TestServer, clock: Any
) -> None:
    codes = await _data(runtime, clock)
    agent = await signed_in(server, (await make_account(runtime, "viewer")).username)
    try:
        response = await agent.get("/staff/reports.xlsx?period=month&month=2026-11")
        assert response.status == 200
        assert (
            "bao-cao-kien-nghi-20261101-20261130.xlsx" in response.headers["Content-Disposition"]
        )
        book = load_workbook(io.BytesIO(await response.read()))
        assert book.sheetnames == ["Tổng hợp", "Danh sách kiến nghị", "Quá hạn"]
        summary = {row[0]: row[1] for row in book["Tổng hợp"].iter_rows(values_only=True)}
        assert summary["Tổng số kiến nghị tiếp nhận trong kỳ"] == 4
        assert summary["Tỷ lệ trả lời đúng hạn"] == 0.5  # a number, shown as 50.0%
        listing = list(book["Danh sách kiến nghị"].iter_rows(values_only=True))
        assert list(listing[0]) == LIST_HEADERS
        assert [row[0] for row in listing[1:]] == [1, 2, 3, 4]  # STT
        assert {row[1] for row in listing[1:]} == {
            codes["on_time"],
            codes["late"],
            codes["overdue"],
            codes["school"],
        }
        cell = next(
            c for row in book["Danh sách kiến nghị"].iter_rows() for c in row if c.value == FORMULA
        )
        assert cell.data_type == "s"  # text, not a formula
        on_time = next(r for r in listing if r[1] == codes["on_time"])
        col = LIST_HEADERS.index
        assert on_time[col("Trả lời đúng hạn")] == "Đúng hạn"
        assert on_time[col("Ngày trả lời")] == dt.datetime(2026, 11, 16)  # a date cell
        late_sheet = list(book["Quá hạn"].iter_rows(values_only=True))
        assert late_sheet[1][1] == codes["overdue"] and late_sheet[1][3] == 2
        everything = str([list(ws.iter_rows(values_only=True)) for ws in book.worksheets])
        assert "0912345678" not in everything  # no personal data in exports
    finally:
        await agent.close()


async def test_csv_export_opens_in_excel_with_vietnamese_text(
    runtime: Any, server: TestServer, clock: Any
) -> None:
    codes = await _data(runtime, clock)
    agent = await signed_in(server, (await make_account(runtime, "office")).username)
    try:
        response = await agent.get("/staff/reports.csv?period=month&month=2026-11")
        assert response.status == 200 and response.content_type == "text/csv"
        raw = await response.read()
        assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM: Excel reads Vietnamese correctly
        rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
        assert rows[0] == LIST_HEADERS
        school = next(r for r in rows if r[1] == codes["school"])
        assert school[7] == "'" + FORMULA  # written so Excel shows it, never evaluates it
        assert school[4] == "Giáo dục, y tế"
        assert [r[0] for r in rows[1:]] == ["1", "2", "3", "4"]
    finally:
        await agent.close()


async def test_a_committee_reports_on_its_own_petitions(
    runtime: Any, server: TestServer, clock: Any
) -> None:
    codes = await _data(runtime, clock)
    member = await make_account(runtime, "committee", committee="vh-xh")
    agent = await signed_in(server, member.username)
    try:
        await agent.get("/staff/reports?period=month&month=2026-11")
        assert (
            'data-kpi="total">1<' in agent.last_html and "Ban Văn hóa - Xã hội" in agent.last_html
        )
        response = await agent.get("/staff/reports.csv?period=month&month=2026-11")
        rows = list(csv.reader(io.StringIO((await response.read()).decode("utf-8-sig"))))
        assert [r[1] for r in rows[1:]] == [codes["school"]]
    finally:
        await agent.close()


@pytest.mark.parametrize(
    ("query", "start", "end"),
    [
        ({}, dt.date(2026, 11, 1), dt.date(2026, 11, 30)),
        ({"period": "month", "month": "2026-02"}, dt.date(2026, 2, 1), dt.date(2026, 2, 28)),
        (
            {"period": "quarter", "year": "2026", "quarter": "1"},
            dt.date(2026, 1, 1),
            dt.date(2026, 3, 31),
        ),
        (
            {"period": "half", "year": "2026", "half": "2"},
            dt.date(2026, 7, 1),
            dt.date(2026, 12, 31),
        ),
        ({"period": "year", "year": "2025"}, dt.date(2025, 1, 1), dt.date(2025, 12, 31)),
        (
            {"period": "custom", "from": "2026-03-05", "to": "05/04/2026"},
            dt.date(2026, 3, 5),
            dt.date(2026, 4, 5),
        ),
    ],
)
def test_report_periods(query: dict[str, str], start: dt.date, end: dt.date) -> None:
    period = parse_period(query, dt.date(2026, 11, 16))
    assert (period.start, period.end) == (start, end)
