"""The knowledge-gaps page: the most frequent questions the bot could not answer."""

from __future__ import annotations

import datetime as dt
from typing import Any

from aiohttp.test_utils import TestServer

from storage.communes import ensure_commune
from storage.unanswered import record_unanswered
from tests.staff.helpers import make_account, signed_in


async def test_digital_team_sees_the_most_frequent_unanswered_questions(
    runtime: Any, server: TestServer, clock: Any
) -> None:
    now = clock()
    async with runtime.db.write() as session:
        await ensure_commune(session, runtime.profile.id, runtime.profile.name)
        for _ in range(3):
            await record_unanswered(session, runtime.profile.id, "cach dang ky xe dien", now)
        await record_unanswered(
            session,
            runtime.profile.id,
            "lich tiem chung",
            now,
            band="suggest",
            suggestions=["can-cuoc-card"],
        )
        await record_unanswered(
            session, runtime.profile.id, "cau hoi tu nam ngoai", now - dt.timedelta(days=200)
        )
    agent = await signed_in(server, (await make_account(runtime, "digital_team")).username)
    try:
        response = await agent.get("/staff/gaps")
        assert response.status == 200
        text = agent.last_html
        assert text.index("cach dang ky xe dien") < text.index("lich tiem chung")
        assert ">3</td>" in text and "Chỉ gợi ý được vài chủ đề" in text
        assert "cau hoi tu nam ngoai" not in text  # older than the default 30 days
        await agent.get("/staff/gaps?days=all")
        assert "cau hoi tu nam ngoai" in agent.last_html
    finally:
        await agent.close()
