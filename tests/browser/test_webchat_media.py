"""In the browser: a web-chat citizen files a petition with a photo, their location and contact."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import select

from storage.models import Petition, PetitionAttachment, StoredFile
from tests.browser.conftest import LiveServer
from tests.photos import gps_rationals, jpeg_with_gps


async def _say(page: Any, text: str) -> None:
    await page.locator("#text").fill(text)
    await page.locator("#send").click()


async def _tap(page: Any, label: str) -> None:
    """The live button whose text starts with ``label`` (an emoji before it aside)."""
    exact = re.compile(r"^\W*" + re.escape(label))
    await page.locator(".buttons button:not([disabled])", has_text=exact).last.click()


async def test_a_photo_location_and_contact_from_the_web_chat(
    live_server: LiveServer, new_page: Any, console_errors: list[str], tmp_path
) -> None:
    photo = tmp_path / "IMG_2031.jpg"
    photo.write_bytes(jpeg_with_gps())
    page = await new_page(
        "citizen",
        viewport={"width": 390, "height": 844},
        geolocation={"latitude": 10.7923, "longitude": 106.7821},
        permissions=["geolocation"],
    )
    await page.goto(live_server.url + "/")
    await page.locator(".msg.bot").first.wait_for()
    await _say(page, "/kiennghi")
    await _tap(page, "Giao thông")
    await _say(page, "Cống thoát nước trước nhà văn hóa bị tắc, nước tràn ra đường")
    await page.locator(".msg.bot", has_text="Xong").last.wait_for()
    await page.locator("#photo").set_input_files(str(photo))  # the 📷 button's chooser
    await page.locator(".msg.bot", has_text="kèm 1 ảnh").last.wait_for()
    await _tap(page, "Xong")
    await page.locator(".buttons button.share:not([disabled])").last.click()  # share location
    await page.locator(".msg.me", has_text="Vị trí của tôi").wait_for()
    await page.locator(".buttons button.share:not([disabled])").last.click()  # my phone number
    await page.locator(".contact-form input[name=name]").fill("Phạm Thị Hoa")
    await page.locator(".contact-form input[name=phone]").fill("0912 345 678")
    await page.get_by_role("button", name="Gửi thông tin").click()
    await _tap(page, "Đồng ý")
    await _tap(page, "Xác nhận gửi")
    await page.locator(".msg.bot", has_text="Mã tra cứu").wait_for()

    runtime = live_server.runtime
    async with runtime.db.read() as session:
        petition = (await session.execute(select(Petition))).scalar_one()
        [attachment] = (await session.execute(select(PetitionAttachment))).scalars().all()
        stored = (await session.execute(select(StoredFile))).scalar_one()
    assert (petition.latitude, petition.longitude) == (10.7923, 106.7821)
    assert petition.contact_phone == "0912345678" and petition.contact_name == "Phạm Thị Hoa"
    assert attachment.ref == f"file:{stored.id}" and stored.mime == "image/jpeg"
    assert gps_rationals() not in stored.data  # the photo's position did not reach us
    assert console_errors == []
