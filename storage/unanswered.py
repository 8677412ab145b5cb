"""Questions the bot could not answer well, counted so the digital team can add entries.

Only the normalised text is kept (no user id, no channel): it is for improving the knowledge
base, not for following people.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import UnansweredQuestion
from storage.upsert import insert_ignore

MAX_TEXT = 300
# Phone and ID-card numbers a citizen typed are not kept: seven digits or more become ***.
LONG_NUMBER = re.compile(r"\+?\d(?:[\s.\-]?\d){6,}")


@dataclass(frozen=True)
class UnansweredRow:
    text: str
    count: int
    band: str
    first_seen: dt.datetime
    last_seen: dt.datetime
    suggestions: tuple[str, ...]


async def record_unanswered(
    session: AsyncSession,
    commune_id: str,
    text: str,
    now: dt.datetime,
    band: str = "none",
    suggestions: Sequence[str] = (),
) -> None:
    """Count one more occurrence of this normalised question."""
    text = LONG_NUMBER.sub("***", text).strip()[:MAX_TEXT]
    if not text:
        return
    created = await insert_ignore(
        session,
        UnansweredQuestion,
        {
            "commune_id": commune_id,
            "text": text,
            "count": 1,
            "band": band,
            "suggestions": {"topics": list(suggestions)},
            "first_seen": now,
            "last_seen": now,
        },
        ["commune_id", "text"],
    )
    if created is None:
        await session.execute(
            update(UnansweredQuestion)
            .where(UnansweredQuestion.commune_id == commune_id, UnansweredQuestion.text == text)
            .values(
                count=UnansweredQuestion.count + 1,
                last_seen=now,
                band=band,
                suggestions={"topics": list(suggestions)},
            )
        )


async def top_unanswered(
    session: AsyncSession, commune_id: str, limit: int = 20, since: dt.datetime | None = None
) -> list[UnansweredRow]:
    """The most frequent unanswered questions, most frequent first."""
    stmt = select(UnansweredQuestion).where(UnansweredQuestion.commune_id == commune_id)
    if since is not None:
        stmt = stmt.where(UnansweredQuestion.last_seen >= since)
    stmt = stmt.order_by(
        UnansweredQuestion.count.desc(), UnansweredQuestion.last_seen.desc()
    ).limit(limit)
    rows = (await session.execute(stmt)).scalars().all()
    return [
        UnansweredRow(
            text=r.text,
            count=r.count,
            band=r.band,
            first_seen=r.first_seen,
            last_seen=r.last_seen,
            suggestions=tuple((r.suggestions or {}).get("topics", [])),
        )
        for r in rows
    ]
