"""End to end over HTTP, on both databases: a citizen files a petition in the web chat, staff move
it through the staff JSON API, and the citizen reads every update at /api/chat/messages."""

from __future__ import annotations

from typing import Any

import aiohttp
from aiohttp.test_utils import TestClient, TestServer

from bot.app import create_app
from tests.helpers import WebChat
from tests.staff.helpers import make_account, make_token

ROAD = "Đường liên thôn đoạn qua cầu Đá bị sụt lún, ổ gà rất nhiều, xe máy đi nguy hiểm"


async def _file(chat: WebChat) -> str:
    """The citizen's side of /kiennghi, button by button, leaving a name and phone."""
    await chat.say("/kiennghi")
    await chat.press("Giao thông")
    await chat.say(ROAD)
    await chat.press("Xong")
    await chat.press("Thôn 3")
    await chat.say("Nguyễn Văn Cử 0912 345 678")
    await chat.press("Đồng ý")
    await chat.press("Xác nhận gửi")
    code = chat.replies[0]["meta"]["petition_code"]
    assert code
    return code


async def test_citizen_files_staff_answer_through_the_api_citizen_is_told(runtime: Any) -> None:
    office = await make_account(runtime, "office")
    member = await make_account(runtime, "committee", committee="kt-ns")
    viewer = await make_account(runtime, "viewer")
    tokens = {
        "office": await make_token(runtime, office.id),
        "committee": await make_token(runtime, member.id),
        "viewer": await make_token(runtime, viewer.id),
    }
    app = create_app(runtime, run_background=False)
    async with TestClient(TestServer(app)) as client:
        chat = WebChat(client)
        code = await _file(chat)

        async def api(role: str, method: str, path: str, body: Any = None) -> tuple[int, Any]:
            headers = {"Authorization": f"Bearer {tokens[role]}"}
            response = await client.request(method, path, json=body, headers=headers)
            return response.status, await response.json()

        status, listed = await api("office", "GET", "/staff/api/petitions?status=received")
        assert status == 200 and [p["code"] for p in listed] == [code]
        assert listed[0]["contact"]["phone"] == "0912345678"
        assert listed[0]["committee"] == "kt-ns" and listed[0]["village"] == "thon-3"
        status, seen = await api("viewer", "GET", f"/staff/api/petitions/{code}")
        assert status == 200 and "contact" not in seen and "0912345678" not in str(seen)

        events = f"/staff/api/petitions/{code}/events"
        status, body = await api("office", "POST", events, {"status": "screening"})
        assert status == 200 and body["status"] == "screening"
        status, body = await api(
            "office",
            "POST",
            events,
            {"status": "forwarded", "due": "2026-12-07", "public_note": "Đã chuyển UBND xã."},
        )
        assert status == 200 and body["due"] == "2026-12-07"
        status, body = await api("viewer", "POST", events, {"status": "answered"})
        assert status == 403
        status, body = await api("office", "POST", events, {"status": "closed"})
        assert status == 409  # not answered yet: the lifecycle forbids it
        status, body = await api(
            "committee",
            "POST",
            events,
            {
                "status": "answered",
                "public_note": "UBND xã sẽ vá đường trước ngày 20/12.",
                "internal_note": "Đã gọi trưởng thôn 3",
            },
        )
        assert status == 200 and body["status"] == "answered"

        await runtime.worker.run_once()
        pushed = await chat.pushed()
        texts = [m["text"] for m in pushed]
        assert len(texts) == 3
        assert "bắt đầu xem xét" in texts[0]
        assert "07/12/2026" in texts[1] and "Đã chuyển UBND xã." in texts[1]
        assert "UBND xã sẽ vá đường trước ngày 20/12." in texts[2]
        assert all("Đã gọi trưởng thôn 3" not in t for t in texts)
        assert all(m["meta"]["petition_code"] == code for m in pushed)

        # The citizen answers the notification's button; staff see the outcome.
        chat.replies = [{"text": texts[2], "buttons": pushed[2]["buttons"], "meta": {}}]
        await chat.press("Đã giải quyết")
        status, body = await api("office", "GET", f"/staff/api/petitions/{code}")
        assert body["status"] == "closed" and body["satisfaction"] is not None
        assert [e["action"] for e in body["events"]] == [
            "create",
            "screen",
            "forward",
            "answer",
            "close",
        ]


async def test_the_dashboard_and_the_api_agree(runtime: Any) -> None:
    """A change made in the dashboard is what the API reports, and the other way round."""
    from tests.staff.helpers import make_petition, signed_in

    code = await make_petition(runtime)
    office = await make_account(runtime, "office")
    token = await make_token(runtime, office.id)
    server = TestServer(create_app(runtime, run_background=False))
    await server.start_server()
    agent = await signed_in(server, office.username)
    try:
        assert (await agent.act(code, "screen", public_note="Đang xem")).status == 303
        async with aiohttp.ClientSession() as session:
            url = server.make_url(f"/staff/api/petitions/{code}/events")
            response = await session.post(
                url, json={"status": "forwarded"}, headers={"Authorization": f"Bearer {token}"}
            )
            body = await response.json()
        assert response.status == 200 and body["status"] == "forwarded"
        assert [e["action"] for e in body["events"]] == ["create", "screen", "forward"]
        await agent.get(f"/staff/petitions/{code}")
        assert "Đã chuyển cơ quan giải quyết" in agent.last_html
    finally:
        await agent.close()
        await server.close()
