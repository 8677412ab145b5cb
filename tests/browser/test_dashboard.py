"""The dashboard in a real browser: sign-in rules, roles, a petition from received to answered,
and the citizen's web chat receiving the answer."""

from __future__ import annotations

import re
from typing import Any

from tests.browser.conftest import LiveServer
from tests.staff.helpers import PASSWORD, make_account

NEW_ADMIN_PASSWORD = "Cánh đồng lúa thôn Hai 2026"


async def _login(page: Any, server: LiveServer, username: str, password: str) -> None:
    await page.goto(f"{server.url}/staff/login")
    await page.get_by_label("Tên đăng nhập").fill(username)
    await page.get_by_label("Mật khẩu").fill(password)
    await page.get_by_role("button", name="Đăng nhập").click()


async def test_first_admin_must_change_the_one_time_password(
    live_server: LiveServer, new_page: Any, console_errors: list[str]
) -> None:
    page = await new_page("admin")
    await _login(page, live_server, live_server.admin_username, live_server.admin_password)
    await page.wait_for_url(re.compile(r"/staff/password$"))
    assert "mật khẩu tạm thời" in await page.inner_text("main")
    # Every other page sends the admin back here until the password is changed.
    await page.goto(f"{live_server.url}/staff/petitions")
    await page.wait_for_url(re.compile(r"/staff/password$"))
    await page.get_by_label("Mật khẩu hiện tại").fill(live_server.admin_password)
    await page.get_by_label("Mật khẩu mới (ít nhất").fill(NEW_ADMIN_PASSWORD)
    await page.get_by_label("Nhập lại mật khẩu mới").fill(NEW_ADMIN_PASSWORD)
    await page.get_by_role("button", name="Lưu mật khẩu mới").click()
    await page.wait_for_url(re.compile(r"/staff/password\?done=1$"))
    await page.get_by_role("link", name="Vào hộp thư kiến nghị").click()
    await page.wait_for_url(re.compile(r"/staff/petitions$"))
    assert await page.get_by_role("heading", name="Hộp thư kiến nghị").is_visible()

    # The admin creates a committee account; its one-time password is shown once.
    await page.get_by_role("link", name="Tài khoản").click()
    await page.get_by_label("Tên đăng nhập (chữ thường").fill("ban.ktns")
    await page.get_by_label("Họ tên").fill("Trần Văn Ban")
    await page.locator("select[name=role]").select_option("committee")
    await page.locator("select[name=committee]").select_option("kt-ns")
    await page.get_by_role("button", name="Tạo tài khoản").click()
    temporary = (await page.inner_text("[data-temporary-password]")).strip()
    assert len(temporary) >= 16

    other = await new_page("committee")
    await _login(other, live_server, "ban.ktns", temporary)
    await other.wait_for_url(re.compile(r"/staff/password$"))

    # The old one-time admin password no longer works.
    third = await new_page("stale-admin")
    await _login(third, live_server, "admin", live_server.admin_password)
    assert "không đúng" in await third.inner_text("main")
    assert console_errors == []  # no script or style blocked by the CSP, no JS error


async def _chat_press(page: Any, label: str | re.Pattern[str]) -> None:
    """Press the newest chat button whose text contains ``label``."""
    await page.locator(".buttons button", has_text=label).last.click()


async def _chat_say(page: Any, text: str) -> None:
    await page.locator("#text").fill(text)
    await page.locator("#send").click()


async def test_a_petition_from_the_web_chat_to_the_answer_the_citizen_reads(
    live_server: LiveServer, new_page: Any, console_errors: list[str]
) -> None:
    runtime = live_server.runtime
    office = await make_account(runtime, "office", full_name="Nguyễn Thị Lan")
    ktns = await make_account(runtime, "committee", committee="kt-ns", full_name="Ban KT-NS")
    vhxh = await make_account(runtime, "committee", committee="vh-xh")
    volunteer = await make_account(runtime, "digital_team")

    # A citizen files a petition in the web chat, on a phone-sized screen.
    citizen = await new_page("citizen", viewport={"width": 390, "height": 844})
    await citizen.goto(live_server.url + "/")
    await citizen.locator(".msg.bot").first.wait_for()
    await _chat_say(citizen, "/kiennghi")
    await _chat_press(citizen, "Giao thông")
    await _chat_say(citizen, "Đường liên thôn đoạn qua cầu Đá bị sụt lún, xe máy đi rất nguy hiểm")
    await _chat_press(citizen, "Xong")
    await _chat_press(citizen, "Thôn 3")
    await _chat_say(citizen, "Nguyễn Văn Cử 0912 345 678")
    await _chat_press(citizen, re.compile(r"^Đồng ý$"))  # not "Không đồng ý"
    await _chat_press(citizen, "Xác nhận gửi")
    code_text = await citizen.locator(".msg.bot .code").last.inner_text()
    code = re.search(r"[A-Z0-9]{8}", code_text).group(0)  # type: ignore[union-attr]

    # The council office sees it in the inbox, with the phone, and screens and forwards it.
    desk = await new_page("office")
    await _login(desk, live_server, office.username, PASSWORD)
    await desk.wait_for_url(re.compile(r"/staff/petitions$"))
    await desk.get_by_role("link", name=code).click()
    assert "0912345678" in await desk.inner_text("main")
    await desk.locator("summary", has_text="Bắt đầu xem xét").click()
    await desk.locator("details[open] button[type=submit]").click()
    await desk.wait_for_url(re.compile(r"done=screen$"))
    await desk.locator("summary", has_text="Chuyển UBND").click()
    form = desk.locator("details[open] form")
    assert await form.locator("input[name=due]").input_value()  # the default due date
    await form.locator("input[name=doc_no]").fill("125/HĐND-VP")
    await form.locator("button[type=submit]").click()
    await desk.wait_for_url(re.compile(r"done=forward$"))
    assert "Đã chuyển cơ quan giải quyết" in await desk.inner_text(".detail-head")

    # The other committee does not see it; the digital team sees it without the phone.
    other = await new_page("vh-xh")
    await _login(other, live_server, vhxh.username, PASSWORD)
    await other.wait_for_url(re.compile(r"/staff/petitions$"))
    assert code not in await other.inner_text("main")
    await other.goto(f"{live_server.url}/staff/petitions/{code}")
    assert "ban khác" in await other.inner_text("main")
    team = await new_page("digital-team")
    await _login(team, live_server, volunteer.username, PASSWORD)
    await team.wait_for_url(re.compile(r"/staff/petitions$"))
    await team.get_by_role("link", name=code).click()
    main = await team.inner_text("main")
    assert "sụt lún" in main and "0912" not in main and "Nguyễn Văn Cử" not in main

    # The committee in charge records the answer.
    member = await new_page("kt-ns")
    await _login(member, live_server, ktns.username, PASSWORD)
    await member.wait_for_url(re.compile(r"/staff/petitions$"))
    await member.get_by_role("link", name=code).click()
    await member.locator("summary", has_text="Ghi nhận trả lời").click()
    answer = "UBND xã sẽ vá đoạn đường qua cầu Đá trước ngày 20/12/2026."
    await member.locator("details[open] textarea[name=public_note]").fill(answer)
    await member.locator("details[open] button[type=submit]").click()
    await member.wait_for_url(re.compile(r"done=answer$"))
    assert "Đã có trả lời" in await member.inner_text(".detail-head")

    # The citizen's open chat page shows the answer (it polls for pushed messages).
    await citizen.locator(".msg.bot", has_text=answer).wait_for(timeout=20_000)
    assert await citizen.locator(".buttons button", has_text="Đã giải quyết").count() >= 1
    assert console_errors == []
