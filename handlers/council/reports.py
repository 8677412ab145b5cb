"""A session's three documents, filled from the database: the compilation report, the appendix
to the letter for the UBND and the results report (``handlers.council.documents`` models).

An item is a group of identical opinions (or one petition alone): it counts once, with as many
lượt as petitions of the session in it and the villages they came from; its text is the staff
summary where there is one (the lead's first), else the citizen's words. Names, phone numbers
and addresses never reach a model — it has no field for them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from handlers.council import sessions as council_sessions
from handlers.council.documents import (
    Appendix,
    AppendixRow,
    AppendixSection,
    CommitteeSection,
    CompilationReport,
    CompiledItem,
    DocumentHeader,
    FieldSection,
    IssuingBody,
    Resolution,
    ResultItem,
    ResultSection,
    ResultsReport,
    SessionInfo,
    Signature,
    SpotAnswer,
    group_by,
)
from handlers.texts import Texts
from handlers.texts.council import CouncilTexts
from handlers.workflow.calendar import vn_today
from handlers.workflow.states import ANSWERED, CLOSED, DUPLICATE, REJECTED
from knowledge.profile import CommuneProfile
from storage import council as repo
from storage.models import CouncilMeeting, CouncilSession, Petition

LEFT_OUT = (REJECTED, DUPLICATE)
RECIPIENTS = (
    "UBND xã",
    "Ban Thường trực Ủy ban MTTQ Việt Nam xã",
    "Các đại biểu HĐND xã",
    "Lưu: VT",
)


@dataclass
class Item:
    """One item of the session: its lead petition and the session's petitions in its group."""

    lead: Petition
    members: list[Petition]
    first_raised: int | None = None

    @property
    def summary(self) -> str:
        for p in (self.lead, *self.members):
            if p.summary:
                return p.summary
        return " ".join(self.lead.content.split())

    def villages(self, profile: CommuneProfile) -> tuple[str, ...]:
        names: list[str] = []
        for p in self.members:
            village = profile.village(p.village) if p.village else None
            if village is not None and village.name not in names:
                names.append(village.name)
        return tuple(names)


@dataclass
class SessionData:
    """What the three documents of one session are built from."""

    target: CouncilSession
    items: list[Item]
    spot: list[Petition]
    meetings: list[CouncilMeeting]


def header(profile: CommuneProfile, symbol: str = "BC-HĐND") -> DocumentHeader:
    """Issuer, place and signature from the profile (the council chair, when it names one)."""
    chair = next((p.name for p in profile.leaders if "chủ tịch hđnd" in p.role.lower()), "")
    place = profile.name.removeprefix("xã ").removeprefix("phường ").removeprefix("thị trấn ")
    council = f"HĐND {profile.name}"
    return DocumentHeader(
        issuer=IssuingBody(parent=council, name="Thường trực", in_text=f"Thường trực {council}"),
        place=place,
        signature=Signature(name=chair),
        symbol=symbol,
        recipients=RECIPIENTS,
    )


def session_info(profile: CommuneProfile, target: CouncilSession) -> SessionInfo:
    return SessionInfo(
        number=target.number, council=f"HĐND {profile.name}", term=target.term, date=target.date
    )


async def load(
    session: AsyncSession,
    profile: CommuneProfile,
    texts: Texts,
    target: CouncilSession,
    now: dt.datetime,
) -> SessionData:
    """The session's items (grouped), its spot answers and its meetings."""
    rows = await council_sessions.sessions(session, profile, texts, now)
    petitions = [
        p
        for p in await council_sessions.petitions_for(session, profile, rows, target)
        if p.status not in LEFT_OUT
    ]
    spot = [p for p in petitions if p.spot_answered_by]
    groups: dict[int, list[Petition]] = {}
    for p in petitions:
        if not p.spot_answered_by:
            groups.setdefault(p.group_id or p.id, []).append(p)
    items = []
    for lead_id, members in groups.items():
        everyone = await repo.group_members(session, lead_id)
        lead = next((p for p in everyone if p.id == lead_id), members[0])
        numbers = [
            s.number
            for p in everyone
            if (s := council_sessions.default_session(rows, p)) is not None
            and s.date < target.date
        ]
        items.append(Item(lead, members, min(numbers) if numbers else None))
    meetings = [
        m
        for m in await repo.list_meetings(session, profile.id)
        if m.session_id == target.id
        or (m.session_id is None and repo.session_for_day(rows, m.date) is target)
    ]
    meetings.sort(key=lambda m: (m.date, m.id))
    return SessionData(target, items, spot, meetings)


