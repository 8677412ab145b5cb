"""The issue's "done when", end to end through the HTTP API, on SQLite and PostgreSQL.

A citizen in the web chat asks for a person; a digital-team account replies through the staff
API and the citizen reads it from /api/chat/messages; after close the bot answers again. The
team turns the question into an entry; the next citizen gets it from the bot — also from a
second, already running server on the same database, within the polling interval.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

from aiohttp.test_utils import TestClient, TestServer

from bot.app import create_app
from bot.runtime import build_runtime
from handlers.texts.handoff import HandoffTexts
from tests.conftest import make_settings
from tests.helpers import WebChat

QUESTION = "Pin cũ nộp ở đâu?"
ASKED_AGAIN = "pin cu nop o dau"  # the next citizens ask it their way
ENTRY = {
    "id": "thu-gom-pin-cu",
    "topic": "one-stop-office",
    "title": "Thu gom pin cũ",
    "question": "Nộp pin cũ, pin hỏng ở đâu?",
    "phrasings": [QUESTION, "thu gom pin cũ ở đâu", "chỗ bỏ pin hỏng"],
    "keywords": ["pin cũ", "pin hỏng"],
    "answer": (
        "Pin cũ, pin hỏng không bỏ chung rác sinh hoạt. {office_name} có thùng thu gom "
        "ở sảnh ({office_address}), mở cửa {office_hours}.\n"
        "Bước tiếp theo: mang pin đến thùng thu gom, hoặc gọi {office_phone} để hỏi."
    ),
    "source": "Luật Bảo vệ môi trường 2020 (72/2020/QH14)",
    "reviewed": "2026-11-16",
}


async def answered_within(chat: WebChat, text: str, entry_id: str, seconds: float) -> float:
    """Ask until the bot answers with ``entry_id``; how long it took (fails after ``seconds``)."""
    started = time.monotonic()
    while True:
        replies = await chat.say(text)
        if replies[0]["meta"].get("entry_id") == entry_id:
            return time.monotonic() - started
        assert time.monotonic() - started < seconds, (text, replies[0]["text"][:200])
        await asyncio.sleep(0.3)


async def test_a_person_answers_then_the_bot_and_the_new_entry_everywhere(
    runtime: Any,
    server: TestServer,
    client: TestClient,
    citizen: Any,
    staff_api: Any,
    db_url: str,
    clock: Any,
    content: Any,
) -> None:
    t = HandoffTexts.of(runtime.texts)
    team = await staff_api("digital_team", full_name="Trần Thị Thử")

    # The bot cannot answer; the citizen presses "Gặp cán bộ" under the apology.
    ana = citizen("ana")
    replies = await ana.say(QUESTION)
    assert replies[0]["meta"]["intent"] == "fallback"
    replies = await ana.press("Gặp cán bộ")
    assert "đang trong giờ làm việc" in replies[0]["text"]  # Monday 9:00 in Vietnam
    assert t.team() in replies[0]["text"]
    # While a person handles it the bot is quiet, even for what it could answer.
    assert await ana.say("Nhà tôi ở thôn 3, pin điện thoại cũ") == []
    assert await ana.say("làm lại căn cước ở đâu") == []

    status, listed = await team.get("/staff/api/conversations", status="open")
    assert status == 200
    [conversation] = listed["conversations"]
    assert set(conversation) == {"id", "channel", "opened_at", "messages"}
    assert conversation["channel"] == "web"
    texts = [(m["from"], m["text"]) for m in conversation["messages"]]
    assert texts[0] == ("citizen", QUESTION)  # the question asked just before comes along
    assert texts[1][0] == "bot"
    assert texts[2:] == [
        ("citizen", "Nhà tôi ở thôn 3, pin điện thoại cũ"),
        ("citizen", "làm lại căn cước ở đâu"),
    ]
    assert all(set(m) == {"from", "text", "at"} for m in conversation["messages"])
    cid = conversation["id"]

    answer = "Chào bác, bác mang pin cũ đến thùng thu gom ở sảnh bộ phận một cửa nhé."
    status, body = await team.post(f"/staff/api/conversations/{cid}/messages", {"text": answer})
    assert status == 200, body
    assert body["assignee"] == "Trần Thị Thử" and body["waiting_seconds"] is None
    pushed = await ana.pushed()
    assert [m["text"] for m in pushed] == [t.staff_says(text=answer)]

    status, _ = await team.post(f"/staff/api/conversations/{cid}/close")
    assert status == 200
    pushed = await ana.pushed()
    assert [m["text"] for m in pushed] == [t.closed_by_staff()]
    replies = await ana.say("làm lại căn cước ở đâu")
    assert replies[0]["meta"]["intent"] == "faq" and replies[0]["meta"]["topic"]
    status, closed = await team.get("/staff/api/conversations", status="closed")
    assert [c["id"] for c in closed["conversations"]] == [cid]
    assert (await team.get("/staff/api/conversations", status="open"))[1]["conversations"] == []

    # A second server on the same database, running before the entry exists.
    other_runtime = await build_runtime(
        make_settings(db_url), clock=clock, migrate=False, content=content
    )
    other_server = TestServer(create_app(other_runtime, run_background=True))
    await other_server.start_server()
    other = TestClient(other_server)
    await other.start_server()
    try:
        far = WebChat(other, user_id="far-away-citizen-0123456789abcdef")
        assert (await far.say(ASKED_AGAIN))[0]["meta"].get("entry_id") != ENTRY["id"]

        status, saved = await team.post("/staff/api/kb/entries", ENTRY)
        assert status == 201, saved
        assert saved["origin"] == "database" and saved["updated_by"] == "Trần Thị Thử"
        assert runtime.profile.office.address in saved["preview"]["text"]  # placeholders filled
        assert saved["history"][0]["action"] == "create"

        # This process and the other one answer with it within seconds, without a restart.
        bob = citizen("bob")
        await answered_within(bob, ASKED_AGAIN, ENTRY["id"], 10)
        assert runtime.profile.office.phone in bob.replies[0]["text"]
        await answered_within(far, ASKED_AGAIN, ENTRY["id"], 10)
    finally:
        await other.close()
        await other_server.close()
        await other_runtime.close()


async def test_the_menu_button_and_typed_words_open_it_and_huy_ends_it(
    runtime: Any, citizen: Any, staff_api: Any
) -> None:
    t = HandoffTexts.of(runtime.texts)
    team = await staff_api("office")
    cara = citizen("cara")
    await cara.say("/menu")
    replies = await cara.press("Gặp cán bộ")  # the main menu's button
    assert replies[0]["buttons"][0]["payload"] == "cmd:huy"
    replies = await cara.say("/huy")
    assert replies[0]["text"] == t.left()
    assert (await cara.say("làm lại căn cước ở đâu"))[0]["meta"]["intent"] == "faq"

    dan = citizen("dan")
    replies = await dan.say("cho tôi nói chuyện với cán bộ")
    assert t.team() in replies[0]["text"]
    replies = await dan.say("menu")  # the menu ends it too, and says so above the menu
    assert replies[0]["text"].startswith(t.left_note())
    _, listed = await team.get("/staff/api/conversations", status="closed")
    assert len(listed["conversations"]) == 2
    # A phone number is a fact the bot gives, not a request for a person.
    replies = await dan.say("số điện thoại của xã là gì")
    assert replies[0]["meta"].get("topic") == "contact-human"
    assert runtime.profile.hotline in replies[0]["text"]
