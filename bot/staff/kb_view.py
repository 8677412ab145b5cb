"""The knowledge base as the editor shows it: every entry with where it comes from, the form's
fields and the staff API's JSON (the entry fields of knowledge/README.md).

An entry comes from the bundle, from ``KNOWLEDGE_DIR`` or from the database (the dashboard);
a stored one may override a bundled one, be disabled, or — after a profile or topic change —
no longer pass the checks (then the bot keeps answering with the bundled version, and the list
says so).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from bot.staff.dates import fmt_datetime, iso_day
from knowledge import Entry, KnowledgeBase
from knowledge.entries import BUNDLED_KB_DIR
from knowledge.normalize import fold
from knowledge.stored_entries import StoredEntry, is_stored, merge_stored
from storage.models import KnowledgeChange, KnowledgeEntry

ORIGINS = {
    "bundled": "Có sẵn",
    "knowledge_dir": "Thư mục của xã (KNOWLEDGE_DIR)",
    "database": "Trang quản lý",
}
ACTIONS = {"create": "Tạo mới", "update": "Sửa", "disable": "Tắt", "enable": "Bật lại"}
FIELD_LABELS = {
    "id": "Mã mục",
    "topic": "Chủ đề",
    "title": "Tiêu đề",
    "question": "Câu hỏi",
    "phrasings": "Cách hỏi khác",
    "keywords": "Từ khóa",
    "answer": "Câu trả lời",
    "links": "Liên kết",
    "source": "Nguồn",
    "reviewed": "Ngày rà soát",
    "_entry": "Mục",
}


@dataclass(frozen=True)
class EntryView:
    """One entry id: what the bot answers with now, what the files say, what is stored."""

    id: str
    entry: Entry | None  # what the bot answers with (None: disabled, or not in the base)
    base: Entry | None  # the bundled or KNOWLEDGE_DIR entry with this id
    row: KnowledgeEntry | None  # the stored entry with this id

    @property
    def origin(self) -> str:
        if self.row is not None:
            return "database"
        if self.base is not None and self.base.path.startswith(str(BUNDLED_KB_DIR)):
            return "bundled"
        return "knowledge_dir"

    @property
    def disabled(self) -> bool:
        return self.row is not None and self.row.disabled

    @property
    def invalid(self) -> bool:
        """Stored, enabled, but left out because it no longer passes the checks."""
        return (
            self.row is not None
            and not self.row.disabled
            and (self.entry is None or not is_stored(self.entry))
        )

    @property
    def shown(self) -> Entry | None:
        return self.entry if self.entry is not None else self.base


def views(base: KnowledgeBase, rows: Sequence[KnowledgeEntry], today: dt.date) -> list[EntryView]:
    """Every id with what the bot answers: the stored rows merged over the files exactly as
    every process merges them (so a save shows as it will be, before the rebuild is done)."""
    stored = {r.entry_id: r for r in rows}
    merged, _issues = merge_stored(
        base, [StoredEntry(r.entry_id, dict(r.fields or {}), r.disabled) for r in rows], today
    )
    ids = sorted(set(base.entries) | set(stored))
    return [EntryView(i, merged.get(i), base.get(i), stored.get(i)) for i in ids]


def matches(view: EntryView, query: str) -> bool:
    """Search as citizens type: diacritics and case ignored; id, title, question, phrasings."""
    words = fold(query).split()
    if not words:
        return True
    entry = view.shown
    row_fields = view.row.fields if view.row is not None else {}
    texts = [view.id, str(row_fields.get("title", "")), str(row_fields.get("question", ""))]
    if entry is not None:
        texts += [entry.title, entry.question, entry.topic, *entry.phrasings, *entry.keywords]
    haystack = fold(" ".join(texts)) + " " + view.id
    return all(w in haystack for w in words)


def entry_fields(entry: Entry) -> dict[str, Any]:
    """An entry as knowledge/README.md writes it (the API's and the export's shape)."""
    return {
        "id": entry.id,
        "topic": entry.topic,
        "title": entry.title,
        "question": entry.question,
        "phrasings": list(entry.phrasings),
        "keywords": list(entry.keywords),
        "answer": entry.answer,
        "links": [{"text": link.text, "url": link.url} for link in entry.links],
        "source": entry.source,
        "reviewed": entry.reviewed.isoformat() if entry.reviewed else None,
    }


def view_json(view: EntryView) -> dict[str, Any]:
    """The entry's fields (what is stored when it is disabled or no longer valid, else what the
    bot answers with) and where it stands."""
    stored = {"id": view.id, **(view.row.fields or {})} if view.row is not None else None
    shown = view.shown
    if stored is not None and (view.invalid or (view.disabled and view.row.fields)):
        data = stored
    elif shown is not None:
        data = entry_fields(shown)
    else:
        data = stored or {"id": view.id}
    data.update(
        disabled=view.disabled,
        origin=view.origin,
        overrides=view.row is not None and view.base is not None,
        valid=not view.invalid,
        updated_at=view.row.updated_at.isoformat() if view.row is not None else None,
        updated_by=view.row.updated_by if view.row is not None else None,
    )
    return data


def lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def raw_from_form(form: Mapping[str, str]) -> dict[str, Any]:
    """The editor's form as an entry's fields: one phrasing or keyword a line, a link a line as
    ``Chữ trên nút | https://…``."""
    links = []
    for line in lines(form.get("links", "")):
        text, sep, url = line.rpartition("|")
        links.append(
            {"text": text.strip(), "url": url.strip()} if sep else {"text": "", "url": line}
        )
    raw: dict[str, Any] = {
        key: form.get(key, "").strip()
        for key in ("id", "topic", "title", "question", "answer", "source", "reviewed")
    }
    if raw["reviewed"]:  # typed dd/mm/yyyy; the entry keeps ISO, as the data files do
        raw["reviewed"] = iso_day(raw["reviewed"])
    raw["phrasings"] = lines(form.get("phrasings", ""))
    raw["keywords"] = lines(form.get("keywords", ""))
    raw["links"] = links
    return {k: v for k, v in raw.items() if v not in ("", [])}


