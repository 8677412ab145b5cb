"""Sessions (kỳ họp): checked input, the profile's schedule taken in, and which session a
petition is compiled for.

The profile's ``council.sessions`` and the sessions staff enter are one list: the schedule's
sessions are stored once (``from_profile``) the first time the list is read, numbered from the
"thứ N" in their title (else after the last one), and are edited like any other afterwards.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.texts import Texts
from handlers.texts.council import CouncilTexts
from handlers.workflow import InvalidChange
from handlers.workflow.calendar import VN_TZ, parse_day, vn_today
from knowledge.commune import Event
from knowledge.profile import CommuneProfile
from storage import council as repo
from storage.models import CouncilSession, Petition

MAX_TITLE = 300
_NUMBER = re.compile(r"thứ\s+(\d{1,3})", re.IGNORECASE)


@dataclass(frozen=True)
class SessionInput:
    """A session as staff give it; ``check_session`` turns raw values into one."""

    number: int
    term: str
    date: dt.date
    title: str = ""
    place: str = ""
    note: str = ""


def check_session(
    texts: Texts,
    number: object,
    term: object,
    date: object,
    title: object = "",
    place: object = "",
    note: object = "",
) -> SessionInput:
    """Raw values (JSON or a form) → SessionInput; InvalidChange with a Vietnamese message."""
    t = CouncilTexts.of(texts)
    if isinstance(number, str) and number.strip().isdigit():
        number = int(number.strip())
    if isinstance(number, bool) or not isinstance(number, int) or not 1 <= number <= 999:
        raise InvalidChange(t.session_number())
    term_text = " ".join(str(term or "").split())
    if not term_text or len(term_text) > 100:
        raise InvalidChange(t.session_term())
    day = parse_day(str(date or ""))
    if day is None:
        raise InvalidChange(t.session_date(value=str(date)[:40]))
    title_text = " ".join(str(title or "").split())
    if len(title_text) > MAX_TITLE or len(str(place or "")) > MAX_TITLE:
        raise InvalidChange(t.session_title_long(max=MAX_TITLE))
    return SessionInput(
        number,
        term_text,
        day,
        title_text,
        str(place or "").strip(),
        str(note or "").strip()[:2000],
    )


async def save_session(
    session: AsyncSession,
    texts: Texts,
    commune_id: str,
    data: SessionInput,
    now: dt.datetime,
    existing: CouncilSession | None = None,
) -> CouncilSession:
    """Create (or edit ``existing``); a number already used in the term is refused."""
    taken = await repo.find_number(session, commune_id, data.term, data.number)
    if taken is not None and (existing is None or taken.id != existing.id):
        raise InvalidChange(
            CouncilTexts.of(texts).session_taken(
                number=data.number, term=data.term, date=taken.date.strftime("%d/%m/%Y")
            )
        )
    row = existing or CouncilSession(commune_id=commune_id, created_at=now)
    row.number, row.term, row.date = data.number, data.term, data.date
    row.title, row.place, row.note = data.title, data.place, data.note
    if existing is None:
        session.add(row)
    await session.flush()
    return row


async def sessions(
    session: AsyncSession, profile: CommuneProfile, texts: Texts, now: dt.datetime
) -> list[CouncilSession]:
    """Every session, the profile's schedule included (stored the first time it is seen)."""
    rows = await repo.list_sessions(session, profile.id)
    known = {r.date for r in rows}
    missing = [e for e in profile.council_sessions if e.date is not None and e.date not in known]
    if not missing:
        return rows
    numbers = {r.number for r in rows}
    try:
        async with session.begin_nested():  # two first readers at once: one stores them
            for event in missing:
                found = _NUMBER.search(event.title)
                number = int(found.group(1)) if found else max(numbers, default=0) + 1
                while number in numbers:
                    number += 1
                numbers.add(number)
                session.add(
                    CouncilSession(
                        commune_id=profile.id,
                        number=number,
                        date=event.date,
                        title=event.title,
                        term=CouncilTexts.of(texts).profile_session_term(),
                        place=event.place,
                        note=event.note,
                        from_profile=True,
                        created_at=now,
                    )
                )
            await session.flush()
    except IntegrityError:
        pass  # another request stored them a moment ago
    return await repo.list_sessions(session, profile.id)


def default_session(rows: list[CouncilSession], petition: Petition) -> CouncilSession | None:
    """The session a petition is compiled for: its own, or the next after it was received."""
    if petition.session_id is not None:
        return next((r for r in rows if r.id == petition.session_id), None)
    return repo.session_for_day(rows, vn_today(petition.created_at))


def window_bounds(
    rows: list[CouncilSession], target: CouncilSession
) -> tuple[dt.datetime | None, dt.datetime]:
    """The UTC instants of a session's default window (see ``storage.council.window``)."""
    start_day, end_day = repo.window(rows, target)

    def after(day: dt.date) -> dt.datetime:
        local = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), VN_TZ)
        return local.astimezone(dt.UTC)

    return (after(start_day) if start_day else None), after(end_day)


async def petitions_for(
    session: AsyncSession,
    profile: CommuneProfile,
    rows: list[CouncilSession],
    target: CouncilSession,
) -> list[Petition]:
    """The petitions compiled for ``target`` (moved there, or unmoved in its window)."""
    start, end = window_bounds(rows, target)
    return await repo.petitions_of_session(session, profile.id, target, rows, start, end)


async def schedule(
    session: AsyncSession, profile: CommuneProfile, texts: Texts
) -> tuple[Event, ...] | None:
    """The sessions as the chat lists them ({council_sessions}), in date order: the stored ones
    and the profile's not stored yet (as ``sessions`` will store them); None before staff
    entered any, when the profile's schedule is the whole list."""
    rows = await repo.list_sessions(session, profile.id)
    if not rows:
        return None
    t = CouncilTexts.of(texts)
    known = {r.date for r in rows}
    stored = [
        Event(r.date, r.title or t.session_in_chat(number=r.number), place=r.place, note=r.note)
        for r in rows
    ]
    pending = [e for e in profile.council_sessions if e.date is not None and e.date not in known]
    return tuple(sorted((*stored, *pending), key=lambda e: e.date or dt.date.max))
