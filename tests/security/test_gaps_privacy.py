"""The knowledge-gaps page is for the digital team, a role that must never see a citizen's
contact details: numbers citizens type into questions are masked there."""

from __future__ import annotations

from typing import Any

from aiohttp.test_utils import TestServer

from bot.staff.gaps import mask_numbers
from storage.communes import ensure_commune
from storage.unanswered import record_unanswered
from tests.helpers import WebChat
from tests.staff.helpers import make_account, signed_in


async def test_numbers_typed_into_questions_are_masked_for_the_digital_team(
    runtime: Any, server: TestServer, chat_client: Any, clock: Any
) -> None:
    chat = WebChat(chat_client)
    await chat.say("xyz 0912345678 qwerty zzz")  # unanswerable: lands in the gaps list
    async with runtime.db.write() as session:
        await ensure_commune(session, runtime.profile.id, runtime.profile.name)
        await record_unanswered(
            session, runtime.profile.id, "cccd 001234567890 bi khoa ngan hang thi sao", clock()
        )
    agent = await signed_in(server, (await make_account(runtime, "digital_team")).username)
    try:
        assert (await agent.get("/staff/gaps")).status == 200
        page = agent.last_html
        assert "xyz *** qwerty zzz" in page
        assert "cccd *** bi khoa ngan hang thi sao" in page
        assert "0912345678" not in page and "001234567890" not in page
    finally:
        await agent.close()


def test_short_numbers_that_carry_the_question_stay() -> None:
    assert mask_numbers("thon 3 nam 2026 ho so 15 ngay") == "thon 3 nam 2026 ho so 15 ngay"
    assert mask_numbers("goi 0912 345 678 hoac +84912345678") == "goi *** hoac ***"