def form_from(fields: Mapping[str, Any]) -> dict[str, str]:
    """Entry fields as the editor's form shows them."""

    def joined(value: Any) -> str:
        return "\n".join(str(v) for v in value) if isinstance(value, list) else str(value or "")

    links = fields.get("links") or []
    return {
        "id": str(fields.get("id") or ""),
        "topic": str(fields.get("topic") or ""),
        "title": str(fields.get("title") or ""),
        "question": str(fields.get("question") or ""),
        "answer": str(fields.get("answer") or ""),
        "source": str(fields.get("source") or ""),
        "reviewed": str(fields.get("reviewed") or ""),
        "phrasings": joined(fields.get("phrasings")),
        "keywords": joined(fields.get("keywords")),
        "links": "\n".join(
            f"{link.get('text', '')} | {link.get('url', '')}"
            for link in links
            if isinstance(link, dict)
        ),
    }


def changes_view(changes: Iterable[KnowledgeChange]) -> list[dict[str, Any]]:
    """The audit trail: when, who, what, and which fields changed."""
    out = []
    for change in changes:
        before = (change.before or {}).get("fields") or {}
        after = (change.after or {}).get("fields") or {}
        fields = sorted(k for k in set(before) | set(after) if before.get(k) != after.get(k))
        out.append(
            {
                "at": change.at,
                "at_text": fmt_datetime(change.at),
                "who": change.staff_label,
                "action": ACTIONS.get(change.action, change.action),
                "fields": [FIELD_LABELS.get(f, f) for f in fields],
            }
        )
    return out


def history_json(changes: Iterable[KnowledgeChange]) -> list[dict[str, Any]]:
    return [
        {
            "at": c.at.astimezone(dt.UTC).isoformat(),
            "by": c.staff_label,
            "action": c.action,
            "before": c.before,
            "after": c.after,
        }
        for c in changes
    ]
