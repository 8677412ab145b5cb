"""Numbers and ids a request carries are parsed strictly (ASCII digits, bounded) and whole: a
30-digit page, ``1_000``, Arabic-Indic digits or an id with a trailing newline is a 400, never a
500 and never a second identity."""

from __future__ import annotations

from typing import Any

import aiohttp
import pytest
from aiohttp.test_utils import TestServer

from bot.integers import MAX_ID, parse_id, parse_int
from bot.staff.pages import safe_next
from tests.helpers import WebChat
from tests.security.conftest import ServerClient
from tests.staff.helpers import make_account, make_token, signed_in

BAD_NUMBERS = ["99999999999999999999", "9" * 30, "1_000", "١٢", "²", " 1", "1 ", "+1", "-1", ""]
USER = "citizen-0123456789abcdef01"


def test_parse_int_accepts_only_plain_bounded_digits() -> None:
    assert parse_int("0") == 0 and parse_int("42", 1, 100) == 42
    assert parse_id(str(MAX_ID)) == MAX_ID and parse_id(str(MAX_ID + 1)) is None
    assert parse_int("101", 1, 100) is None and parse_id("0") is None
    for raw in BAD_NUMBERS:
        assert parse_int(raw) is None, raw
    assert parse_int(None) is None and parse_int(5) is None


@pytest.mark.parametrize("after", ["99999999999999999999", "1_000", "١٢", "²", "-1"])
async def test_chat_messages_after_must_be_plain_bounded_digits(
    chat_client: ServerClient, after: str
) -> None:
    response = await chat_client.get(
        "/api/chat/messages", params={"user_id": USER, "after": after}
    )
    assert response.status == 400
    assert "after" in (await response.json())["error"]
    fine = await chat_client.get("/api/chat/messages", params={"user_id": USER, "after": "0"})
    assert fine.status == 200


async def test_api_pages_are_bounded(runtime: Any, server: TestServer) -> None:
    account = await make_account(runtime, "office")
    token = await make_token(runtime, account.id)
    headers = {"Authorization": f"Bearer {token}"}
    async with aiohttp.ClientSession(headers=headers) as session:
        for query in ({"page": "9" * 30}, {"page": "1_0"}, {"per_page": "٥"}, {"page": "0"}):
            response = await session.get(server.make_url("/staff/api/petitions"), params=query)
            assert response.status == 400, query
            assert (await response.json())["code"] == "invalid"
        ok = await session.get(server.make_url("/staff/api/petitions"), params={"page": "2"})
        assert ok.status == 200


async def test_account_ids_beyond_the_database_are_a_400(runtime: Any, server: TestServer) -> None:
    admin = await make_account(runtime, "admin")
    agent = await signed_in(server, admin.username)
    try:
        for raw in ("9" * 40, "1_0", "١"):
            response = await agent.form(f"/staff/accounts/{raw}/deactivate", {})
            assert response.status == 400, (raw, response.status)
            assert "Mã tài khoản" in agent.last_html
        missing = await agent.form("/staff/accounts/999999/deactivate", {})
        assert missing.status == 404
    finally:
        await agent.close()


async def test_inbox_page_number_is_bounded(runtime: Any, server: TestServer) -> None:
    account = await make_account(runtime, "office")
    agent = await signed_in(server, account.username)
    try:
        response = await agent.get("/staff/petitions", params={"page": "9" * 30})
        assert response.status == 400
        assert "Số trang phải là số nguyên" in agent.last_html
    finally:
        await agent.close()


@pytest.mark.parametrize(
    "user_id",
    [
        USER + "\n",
        "short-id-21-chars-xxxx"[:21],
        "a" * 65,
        USER[:-1] + "é",
    ],
)
async def test_web_chat_ids_are_22_to_64_safe_characters_matched_whole(
    chat_client: ServerClient, user_id: str
) -> None:
    response = await chat_client.post("/api/chat", json={"user_id": user_id, "text": "xin chào"})
    assert response.status == 400
    assert "22–64" in (await response.json())["error"]
    pushed = await chat_client.get("/api/chat/messages", params={"user_id": user_id})
    assert pushed.status == 400


async def test_message_ids_are_matched_whole(chat_client: ServerClient) -> None:
    chat = WebChat(chat_client, USER)  # type: ignore[arg-type]
    status, _ = await chat.send(text="xin chào", message_id="m-0123456789abcdef0123\n")
    assert status == 400
    status, _ = await chat.send(text="xin chào", message_id="m-1")
    assert status == 400
    assert (await chat.send(text="xin chào", message_id="m-0123456789abcdef0123"))[0] == 200
    assert (await chat.send(text="a", message_id="x" * 64))[0] == 200


async def test_staff_without_slash_redirects_to_the_dashboard(server: TestServer) -> None:
    async with aiohttp.ClientSession() as session:
        response = await session.get(server.make_url("/staff"), allow_redirects=False)
        assert response.status == 302
        assert response.headers["Location"] == "/staff/"


@pytest.mark.parametrize(
    "raw",
    [
        "/staff/petitions\x00",
        "/staff/\tpetitions",
        "/staff/petitions\x1b[31m",
        "/staff/petitions\u2028",
        "/staff/\u0085",
        "/staff//evil.example",
        "/staff/../webhook/telegram",
        "/staff/x\\y",
        "//evil.example/staff/",
        "/staffevil",
        "https://evil.example/staff/",
        "/staff/" + "a" * 2000,
    ],
)
def test_safe_next_allows_only_a_plain_path_under_staff(raw: str) -> None:
    assert safe_next(raw) == "/staff/petitions"


def test_safe_next_keeps_a_plain_dashboard_path_and_query() -> None:
    for good in ("/staff/petitions/KN-2026-0001", "/staff/petitions?status=received&q=Nguy%E1%BB"):
        assert safe_next(good) == good
