"""Turn a document model into the placeholders its Word template reads.

Every value is already written the way the document prints it (dates per Decree 30, counts with a
thousands dot, shares with a decimal comma, texts in NFC with phone numbers masked), so a template
only places values and loops over lists. bot/documents/README.md lists every placeholder; keep it
in step with this module.
"""

from __future__ import annotations

from typing import Any

from bot.documents import formatting as f
from handlers.council.documents import (
    Appendix,
    CompilationReport,
    DocumentHeader,
    Resolution,
    ResultItem,
    ResultsReport,
    SessionInfo,
    Tally,
)

Context = dict[str, Any]


def common(header: DocumentHeader, session: SessionInfo) -> Context:
    """The header, session, "Nơi nhận:" and signature placeholders every template has."""
    sig = header.signature
    authority = [f.text(sig.on_behalf).upper()]
    if sig.deputy_for:
        authority.append("KT. " + f.text(sig.deputy_for).upper())
    authority.append(f.text(sig.title).upper())
    council = f.text(session.council)
    term = f.text(session.term)
    name = f"kỳ họp thứ {session.number}, {council} {term}".strip()
    return {
        "issuer_parent": f.text(header.issuer.parent).upper(),
        "issuer_name": f.text(header.issuer.name).upper(),
        "issuer_in_text": f.text(header.issuer.in_text),
        "number_line": f.number_line(header.number, f.text(header.symbol)),
        "place_date": f.place_date(f.text(header.place), header.issued),
        "issued_date": f.long_date(header.issued),
        "recipients": f.recipients(header.recipients),
        "signature_lines": [line for line in authority if line],
        "signer_name": f.text(sig.name),
        "session": {
            "number": str(session.number),
            "council": council,
            "term": term,
            "date": f.long_date(session.date) if session.date else "",
            "date_short": f.short_date(session.date),
            "name": name,
            "name_upper": name.upper(),
        },
    }


def _source(villages: tuple[str, ...], voters: int) -> str:
    """Where an item was raised and by how many: "Thôn 1, Thôn 3; 3 lượt cử tri"."""
    place = f.villages(villages)
    return f"{place}; {f.voters(voters)}" if place else f.voters(voters)


def _period(report: CompilationReport) -> str:
    first, last = report.first_meeting, report.last_meeting or report.first_meeting
    if first is None or last is None:
        return ""
    if first == last:
        return f"ngày {f.short_date(first)}"
    return f"từ ngày {f.short_date(first)} đến ngày {f.short_date(last)}"


def _compilation_intro(report: CompilationReport, forwarded: int, on_spot: int) -> str:
    """The opening paragraph, worded for whatever the counts are (zero meetings included)."""
    s = report.session
    parts = []
    if report.meetings:
        period = _period(report)
        parts.append(
            f"Thực hiện chương trình tiếp xúc cử tri trước kỳ họp thứ {s.number}, "
            f"{period + ', ' if period else ''}các tổ đại biểu {f.text(s.council)} "
            "đã phối hợp với Ban Thường trực Ủy ban Mặt trận Tổ quốc Việt Nam xã tổ chức "
            f"{f.number(report.meetings)} hội nghị tiếp xúc cử tri, "
            f"với {f.voters(report.voters_attending)} tham dự."
        )
    if report.is_empty:
        parts.append(f"Không có ý kiến, kiến nghị nào của cử tri gửi đến kỳ họp thứ {s.number}.")
        return " ".join(parts)
    parts.append(
        "Tổng hợp từ các hội nghị tiếp xúc cử tri và các kênh tiếp nhận khác (tiếp công dân, "
        f"đơn thư, kênh trực tuyến), có {f.number(report.opinions)} lượt ý kiến, kiến nghị "
        "của cử tri."
    )
    total = forwarded + on_spot
    sentence = (
        "Sau khi phân loại, gộp các ý kiến trùng nội dung, còn "
        f"{f.number(total)} ý kiến, kiến nghị"
    )
    if on_spot and forwarded:
        sentence += (
            f"; trong đó {f.number(on_spot)} ý kiến đã được trả lời trực tiếp tại hội nghị, "
            f"{f.number(forwarded)} ý kiến, kiến nghị đề nghị các cơ quan có thẩm quyền "
            "xem xét, giải quyết"
        )
    elif on_spot:
        sentence += ", tất cả đã được trả lời trực tiếp tại hội nghị"
    else:
        sentence += " đề nghị các cơ quan có thẩm quyền xem xét, giải quyết"
    parts.append(sentence + ". Cụ thể như sau:")
    return " ".join(parts)


def compilation(report: CompilationReport) -> Context:
    """Placeholders of compilation.docx."""
    committees = []
    stt = 0
    for section in report.sections:
        fields = []
        for field in section.fields:
            items = []
            for item in field.items:
                stt += 1
                items.append(
                    {
                        "stt": str(stt),
                        "summary": f.sentence(item.summary),
                        "villages": f.villages(item.villages),
                        "voters": f.number(item.voters),
                        "source": _source(item.villages, item.voters),
                    }
                )
            if items:
                fields.append(
                    {"name": f.text(field.name), "count": str(len(items)), "items": items}
                )
        if fields:
            name = f.text(section.name)
            committees.append(
                {
                    "name": name,
                    "name_upper": name.upper(),
                    "count": f.number(sum(len(x["items"]) for x in fields)),
                    "fields": fields,
                }
            )
    for i, c in enumerate(committees, start=1):  # numbered after empty ones are left out
        c["roman"] = f.roman(i)
    on_spot = [
        {
            "stt": str(i),
            "summary": f.sentence(a.summary),
            "villages": f.villages(a.villages),
            "voters": f.number(a.voters),
            "source": _source(a.villages, a.voters),
            "answered_by": f.text(a.answered_by),
            "answer": f.text(a.answer, multiline=True),
        }
        for i, a in enumerate(report.answered_on_spot, start=1)
    ]
    return {
        **common(report.header, report.session),
        "meetings": f.number(report.meetings),
        "voters_attending": f.number(report.voters_attending),
        "meeting_period": _period(report),
        "opinions": f.number(report.opinions),
        "items_count": f.number(stt),
        "on_spot_count": f.number(len(on_spot)),
        "intro": _compilation_intro(report, stt, len(on_spot)),
        "empty": report.is_empty,
        "committees": committees,
        "on_spot": on_spot,
        "on_spot_roman": f.roman(len(committees) + 1),
    }


