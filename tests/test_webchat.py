"""The web chat HTTP API and health endpoint, through aiohttp's test client."""

from __future__ import annotations

import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot.app import create_app
from tests.helpers import WebChat

W1 = "w-1-0123456789abcdef0123"
U1 = "u1-0123456789abcdef01234"


@pytest.fixture
async def client(runtime):
    app = create_app(runtime, run_background=False)
    async with TestClient(TestServer(app)) as test_client:
        yield test_client


async def test_chat_page_is_served_in_vietnamese(client) -> None:
    response = await client.get("/")
    assert response.status == 200
    html = await response.text()
    assert 'lang="vi"' in html and "Gửi" in html
    assert "Trợ lý ảo xã Tân Phú An" in html
    assert "Content-Security-Policy" in response.headers
    script = await client.get("/static/chat.js")
    assert script.status == 200
    assert "/api/chat/messages" in await script.text()


async def test_healthz_reports_ok(client) -> None:
    response = await client.get("/healthz")
    assert response.status == 200
    body = await response.json()
    assert body["status"] == "ok"
    assert body["channels"]["web"] == "ok"


async def test_healthz_is_503_when_the_database_is_gone(client, runtime) -> None:
    from storage.db import Database

    # /healthz asks through the service pool (never starved by chat requests)
    healthy = runtime.service_db
    runtime.service_db = Database("postgresql+asyncpg://postgres@127.0.0.1:9/none")
    try:
        response = await client.get("/healthz")
        assert response.status == 503
    finally:
        await runtime.service_db.dispose()
        runtime.service_db = healthy


async def test_a_citizen_clicks_through_the_menu_to_an_answer(client) -> None:
    chat = WebChat(client)
    replies = await chat.say("/start")
    assert "trợ lý ảo" in replies[0]["text"]
    await chat.press("Hỏi thủ tục")
    await chat.press("Căn cước")
    assert chat.replies[0]["meta"]["topic"] == "can-cuoc-card"
    assert "căn cước" in chat.text.lower()


async def test_greeting_by_text_and_shape_of_the_reply(client) -> None:
    chat = WebChat(client)
    replies = await chat.say("xin chào")
    assert replies[0]["meta"]["intent"] == "greeting"
    for reply in replies:
        assert set(reply) == {"text", "buttons", "meta"}
        for button in reply["buttons"]:
            assert isinstance(button["text"], str)
            assert ("payload" in button) != ("url" in button)


async def test_a_retried_post_returns_the_same_replies_without_handling_twice(client) -> None:
    chat = WebChat(client)
    first = await chat.say("/start", message_id="abc-1-0123456789abcdef0123")
    status, again = await chat.send(text="/start", message_id="abc-1-0123456789abcdef0123")
    assert status == 200 and again["duplicate"] is True
    assert again["replies"] == first


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"text": "hi"}, 400),
        ({"user_id": "", "text": "hi"}, 400),
        ({"user_id": "a b", "text": "hi"}, 400),
        ({"user_id": U1}, 400),
        ({"user_id": U1, "text": 5}, 400),
        ({"user_id": U1, "payload": ["x"]}, 400),
        ({"user_id": U1, "text": "x" * 60_000}, 413),
        ([1, 2], 400),
    ],
)
async def test_bad_requests_get_a_clear_4xx(client, body, status) -> None:
    response = await client.post("/api/chat", json=body)
    assert response.status == status
    assert (await response.json())["error"]


async def test_malformed_json_is_a_400(client) -> None:
    response = await client.post(
        "/api/chat", data=b"{not json", headers={"Content-Type": "application/json"}
    )
    assert response.status == 400


async def test_pushed_messages_are_listed_after_an_id(client, runtime) -> None:
    from storage import outbox

    chat = WebChat(client, W1)
    await chat.say("xin chào")
    async with runtime.db.write() as session:
        for text in ("Cập nhật 1", "Cập nhật 2"):
            session.add(
                outbox.new_message(
                    commune_id=runtime.profile.id,
                    channel="web",
                    recipient=W1,
                    body={"text": text, "buttons": []},
                    now=runtime.clock(),
                    kind="push",
                )
            )
    first = await chat.pushed()
    assert [m["text"] for m in first] == ["Cập nhật 1", "Cập nhật 2"]
    assert await chat.pushed() == []
    other = WebChat(client, "w-2-0123456789abcdef0123")
    assert await other.pushed() == []
    bad = await client.get("/api/chat/messages", params={"user_id": W1, "after": "x"})
    assert bad.status == 400


