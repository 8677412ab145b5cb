"""Entries kept outside the files — the digital team's, edited on the dashboard and stored in the
database — checked one by one and merged over the bundled and ``KNOWLEDGE_DIR`` entries.

``knowledge`` reads no database: the bot hands the rows over as plain data (``StoredEntry``).
Each is checked exactly as ``kb check`` checks an entry of a file (``parse_entry``, then
``check_entries`` and the legal sources) against the files' entries and topics, and an entry with
an id of theirs inherits the fields it leaves out, like a ``KNOWLEDGE_DIR`` override. A stored
entry with errors is left out and its issues returned: a profile or topic list changed later
can make a stored entry invalid, and that must never stop the bot.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from knowledge.entries import Entry, KnowledgeBase
from knowledge.entry_checks import check_entries
from knowledge.entry_fields import parse_entry
from knowledge.legal_sources import check_sources
from knowledge.yamlio import Issue, LineDict

DB_SOURCE = "db:kb"  # where a stored entry "is", in kb check's file:line lines: db:kb/<id>:1


@dataclass(frozen=True)
class StoredEntry:
    """One stored entry as the bot hands it over: its id, fields and whether it is disabled."""

    entry_id: str
    fields: Mapping[str, Any]  # the entry fields of knowledge/README.md, "id" and "disabled" aside
    disabled: bool = False

    def raw(self) -> dict[str, Any]:
        """The entry as a file would hold it."""
        data = {k: v for k, v in self.fields.items() if k not in ("id", "disabled")}
        if self.disabled:
            return {"id": self.entry_id, "disabled": True}
        return {"id": self.entry_id, **data}


def source_of(entry_id: str) -> str:
    return f"{DB_SOURCE}/{entry_id}"


def is_stored(entry: Entry) -> bool:
    """Does this entry come from the database (rather than a file)?"""
    return entry.path.startswith(DB_SOURCE + "/")


def _lines(raw: Mapping[str, Any]) -> LineDict:
    """The fields as the YAML loader's mapping, every problem pointing at line 1."""
    data = LineDict(raw)
    data.line = 1
    data.key_lines = {}
    data.duplicate_keys = []
    return data


def _parse(
    raws: Iterable[Mapping[str, Any]], base: KnowledgeBase, issues: list[Issue]
) -> tuple[dict[str, Entry], set[str]]:
    entries: dict[str, Entry] = {}
    disabled: set[str] = set()
    for raw in raws:
        src = source_of(str(raw.get("id") or ""))
        entry, off = parse_entry(_lines(raw), src, issues, base.entries)
        if entry is None:
            continue
        if off:
            disabled.add(entry.id)
        else:
            entries[entry.id] = entry
    return entries, disabled


def _checked(
    entries: dict[str, Entry], base: KnowledgeBase, today: dt.date, issues: list[Issue]
) -> dict[str, Entry]:
    """The entries without errors; every issue found is appended."""
    found: list[Issue] = []
    check_entries(entries, base.topics, base.profile, today, found)
    paths = {e.path for e in entries.values()}
    found += [i for i in check_sources(entries.values(), today) if i.path in paths]
    issues.extend(found)
    bad = {i.path for i in issues if i.level == "error"}
    return {k: e for k, e in entries.items() if e.path not in bad}


def check_entry(
    raw: Mapping[str, Any], base: KnowledgeBase, today: dt.date
) -> tuple[Entry | None, list[Issue]]:
    """One entry checked as ``kb check`` would: the entry (None if it has errors; a disabled
    one is an entry with only its id) and every problem, each naming its field."""
    issues: list[Issue] = []
    entries, disabled = _parse([raw], base, issues)
    if disabled:
        entry_id = next(iter(disabled))
        off = Entry(entry_id, "", "", "", (), (), "", (), "", None, source_of(entry_id), 1)
        return (None if _has_errors(issues) else off), issues
    kept = _checked(entries, base, today, issues)
    return next(iter(kept.values()), None), issues


def _has_errors(issues: Iterable[Issue]) -> bool:
    return any(i.level == "error" for i in issues)


def merge_stored(
    base: KnowledgeBase, stored: Iterable[StoredEntry], today: dt.date
) -> tuple[KnowledgeBase, list[Issue]]:
    """``base`` with the stored entries over it (a disabled one removes its id), and the issues
    of every stored entry; one with errors is left out and the base's version stays."""
    rows = list(stored)
    if not rows:
        return base, []
    issues: list[Issue] = []
    parsed, disabled = _parse([row.raw() for row in rows], base, issues)
    kept = _checked(parsed, base, today, issues)
    entries = {k: e for k, e in base.entries.items() if k not in disabled}
    entries.update(kept)
    return KnowledgeBase(entries, base.profile, dict(base.topics)), issues
