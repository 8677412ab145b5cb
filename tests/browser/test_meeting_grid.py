"""The meeting grid in a real browser, from the keyboard alone: ten opinions (two the same
issue, one answered on the spot) typed and saved in one go, then the compilation report
downloaded from the session page and read back."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from storage.models import Petition
from tests.browser.conftest import LiveServer
from tests.browser.test_dashboard import _login
from tests.documents.reading import lines, open_docx
from tests.staff.helpers import PASSWORD, make_account

OPINIONS = [
    "Đường liên thôn từ Thôn 1 đi Thôn 3 nhiều ổ gà, đề nghị sửa chữa",
    "Đèn chiếu sáng ngõ 5 hỏng đã hai tháng",
    "Kênh mương nội đồng bị bồi lấp cần nạo vét",
    "Trạm y tế xã thiếu thuốc thông thường",
    "Rác thải tập kết sai nơi ở đầu ngõ 2",
    "Đường Thôn 1 đi Thôn 3 ổ gà nguy hiểm cho học sinh",
    "Hỗ trợ hộ nghèo sửa nhà trước mùa mưa bão",
    "Mạng Internet ở nhà văn hóa thôn chập chờn",
    "Khi nào cấp giấy chứng nhận quyền sử dụng đất đợt 2",
    "Trường tiểu học cần thêm nhà vệ sinh cho học sinh",
]


async def test_ten_opinions_from_the_keyboard_and_the_compilation_report(
    live_server: LiveServer, new_page: Any, console_errors: list[str], tmp_path: Path
) -> None:
    runtime = live_server.runtime
    await make_account(runtime, "office", username="vanphong", full_name="Văn phòng HĐND")
    page = await new_page("office")
    await _login(page, live_server, "vanphong", PASSWORD)
    await page.wait_for_url(re.compile(r"/staff/petitions$"))

    # a session two weeks ahead
    await page.get_by_role("link", name="Kỳ họp", exact=True).click()
    session_day = dt.date.today() + dt.timedelta(days=14)
    await page.locator("input[name=number]").fill("9")
    await page.locator("input[name=term]").fill("khóa XXI, nhiệm kỳ 2021–2026")
    await page.locator("input[name=date]").fill(session_day.strftime("%d/%m/%Y"))
    await page.get_by_role("button", name="Thêm kỳ họp").click()
    await page.wait_for_url(re.compile(r"/staff/sessions/\d+$"))
    session_url = page.url

    await page.get_by_role("link", name="Nhập ý kiến một hội nghị").click()
    await page.wait_for_url(re.compile(r"/staff/meetings/new\?session=\d+$"))
    await page.locator("#date").fill((dt.date.today() - dt.timedelta(days=1)).strftime("%d/%m/%Y"))
    await page.locator("#venue").fill("Nhà văn hóa Thôn 1")
    await page.locator("#attendance").fill("95")
    await page.locator("[data-meeting-village][value=thon-1]").check()

    # the grid, keyboard only: type, Enter for the next row
    await page.locator("[name=r-1-content]").focus()
    for n, text in enumerate(OPINIONS, 1):
        await page.keyboard.type(text)
        if n == 9:  # answered on the spot: Tab across to who answered and what
            for _ in range(7):
                await page.keyboard.press("Tab")
            await page.keyboard.type("Công chức địa chính")
            await page.keyboard.press("Tab")
            await page.keyboard.type("Dự kiến cấp trong tháng này.")
        if n < len(OPINIONS):
            await page.keyboard.press("Enter")
            await page.wait_for_function(f"document.activeElement.name === 'r-{n + 1}-content'")
    assert await page.locator("tr[data-row]").count() == 10
    # the village followed the meeting's, the category was suggested from the text
    assert await page.locator("[name=r-10-village]").input_value() == "thon-1"
    await page.wait_for_function(
        "document.querySelector('[name=r-1-category]').value === 'giao-thong'"
    )
    await page.keyboard.press("Control+Enter")
    await page.wait_for_url(re.compile(r"/staff/meetings/\d+\?created=1$"))
    raised = page.locator("#raised tbody tr")
    assert await raised.count() == 10
    assert "(tại hội nghị)" in await raised.nth(8).inner_text()

    async with runtime.db.read() as session:
        count = await session.scalar(select(func.count()).select_from(Petition))
        spot = await session.scalar(select(Petition).where(Petition.status == "answered"))
    assert count == 10
    assert spot.answer == "Dự kiến cấp trong tháng này."

    await page.goto(session_url)
    async with page.expect_download() as info:
        await page.locator("#download-compilation").click()
    download = await info.value
    target = tmp_path / "tong-hop.docx"
    await download.save_as(target)
    text = "\n".join(lines(open_docx(target.read_bytes())))
    assert "kỳ họp thứ 9" in text.lower()
    assert "1 hội nghị" in text and "95 lượt cử tri" in text
    assert "có 10 lượt ý kiến" in text
    assert "Dự kiến cấp trong tháng này." in text
    assert console_errors == []