def appendix(model: Appendix) -> Context:
    """Placeholders of appendix.docx."""
    sections = []
    stt = 0
    for section in model.sections:
        rows = []
        for row in section.rows:
            stt += 1
            rows.append(
                {
                    "stt": str(stt),
                    "summary": f.sentence(row.summary),
                    "villages": f.villages(row.villages),
                    "voters": f.number(row.voters),
                    "responsible": f.text(row.responsible),
                    "due": f.short_date(row.due),
                }
            )
        if rows:
            name = f.text(section.name)
            sections.append({"name": name, "name_upper": name.upper(), "rows": rows})
    for i, s in enumerate(sections, start=1):
        s["roman"] = f.roman(i)
    ctx = common(model.header, model.session)
    letter = f.text(model.header.number)
    letter = f"số {letter}/" if letter else f"số{f.BLANK}/"
    attached = (
        f"(Kèm theo Công văn {letter}{f.text(model.header.symbol)} {ctx['issued_date']} "
        f"của {ctx['issuer_in_text']})"
    )
    return {
        **ctx,
        "attached_note": attached,
        "empty": not sections,
        "sections": sections,
        "rows_count": f.number(stt),
    }


_CLASS_KEYS = {
    Resolution.RESOLVED: "resolved",
    Resolution.IN_PROGRESS: "in_progress",
    Resolution.EXPLAINED: "explained",
    Resolution.UNRESOLVED: "unresolved",
}


def _tally(name: str, tally: Tally) -> Context:
    row: Context = {"name": name, "total": f.number(tally.total)}
    for cls, key in _CLASS_KEYS.items():
        n = tally.by_class[cls]
        row[key] = f"{f.number(n)} ({f.share(n, tally.total)})"
    return row


def _result_line(item: ResultItem) -> str:
    """The class and plan: "Đang giải quyết (kế hoạch: …; thời hạn: 30/06/2027)"."""
    if item.resolution is None:
        return "Chưa giải quyết (chưa có văn bản trả lời)"
    line = item.resolution.label
    extra = []
    if item.plan.strip():
        extra.append(f"kế hoạch: {f.text(item.plan)}")
    if item.deadline:
        extra.append(f"thời hạn: {f.short_date(item.deadline)}")
    return f"{line} ({'; '.join(extra)})" if extra else line


def results(report: ResultsReport) -> Context:
    """Placeholders of results.docx."""
    repeated_ids = {id(i) for i in report.repeated()}
    sections, repeated = [], []
    stt = 0
    for section in report.sections:
        items = []
        for item in section.items:
            stt += 1
            is_repeated = id(item) in repeated_ids
            entry = {
                "stt": str(stt),
                "summary": f.sentence(item.summary),
                "source": _source(item.villages, item.voters),
                "responsible": f.text(item.responsible),
                "answer": f.text(item.answer, multiline=True) or "Chưa có văn bản trả lời.",
                "result": _result_line(item),
                "repeated": is_repeated,
                "first_raised": str(item.first_raised_session or ""),
            }
            items.append(entry)
            if is_repeated:
                repeated.append({**entry, "n": str(len(repeated) + 1)})
        if items:
            name = f.text(section.name)
            sections.append({"name": name, "name_upper": name.upper(), "items": items})
    for i, s in enumerate(sections, start=1):
        s["number"] = str(i)
    tally = report.tally()
    classes = [
        {
            "label": cls.label,
            "count": f.number(tally.by_class[cls]),
            "share": f.share(tally.by_class[cls], tally.total),
        }
        for cls in Resolution
    ]
    summary = (
        f"Tổng số {f.number(tally.total)} ý kiến, kiến nghị: "
        + "; ".join(f"{c['label'].lower()} {c['count']} ({c['share']})" for c in classes)
        + "."
    )
    if tally.unanswered:
        summary += (
            f" Trong số chưa giải quyết có {f.number(tally.unanswered)} ý kiến, kiến nghị "
            "chưa có văn bản trả lời."
        )
    return {
        **common(report.header, report.session),
        "as_of": f.long_date(report.as_of) if report.as_of else "",
        "empty": not sections,
        "total": f.number(tally.total),
        "unanswered": f.number(tally.unanswered),
        "summary": summary,
        "classes": classes,
        "committee_tallies": [
            {**_tally(f.text(s.name), s.tally()), "stt": str(i)}
            for i, s in enumerate((s for s in report.sections if s.items), start=1)
        ],
        "overall_tally": _tally("Tổng cộng", tally),
        "sections": sections,
        "repeated": repeated,
        "repeated_count": f.number(len(repeated)),
    }
