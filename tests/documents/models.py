"""Small, explicit models for the document tests (the commune and people are fictional)."""

from __future__ import annotations

import datetime as dt

from handlers.council.documents import (
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
)

SESSION = SessionInfo(
    9, "HĐND xã Tân Phú An", "khóa XXI, nhiệm kỳ 2021–2026", dt.date(2026, 12, 17)
)
ISSUER = IssuingBody("HĐND xã Tân Phú An", "Thường trực", "Thường trực HĐND xã Tân Phú An")


def header(**changes) -> DocumentHeader:
    values = {
        "issuer": ISSUER,
        "place": "Tân Phú An",
        "signature": Signature(name="Trần Văn Mẫu"),
        "issued": dt.date(2026, 12, 2),
        "recipients": ("UBND xã", "Ban Thường trực Ủy ban MTTQ Việt Nam xã", "Lưu: VT"),
    }
    values.update(changes)
    return DocumentHeader(**values)


def empty_compilation(**changes) -> CompilationReport:
    values = {"header": header(), "session": SESSION, "meetings": 2, "voters_attending": 80}
    values.update(changes)
    return CompilationReport(**values)


def result(summary: str, resolution: Resolution | None, first: int | None = None, **kw):
    return ResultItem(
        summary,
        "UBND xã",
        kw.pop("answer", "Trả lời."),
        resolution,
        first_raised_session=first,
        **kw,
    )


def results_report(sections: tuple[ResultSection, ...]) -> ResultsReport:
    return ResultsReport(header(), SESSION, sections, as_of=dt.date(2026, 12, 12))


def one_item_compilation(summary: str) -> CompilationReport:
    item = CompiledItem(summary, ("Thôn 1",))
    section = CommitteeSection("Ban Kinh tế - Ngân sách", (FieldSection("Giao thông", (item,)),))
    return empty_compilation(sections=(section,))
