"""Exports a council office can paste and print (issue 10 item 8), with no row cap (issue 15):
real date / number cells, STT, widths, print set-up on every sheet, the citizen's verdict; every
row of the period and every overdue petition, read in pages; the figures computed in SQL."""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

from aiohttp.test_utils import TestServer
from openpyxl import load_workbook

from bot.staff import exports, reports
from bot.staff.exports import LIST_HEADERS
from storage import petitions as repo
from storage import reports as reports_repo
from tests.staff.helpers import make_account, make_petition, signed_in


async def _set(runtime: Any, code: str, **fields: Any) -> None:
    async with runtime.db.write() as session:
        petition = await repo.get_by_code(session, code)
        for name, value in fields.items():
            setattr(petition, name, value)


async def test_the_excel_file_pastes_and_prints_as_a_council_office_needs(
    runtime: Any, server: TestServer, clock: Any
) -> None:
    now = clock()  # Monday 16/11/2026
    answered = await make_petition(runtime, content="Đèn đường thôn 2 hỏng")
    await _set(
        runtime,
        answered,
        status="closed",
        due_date=dt.date(2026, 12, 7),
        answered_at=now,
        answer="Đã thay bóng đèn",
        satisfaction="satisfied",
    )
    await make_petition(runtime, content="Cầu tràn bị sạt")
    agent = await signed_in(server, (await make_account(runtime, "office")).username)
    try:
        response = await agent.get("/staff/reports.xlsx?period=month&month=2026-11")
        assert response.status == 200
        book = load_workbook(io.BytesIO(await response.read()))
    finally:
        await agent.close()
    for ws in book.worksheets:  # print set-up on every sheet
        assert ws.page_setup.orientation == "landscape", ws.title
        assert ws.page_setup.fitToWidth == 1 and ws.page_setup.fitToHeight == 0
        assert ws.sheet_properties.pageSetUpPr.fitToPage is True
        assert ws.print_title_rows == "$1:$1"  # the header row repeated on every page
        assert ws.freeze_panes == "A2"
    listing = book["Danh sách kiến nghị"]
    header = [c.value for c in listing[1]]
    assert header == LIST_HEADERS and header[0] == "STT"
    assert "Đánh giá của cử tri" in header
    assert listing.column_dimensions["H"].width == 60  # Nội dung
    assert listing.column_dimensions["A"].width == 6  # STT
    row = next(r for r in listing.iter_rows(min_row=2) if r[1].value == answered)
    cells = dict(zip(header, row, strict=True))
    assert isinstance(cells["STT"].value, int)
    received = cells["Ngày tiếp nhận"]
    assert received.is_date and received.number_format == "DD/MM/YYYY"
    assert received.value == dt.datetime(2026, 11, 16)
    due = cells["Hạn trả lời"]
    assert due.is_date and due.value == dt.datetime(2026, 12, 7)
    assert cells["Trả lời đúng hạn"].value == "Đúng hạn"
    assert cells["Đánh giá của cử tri"].value == "Đã giải quyết"
    assert cells["Nội dung trả lời"].value == "Đã thay bóng đèn"
    summary = book["Tổng hợp"]
    share = next(r[1] for r in summary.iter_rows() if r[0].value == "Tỷ lệ trả lời đúng hạn")
    assert share.value == 1.0 and share.number_format == "0.0%"
    total = next(r[1] for r in summary.iter_rows() if r[0].value and "Tổng số" in r[0].value)
    assert total.value == 2 and total.data_type == "n"


async def test_no_row_is_left_out_and_the_page_says_when_it_shows_only_the_first(
    runtime: Any, server: TestServer, clock: Any, monkeypatch: Any
) -> None:
    monkeypatch.setattr(exports, "PAGE_ROWS", 3)  # pages of 3 rows: the keyset must chain
    monkeypatch.setattr(reports, "PAGE", 2)
    codes = [await make_petition(runtime, content=f"Kiến nghị số {i}") for i in range(8)]
    for index, code in enumerate(codes[:5]):  # five overdue, due 2/11 … 6/11
        await _set(runtime, code, status="forwarded", due_date=dt.date(2026, 11, 2 + index))
    agent = await signed_in(server, (await make_account(runtime, "office")).username)
    try:
        await agent.get("/staff/reports?period=month&month=2026-11")
        page = agent.last_html
        assert 'data-kpi="overdue">5<' in page
        assert "Đang hiện 2 trong 5 kiến nghị quá hạn" in page
        shown = page.split('data-list="overdue"')[1].split("</table>")[0]
        assert codes[0] in shown and codes[1] in shown and codes[2] not in shown

        book = load_workbook(
            io.BytesIO(await (await agent.get("/staff/reports.xlsx?period=month")).read())
        )
        listing = list(book["Danh sách kiến nghị"].iter_rows(min_row=2, values_only=True))
        assert [r[0] for r in listing] == list(range(1, 9))
        assert sorted(r[1] for r in listing) == sorted(codes)
        late = list(book["Quá hạn"].iter_rows(min_row=2, values_only=True))
        assert [r[1] for r in late] == codes[:5]  # all five, earliest due first

        raw = await (await agent.get("/staff/reports.csv?period=month")).read()
        rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
        assert [r[0] for r in rows[1:]] == [str(i) for i in range(1, 9)]
        assert sorted(r[1] for r in rows[1:]) == sorted(codes)
    finally:
        await agent.close()


async def test_the_on_time_share_is_computed_in_sql_by_vietnams_calendar(
    runtime: Any, clock: Any
) -> None:
    now = clock()
    due = dt.date(2026, 11, 20)
    end_of_due_day = dt.datetime(2026, 11, 20, 17, 0, tzinfo=dt.UTC)  # 00:00 21/11 in Vietnam
    cases = {
        "just in time": end_of_due_day - dt.timedelta(seconds=1),
        "just late": end_of_due_day,
        "days late": end_of_due_day + dt.timedelta(days=3),
    }
    for answered_at in cases.values():
        code = await make_petition(runtime)
        await _set(runtime, code, status="answered", due_date=due, answered_at=answered_at)
    code = await make_petition(runtime)
    await _set(runtime, code, status="answered", answered_at=now)  # no due date
    start, end = now - dt.timedelta(days=1), now + dt.timedelta(days=30)
    async with runtime.db.read() as session:
        figures = await reports_repo.answered_figures(session, runtime.profile.id, start, end)
    assert (figures.answered, figures.on_time, figures.late, figures.no_due) == (4, 1, 2, 1)
    verdicts = [reports.answered_on_time(at, due) for at in cases.values()]
    assert verdicts == [True, False, False]  # the same rule as each row's verdict