@pytest.mark.browser
async def test_the_chat_page_on_a_small_phone(client) -> None:
    """360×740, as on a cheap phone: a petition filed by pressing, its code shown once and bold,
    only the latest buttons live, nothing wider than the screen, and "delete my data" also
    clears the conversation this browser kept."""
    from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, _require_browser

    _require_browser()
    from playwright.async_api import async_playwright

    road = "Đường liên thôn đoạn qua cầu Đá bị sụt lún, xe máy đi rất nguy hiểm"
    async with async_playwright() as playwright:
        chromium = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            context = await chromium.new_context(
                viewport={"width": 360, "height": 740}, locale="vi-VN", is_mobile=True
            )
            page = await context.new_page()
            page.set_default_timeout(15_000)
            errors: list[str] = []
            page.on("pageerror", lambda err: errors.append(str(err)))
            await page.goto(str(client.make_url("/")))
            await page.locator(".msg.bot").first.wait_for()

            async def press(label: str) -> None:
                before = await page.locator(".msg.bot").count()
                await page.locator(".buttons button:not([disabled])", has_text=label).last.click()
                await page.locator(".msg.bot").nth(before).wait_for()

            async def say(text: str) -> None:
                before = await page.locator(".msg.bot").count()
                await page.locator("#text").fill(text)
                await page.locator("#send").click()
                await page.locator(".msg.bot").nth(before).wait_for()

            await press("Gửi kiến nghị")
            await press("Giao thông")
            await say(road)
            await press("Xong")
            await press("Thôn 3")
            await press("Gửi ẩn danh")
            await press("Xác nhận gửi")
            filed = page.locator(".msg.bot").last
            codes = await filed.locator(".code").all_inner_texts()
            assert len(codes) == 2 and codes[0] == codes[1]  # "Mã tra cứu: X", "tra cứu X"
            assert len(codes[0]) == 8 and "Mã kiến nghị:" not in await filed.inner_text()
            live = page.locator(".buttons button:not([disabled])")
            assert await live.all_inner_texts() == ["🔎 Xem tình trạng", "🏠 Menu chính"]
            width = await page.evaluate("document.documentElement.scrollWidth")
            assert width <= 360

            await say("/xoadulieu")
            await page.locator(".buttons button:not([disabled])", has_text="Xóa dữ liệu").click()
            await page.locator(".msg.bot", has_text="Đã xóa dữ liệu cá nhân").wait_for()
            shown = await page.locator("#log").inner_text()
            assert "Đã xóa dữ liệu cá nhân" in shown and road not in shown
            await page.reload()
            await page.locator(".msg.bot").first.wait_for()
            assert road not in await page.locator("#log").inner_text()
            kept = await page.evaluate("localStorage.getItem('chat_history') || ''")
            assert road not in kept and codes[0] not in kept
            assert errors == []
        finally:
            await chromium.close()


@pytest.mark.browser
async def test_the_chat_page_waits_out_a_busy_server_and_sends_the_message_once(client) -> None:
    """A 503 with Retry-After (the server saturated) is not shown to the citizen: the page waits
    as told and sends the same message again, with the same message_id, and shows the answer."""
    from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, _require_browser

    _require_browser()
    from playwright.async_api import Route, async_playwright

    sent: list[dict] = []

    async def busy_once(route: Route) -> None:
        sent.append(route.request.post_data_json)
        if len(sent) == 1:
            await route.fulfill(
                status=503,
                headers={"Retry-After": "1"},
                json={"error": "Hệ thống đang bận, bạn thử lại sau ít phút."},
            )
        else:
            await route.continue_()

    async with async_playwright() as playwright:
        chromium = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = await chromium.new_page(locale="vi-VN")
            page.set_default_timeout(15_000)
            await page.goto(str(client.make_url("/")))
            await page.locator(".msg.bot").first.wait_for()
            await page.route("**/api/chat", busy_once)
            before = await page.locator(".msg.bot").count()
            await page.locator("#text").fill("quen mat khau vneid")
            await page.locator("#send").click()
            await page.locator(".msg.bot", has_text="Quên mật khẩu").wait_for()
            assert len(sent) == 2
            assert sent[0]["message_id"] == sent[1]["message_id"]
            shown = await page.locator("#log").inner_text()
            assert "đang bận" not in shown
            assert await page.locator(".msg.bot").count() == before + 1
        finally:
            await chromium.close()


@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)
async def test_a_connection_lost_under_a_message_is_a_503_and_the_resend_is_answered_once(
    client, runtime
) -> None:
    """Connections in steady use are not pinged: when the database drops one (a restart), the
    message on it fails — a 503 with Retry-After, not a 500; nothing was stored, and the page's
    resend of the same message id is answered once."""
    from sqlalchemy import func, select, text

    from storage.models import InboundEvent
    from tests.conftest import _pg_admin_execute

    chat = WebChat(client)
    await chat.say("xin chào", message_id="lost-1-0123456789abcdef0123")
    async with runtime.db.read() as session:
        name = (await session.execute(text("SELECT current_database()"))).scalar_one()
    await _pg_admin_execute(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
        f"WHERE datname = '{name}' AND pid <> pg_backend_pid()"
    )
    message = {"text": "làm căn cước ở đâu", "message_id": "lost-2-0123456789abcdef0123"}
    response = await client.post("/api/chat", json={"user_id": chat.user_id, **message})
    assert response.status == 503 and response.headers["Retry-After"]
    status, data = await chat.send(**message)
    assert status == 200 and data["replies"]
    async with runtime.db.read() as session:
        stored = await session.scalar(select(func.count()).select_from(InboundEvent))
    assert stored == 2
