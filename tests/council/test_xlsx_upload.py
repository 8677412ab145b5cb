"""The meeting's list as XLSX: the template round-trips, the preview shows every row's problems
and saves nothing, the confirmation saves, the same file twice creates nothing new, and files
that are not the template (or far too long) are refused in Vietnamese."""

from __future__ import annotations

import io
import re
from typing import Any

import aiohttp
from aiohttp.test_utils import TestServer
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from bot.staff.meeting_upload import HEADERS, SHEET
from storage.models import CouncilMeeting, Petition
from tests.staff.helpers import CSRF_RE, make_account, signed_in

ROWS = [
    (1, "Đường bê tông xóm 2 nứt vỡ nhiều chỗ", "", "", "", "", "", "", "", ""),
    (
        2,
        "Thiếu đèn chiếu sáng đoạn qua trường",
        "",
        "Điện, nước sinh hoạt",
        "Thôn 2",
        "",
        "",
        "",
        "",
        "",
    ),
    (
        3,
        "Hỏi lịch tiêm chủng mở rộng",
        "",
        "",
        "",
        "Lê Thị Tư",
        912345678,
        "có",
        "Trạm trưởng trạm y tế",
        "Tiêm vào ngày 15 hằng tháng.",
    ),
]


def workbook(rows: list[tuple[Any, ...]], *, header: tuple[str, ...] = HEADERS) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = SHEET
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


async def _count(runtime: Any, model: Any) -> int:
    async with runtime.db.read() as session:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)


async def _upload(agent: Any, data: bytes, **fields: str) -> tuple[int, str]:
    await agent.get("/staff/meetings/upload")
    form = aiohttp.FormData()
    form.add_field("_csrf", CSRF_RE.search(agent.last_html).group(1))
    for name, value in {
        "kind": "voter_meeting",
        "date": "2026-11-13",
        "villages": "thon-1",
        "attendance": "60",
        **fields,
    }.items():
        form.add_field(name, value)
    form.add_field("file", data, filename="hoi-nghi.xlsx")
    response = await agent.post("/staff/meetings/upload", form)
    return response.status, agent.last_html


def _confirm_fields(html: str) -> dict[str, list[str]]:
    form = html[html.index('action="/staff/meetings" data-once') :]
    form = form[: form.index("</form>")]
    fields: dict[str, list[str]] = {}
    for name, value in re.findall(r'name="([^"]+)" value="([^"]*)"', form):
        fields.setdefault(name, []).append(value)
    return fields


async def test_preview_confirm_and_the_same_file_twice(
    runtime: Any, server: TestServer, agents: list
) -> None:
    office = await signed_in(server, (await make_account(runtime, "office")).username)
    agents.append(office)
    response = await office.get("/staff/meetings/template.xlsx")
    assert response.status == 200
    template = load_workbook(io.BytesIO(await response.read()))
    assert tuple(c.value for c in template[SHEET][1]) == HEADERS

    bad = workbook(
        [
            *ROWS,
            (4, "", "tóm tắt mà không có nội dung", "", "", "", "", "", "", ""),
            (5, "Mương tắc", "", "", "Thôn 99", "", "abc", "", "", ""),
        ]
    )
    status, html = await _upload(office, bad)
    assert status == 400
    assert "Ý kiến dòng 4: chưa có nội dung ý kiến." in html
    assert "Ý kiến dòng 5: thôn «Thôn 99» không có trong hồ sơ xã." in html
    assert "«abc» không phải số điện thoại" in html
    assert 'id="confirm"' not in html
    assert await _count(runtime, Petition) == 0

    good = workbook(ROWS)
    status, html = await _upload(office, good)
    assert status == 200, html[:2000]
    assert html.count('<td data-label="Nội dung"') == 3
    assert await _count(runtime, Petition) == 0  # a preview saves nothing
    fields = _confirm_fields(html)
    response = await office.post(
        "/staff/meetings", [(k, v) for k, values in fields.items() for v in values]
    )
    assert response.status == 303, office.last_html[:1500]
    assert await _count(runtime, Petition) == 3
    async with runtime.db.read() as session:
        spot = await session.scalar(select(Petition).where(Petition.status == "answered"))
        lit = await session.scalar(select(Petition).where(Petition.village == "thon-2"))
    assert spot.contact_phone == "0912345678" and spot.answer == "Tiêm vào ngày 15 hằng tháng."
    assert lit.category == "dien-nuoc"

    status, html = await _upload(office, good)  # the same file again
    assert "Tệp này đã được nhập" in html and 'id="confirm"' not in html
    response = await office.post(
        "/staff/meetings", [(k, v) for k, values in fields.items() for v in values]
    )
    assert response.status == 303
    assert await _count(runtime, Petition) == 3
    assert await _count(runtime, CouncilMeeting) == 1


async def test_files_that_are_not_the_template_are_refused(
    runtime: Any, server: TestServer, agents: list
) -> None:
    office = await signed_in(server, (await make_account(runtime, "office")).username)
    agents.append(office)
    status, html = await _upload(office, b"STT,Noi dung\n1,abc\n")
    assert status == 400 and "không phải tệp Excel" in html
    status, html = await _upload(office, workbook(ROWS, header=("A", "B", "C")))
    assert status == 400 and "dòng tiêu đề khác mẫu" in html
    rows = [(n, f"Ý kiến thứ {n} về đường làng") + ("",) * 8 for n in range(1, 10_001)]
    status, html = await _upload(office, workbook(rows))
    assert status == 400 and "hơn 200 ý kiến" in html
    status, html = await _upload(office, workbook(ROWS), date="2099-01-01")
    assert status == 400 and "chưa tới" in html
    assert await _count(runtime, Petition) == 0
