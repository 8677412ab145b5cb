"""The content of a session's three Word documents, as typed, frozen data.

The workflow fills these from the database; ``bot.documents`` renders them into .docx files in
the format of Decree 30/2020/NĐ-CP. Nothing here does I/O.

Personal data: an item carries the staff summary, the villages and how many voters raised it —
there is deliberately no field for a citizen's name, phone number or address, so a document
built from this model cannot print one. (The only person named is the official who signs, which
the decree requires.) The renderer also masks anything in free text that reads as a phone number.

Order is the caller's: committees in the profile's order (``group_by``), fields in the profile's
category order, items as staff sorted them. The renderer numbers items 1, 2, 3… across the whole
document in that order, so the compilation, the appendix and the results report built from the
same ordering give an item the same STT.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TypeVar

T = TypeVar("T")


# --- the common parts of every document -------------------------------------------------------


@dataclass(frozen=True)
class IssuingBody:
    """Who issues the document: "HĐND XÃ TÂN PHÚ AN" (parent) over "THƯỜNG TRỰC" (name).

    ``in_text`` is the body as named inside a sentence ("Thường trực HĐND xã Tân Phú An"), used
    for instance in the appendix's "(Kèm theo Công văn số … của …)".
    """

    parent: str
    name: str
    in_text: str


@dataclass(frozen=True)
class Signature:
    """The signature block: "TM. THƯỜNG TRỰC HĐND" / ["KT. CHỦ TỊCH"] / "CHỦ TỊCH" / name.

    ``deputy_for`` set ("CHỦ TỊCH") makes the "KT." variant a deputy signs with, whose ``title``
    is then "PHÓ CHỦ TỊCH". ``name`` is the signing official's, printed under the signature;
    empty leaves the space to be written by hand.
    """

    title: str = "CHỦ TỊCH"
    on_behalf: str = "TM. THƯỜNG TRỰC HĐND"
    deputy_for: str = ""
    name: str = ""


@dataclass(frozen=True)
class DocumentHeader:
    """The parts of Decree 30's layout every document of the session shares.

    ``number`` empty prints "Số:      /BC-HĐND", the office writes the number when it registers
    the document; ``issued`` None likewise leaves the day blank. ``recipients`` are the "Nơi
    nhận:" lines without the leading dash or the closing punctuation ("UBND xã", "Lưu: VT").
    """

    issuer: IssuingBody
    place: str
    signature: Signature
    symbol: str = "BC-HĐND"
    number: str = ""
    issued: dt.date | None = None
    recipients: tuple[str, ...] = ()


@dataclass(frozen=True)
class SessionInfo:
    """The session the documents are for: "kỳ họp thứ 9, HĐND xã Tân Phú An khóa XXI, …"."""

    number: int
    council: str
    term: str
    date: dt.date | None = None

    def __post_init__(self) -> None:
        if self.number < 1:
            raise ValueError("session number must be 1 or more")


def _check_item(summary: str, voters: int) -> None:
    if not summary.strip():
        raise ValueError("an item needs a summary")
    if voters < 1:
        raise ValueError("an item is raised by at least one voter (lượt)")


# --- the compilation report (báo cáo tổng hợp ý kiến, kiến nghị cử tri) -----------------------


@dataclass(frozen=True)
class CompiledItem:
    """One item after identical opinions were merged: raised ``voters`` times (lượt)."""

    summary: str
    villages: tuple[str, ...] = ()
    voters: int = 1

    def __post_init__(self) -> None:
        _check_item(self.summary, self.voters)


@dataclass(frozen=True)
class FieldSection:
    """The items of one field (the petition category, e.g. "Giao thông, thủy lợi")."""

    name: str
    items: tuple[CompiledItem, ...]


@dataclass(frozen=True)
class CommitteeSection:
    """The items a committee follows (e.g. "Ban Kinh tế - Ngân sách"), by field."""

    name: str
    fields: tuple[FieldSection, ...]

    @property
    def items(self) -> tuple[CompiledItem, ...]:
        return tuple(item for f in self.fields for item in f.items)


@dataclass(frozen=True)
class SpotAnswer:
    """An opinion answered on the spot at a meeting: by whom (an office or title) and how."""

    summary: str
    answered_by: str
    answer: str
    villages: tuple[str, ...] = ()
    voters: int = 1

    def __post_init__(self) -> None:
        _check_item(self.summary, self.voters)


@dataclass(frozen=True)
class CompilationReport:
    """Báo cáo tổng hợp ý kiến, kiến nghị của cử tri for one session.

    ``meetings`` and ``voters_attending`` come from the meetings' records; the opinion counts are
    derived from the items so they can never disagree with the list printed below them.
    """

    header: DocumentHeader
    session: SessionInfo
    meetings: int = 0
    voters_attending: int = 0
    first_meeting: dt.date | None = None
    last_meeting: dt.date | None = None
    sections: tuple[CommitteeSection, ...] = ()
    answered_on_spot: tuple[SpotAnswer, ...] = ()

    @property
    def items(self) -> tuple[CompiledItem, ...]:
        """The items forwarded for an answer, in document order."""
        return tuple(item for s in self.sections for item in s.items)

    @property
    def opinions(self) -> int:
        """Lượt ý kiến, kiến nghị: every voter's opinion before merging, answered ones included."""
        return sum(i.voters for i in self.items) + sum(a.voters for a in self.answered_on_spot)

    @property
    def is_empty(self) -> bool:
        return not self.items and not self.answered_on_spot


