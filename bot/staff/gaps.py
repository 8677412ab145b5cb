"""Knowledge gaps: the questions the bot could not answer well, most frequent first.

The digital team reads this page to decide which answers to add to the knowledge base. Only the
normalised question text is stored (no user, no channel) — but citizens do type their phone, ID
card (CCCD, 12 digits) or social-insurance number into a question, and the digital team is a
role that must never see such data. Every run of seven or more digits is therefore shown as
``***``: a question's topic never hangs on a long number.

Each question is matched again against today's knowledge base (with the entries saved on the
dashboard), so the team sees which gaps an entry now covers; "Tạo mục" opens the editor with the
question filled in.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from aiohttp import web

from bot.staff.auth import page
from bot.staff.config import config
from bot.staff.pages import render
from storage.unanswered import LONG_NUMBER, top_unanswered

WINDOWS = {
    "7": "7 ngày qua",
    "30": "30 ngày qua",
    "90": "3 tháng qua",
    "365": "1 năm qua",
    "all": "Từ trước đến nay",
}
BANDS = {"none": "Không tìm được câu trả lời", "suggest": "Chỉ gợi ý được vài chủ đề"}


def mask_numbers(text: str) -> str:
    """Phone, ID-card and insurance numbers out of a question before anyone reads it: the rule
    ``record_unanswered`` applies when storing, applied again so the page never relies on it."""
    return LONG_NUMBER.sub("***", text)


def answered_by(runtime: Any, text: str) -> str:
    """The title of the entry that answers this question now, or ''."""
    match = runtime.matcher.match(text)
    if match.intent != "faq" or match.band != "answer" or not match.entry_id:
        return ""
    entry = runtime.kb.get(match.entry_id)
    return entry.title if entry is not None else ""


@page("gaps")
async def gaps_page(request: web.Request) -> web.StreamResponse:
    cfg = config(request)
    runtime = cfg.runtime
    window = request.query.get("days", "30")
    if window not in WINDOWS:
        window = "30"
    since = None if window == "all" else cfg.now() - dt.timedelta(days=int(window))
    async with runtime.db.read() as session:
        rows = await top_unanswered(session, runtime.profile.id, limit=100, since=since)
    titles: dict[str, str] = dict(runtime.kb.topics)
    items = [
        {
            "text": mask_numbers(row.text),
            "answered_by": answered_by(runtime, row.text),
            "count": row.count,
            "band": BANDS.get(row.band, row.band),
            "first_seen": row.first_seen,
            "last_seen": row.last_seen,
            "suggestions": [titles.get(t, t) for t in row.suggestions],
        }
        for row in rows
    ]
    return render(request, "gaps.html", {"items": items, "windows": WINDOWS, "window": window})
