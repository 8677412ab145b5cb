"""The live hand-off in a real browser: a citizen asks for a person in the web chat, the digital
team answers from the "Hỏi đáp trực tiếp" inbox, the citizen's open page shows the reply, and
after the team closes it the bot answers again."""

from __future__ import annotations

import re
from typing import Any

from tests.browser.conftest import LiveServer
from tests.browser.test_dashboard import _chat_say, _login
from tests.staff.helpers import PASSWORD, make_account


async def test_the_inbox_reply_reaches_the_citizens_open_chat(
    live_server: LiveServer, new_page: Any, console_errors: list[str]
) -> None:
    volunteer = await make_account(live_server.runtime, "digital_team", full_name="Vũ Thị Tạm")

    citizen = await new_page("citizen", viewport={"width": 390, "height": 844})
    await citizen.goto(live_server.url + "/")
    await citizen.locator(".msg.bot").first.wait_for()
    await _chat_say(citizen, "cho tôi gặp cán bộ, tôi không đăng nhập được VNeID")
    await citizen.locator(".msg.bot", has_text="cán bộ").last.wait_for()

    team = await new_page("digital-team")
    await _login(team, live_server, volunteer.username, PASSWORD)
    await team.wait_for_url(re.compile(r"/staff/petitions$"))
    await team.get_by_role("link", name="Hỏi đáp trực tiếp").click()
    await team.wait_for_url(re.compile(r"/staff/handoff$"))
    row = team.locator("tr[data-conversation]").first
    assert "Chưa ai nhận" in await row.inner_text()
    await row.locator("a.code").click()
    assert "không đăng nhập được VNeID" in await team.inner_text("[data-messages]")
    reply = "Chào bác, bác mở VNeID, bấm «Quên mật khẩu» rồi làm theo hướng dẫn nhé."
    await team.locator("textarea[name=text]").fill(reply)
    await team.get_by_role("button", name="Gửi trả lời").click()
    await team.wait_for_url(re.compile(r"done=reply$"))
    assert "Bạn" in await team.inner_text("[data-assignee]")

    await citizen.locator(".msg.bot", has_text="Quên mật khẩu").wait_for(timeout=20_000)

    team.on("dialog", lambda dialog: dialog.accept())  # "Kết thúc trò chuyện?" confirmation
    await team.get_by_role("button", name="Kết thúc trò chuyện").click()
    await team.wait_for_url(re.compile(r"done=close$"))
    await citizen.locator(".msg.bot", has_text="đã kết thúc").wait_for(timeout=20_000)
    await _chat_say(citizen, "làm lại căn cước ở đâu")
    await citizen.locator(".msg.bot", has_text="căn cước").last.wait_for()
    assert console_errors == []