# --- the appendix to the letter forwarding the items to the UBND ------------------------------


@dataclass(frozen=True)
class AppendixRow:
    """One line of the appendix table: what, where, who must answer, by when."""

    summary: str
    responsible: str
    villages: tuple[str, ...] = ()
    voters: int = 1
    due: dt.date | None = None

    def __post_init__(self) -> None:
        _check_item(self.summary, self.voters)


@dataclass(frozen=True)
class AppendixSection:
    """The rows of one committee."""

    name: str
    rows: tuple[AppendixRow, ...]


@dataclass(frozen=True)
class Appendix:
    """Phụ lục: the list attached to the standing committee's letter (công văn) to the UBND.

    ``header`` describes that letter: its number and symbol (e.g. "HĐND"), date and issuer, which
    the appendix cites as "(Kèm theo Công văn số …)".
    """

    header: DocumentHeader
    session: SessionInfo
    sections: tuple[AppendixSection, ...] = ()

    @property
    def rows(self) -> tuple[AppendixRow, ...]:
        return tuple(row for s in self.sections for row in s.rows)


# --- the results report (báo cáo kết quả giải quyết ý kiến, kiến nghị cử tri) -----------------


class Resolution(StrEnum):
    """How an answer settled an item, in the classes council reports count."""

    RESOLVED = "resolved"
    IN_PROGRESS = "in_progress"
    EXPLAINED = "explained"
    UNRESOLVED = "unresolved"

    @property
    def label(self) -> str:
        return RESOLUTION_LABELS[self]


RESOLUTION_LABELS: dict[Resolution, str] = {
    Resolution.RESOLVED: "Đã giải quyết",
    Resolution.IN_PROGRESS: "Đang giải quyết",
    Resolution.EXPLAINED: "Đã giải thích, cung cấp thông tin",
    Resolution.UNRESOLVED: "Chưa giải quyết",
}
OPEN = frozenset({Resolution.IN_PROGRESS, Resolution.UNRESOLVED})


@dataclass(frozen=True)
class ResultItem:
    """An item with the answer it got and its class.

    ``resolution`` None means no written answer has arrived: it counts as not resolved.
    ``plan``/``deadline`` say how and by when an item being resolved will be. An item first raised
    at an earlier session (``first_raised_session``) that is still open is called out as repeated.
    """

    summary: str
    responsible: str
    answer: str = ""
    resolution: Resolution | None = None
    villages: tuple[str, ...] = ()
    voters: int = 1
    plan: str = ""
    deadline: dt.date | None = None
    first_raised_session: int | None = None

    def __post_init__(self) -> None:
        _check_item(self.summary, self.voters)

    @property
    def counted_as(self) -> Resolution:
        return self.resolution or Resolution.UNRESOLVED

    @property
    def is_open(self) -> bool:
        return self.counted_as in OPEN


@dataclass(frozen=True)
class ResultSection:
    """The items of one committee."""

    name: str
    items: tuple[ResultItem, ...]

    def tally(self) -> Tally:
        return Tally.of(self.items)


@dataclass(frozen=True)
class Tally:
    """How many items fall in each class (unanswered ones counted as not resolved)."""

    total: int
    by_class: dict[Resolution, int] = field(hash=False)
    unanswered: int = 0

    @classmethod
    def of(cls, items: Iterable[ResultItem]) -> Tally:
        items = list(items)
        counts = dict.fromkeys(Resolution, 0)
        for item in items:
            counts[item.counted_as] += 1
        unanswered = sum(1 for i in items if i.resolution is None)
        return cls(total=len(items), by_class=counts, unanswered=unanswered)


@dataclass(frozen=True)
class ResultsReport:
    """Báo cáo kết quả giải quyết ý kiến, kiến nghị của cử tri, presented at the session.

    ``as_of`` is the day the answers were counted ("tính đến ngày …").
    """

    header: DocumentHeader
    session: SessionInfo
    sections: tuple[ResultSection, ...] = ()
    as_of: dt.date | None = None

    @property
    def items(self) -> tuple[ResultItem, ...]:
        return tuple(item for s in self.sections for item in s.items)

    def tally(self) -> Tally:
        return Tally.of(self.items)

    def repeated(self) -> tuple[ResultItem, ...]:
        """Items raised at an earlier session and still open, in document order."""
        return tuple(
            i
            for i in self.items
            if i.is_open
            and i.first_raised_session is not None
            and i.first_raised_session < self.session.number
        )


# --- grouping in the profile's order ----------------------------------------------------------


def group_by(
    entries: Iterable[T], key: Callable[[T], str], order: Sequence[str] = ()
) -> list[tuple[str, list[T]]]:
    """Group ``entries`` by ``key``: groups named in ``order`` first, in that order, then the
    others in the order first seen; entries keep their order inside a group.

    The workflow uses it to put committees in the profile's order and fields in the profile's
    category order before building the sections above.
    """
    groups: dict[str, list[T]] = {}
    for entry in entries:
        groups.setdefault(key(entry), []).append(entry)
    rank = {name: i for i, name in enumerate(order)}
    seen = {name: i for i, name in enumerate(groups)}
    names = sorted(groups, key=lambda n: (0, rank[n]) if n in rank else (1, seen[n]))
    return [(name, groups[name]) for name in names]
