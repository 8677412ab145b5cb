"""The supervision view's data, read for one staff member (committee accounts: their items)."""

from __future__ import annotations

from typing import Any

from bot.runtime import Runtime
from bot.staff.roles import StaffUser
from handlers.council import reports
from handlers.council import supervision as rules
from handlers.workflow.calendar import vn_today
from storage import council as council_repo


async def for_session(runtime: Runtime, session_id: int, user: StaffUser) -> dict[str, Any] | None:
    """The session's supervision summary, or None when there is no such session."""
    profile, texts, now = runtime.profile, runtime.texts, runtime.clock()
    async with runtime.db.write() as session:
        target = await council_repo.get_session(session, profile.id, session_id)
        if target is None:
            return None
        data = await reports.load(session, profile, texts, target, now)
        return rules.summarize(data, texts, vn_today(now), user.sees)
