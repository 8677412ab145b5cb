"""Supervision (giám sát) of a session's items: per body responsible, what is forwarded,
answered, overdue and carried over from an earlier session, and the share answered on time."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from handlers.council.reports import Item, SessionData
from handlers.texts import Texts
from handlers.texts.council import CouncilTexts
from handlers.workflow.calendar import vn_today


def _row(item: Item, texts: Texts, today: dt.date) -> dict[str, Any]:
    lead = item.lead
    answered = lead.answered_at is not None and bool(lead.answer)
    answered_day = vn_today(lead.answered_at) if lead.answered_at else None
    due = lead.due_date
    return {
        "code": lead.code,
        "summary": item.summary,
        "responsible": lead.forwarded_to or CouncilTexts.of(texts).default_responsible(),
        "status": lead.status,
        "voters": len(item.members),
        "due": due.isoformat() if due else None,
        "forwarded": lead.forwarded_at is not None,
        "answered": answered,
        "overdue": not answered and due is not None and due < today,
        "on_time": answered
        and (due is None or (answered_day is not None and answered_day <= due)),
        "carried_over": item.first_raised is not None,
        "first_raised_session": item.first_raised,
        "link": f"/staff/petitions/{lead.code}",
    }


def summarize(
    data: SessionData, texts: Texts, today: dt.date, sees: Callable[[str | None], bool]
) -> dict[str, Any]:
    """Items and per-body counts, only the items the reader may see (a committee: its own)."""
    rows = [_row(i, texts, today) for i in data.items if sees(i.lead.committee)]
    bodies: dict[str, dict[str, Any]] = {}
    for row in rows:
        body = bodies.setdefault(
            row["responsible"],
            {
                "body": row["responsible"],
                "items": 0,
                "forwarded": 0,
                "answered": 0,
                "overdue": 0,
                "carried_over": 0,
                "on_time": 0,
            },
        )
        body["items"] += 1
        for key in ("forwarded", "answered", "overdue", "carried_over", "on_time"):
            body[key] += 1 if row[key] else 0
    for body in bodies.values():
        body["on_time_share"] = (
            round(body["on_time"] / body["forwarded"], 3) if body["forwarded"] else None
        )
    return {
        "session": {"id": data.target.id, "number": data.target.number},
        "bodies": list(bodies.values()),
        "items": rows,
    }