def _ordered(profile: CommuneProfile, items: Sequence[Item]) -> list[tuple[str, list[Item]]]:
    def committee(item: Item) -> str:
        found = profile.committee(item.lead.committee or "")
        return found.name if found else "Các ý kiến khác"

    return group_by(items, committee, [c.name for c in profile.committees])


def _field(profile: CommuneProfile, item: Item) -> str:
    found = profile.category(item.lead.category)
    return found.name if found else item.lead.category


def compilation(profile: CommuneProfile, texts: Texts, data: SessionData) -> CompilationReport:
    order = [c.name for c in profile.categories]
    sections = tuple(
        CommitteeSection(
            name,
            tuple(
                FieldSection(
                    field,
                    tuple(
                        CompiledItem(i.summary, i.villages(profile), len(i.members)) for i in group
                    ),
                )
                for field, group in group_by(items, lambda i: _field(profile, i), order)
            ),
        )
        for name, items in _ordered(profile, data.items)
    )
    spot = tuple(
        SpotAnswer(
            summary=p.summary or " ".join(p.content.split()),
            answered_by=p.spot_answered_by or "",
            answer=p.answer or "",
            villages=Item(p, [p]).villages(profile),
        )
        for p in data.spot
    )
    dates = [m.date for m in data.meetings]
    return CompilationReport(
        header=header(profile),
        session=session_info(profile, data.target),
        meetings=len(data.meetings),
        voters_attending=sum(m.attendance for m in data.meetings),
        first_meeting=min(dates, default=None),
        last_meeting=max(dates, default=None),
        sections=sections,
        answered_on_spot=spot,
    )


def _responsible(texts: Texts, item: Item) -> str:
    return item.lead.forwarded_to or CouncilTexts.of(texts).default_responsible()


def appendix(profile: CommuneProfile, texts: Texts, data: SessionData) -> Appendix:
    sections = tuple(
        AppendixSection(
            name,
            tuple(
                AppendixRow(
                    i.summary,
                    _responsible(texts, i),
                    i.villages(profile),
                    len(i.members),
                    i.lead.due_date,
                )
                for i in items
            ),
        )
        for name, items in _ordered(profile, data.items)
    )
    return Appendix(
        header=header(profile, "HĐND"),
        session=session_info(profile, data.target),
        sections=sections,
    )


def resolution_of(petition: Petition) -> Resolution | None:
    """The class an answer was given; an answer without one counts as information given."""
    if petition.status not in (ANSWERED, CLOSED) or not petition.answer:
        return None
    try:
        return Resolution(petition.resolution or "explained")
    except ValueError:
        return Resolution.EXPLAINED


def results(
    profile: CommuneProfile, texts: Texts, data: SessionData, now: dt.datetime
) -> ResultsReport:
    def result(item: Item) -> ResultItem:
        lead = item.lead
        resolution = resolution_of(lead)
        return ResultItem(
            summary=item.summary,
            responsible=_responsible(texts, item),
            answer=lead.answer or "",
            resolution=resolution,
            villages=item.villages(profile),
            voters=len(item.members),
            deadline=lead.due_date if resolution is Resolution.IN_PROGRESS else None,
            first_raised_session=item.first_raised,
        )

    sections = tuple(
        ResultSection(name, tuple(result(i) for i in items))
        for name, items in _ordered(profile, data.items)
    )
    return ResultsReport(
        header=header(profile),
        session=session_info(profile, data.target),
        sections=sections,
        as_of=vn_today(now),
    )
