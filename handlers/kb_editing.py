"""Editing the knowledge base from the dashboard and the staff API: what may be saved.

An entry is checked exactly as ``kb check`` checks one in a file (``knowledge.stored_entries``)
against the bundled and ``KNOWLEDGE_DIR`` entries, and every problem is given back under the
field it is about, in Vietnamese. A saved entry lives in the database (``storage.kb_entries``)
with an audit row of who changed what; it wins over a bundled entry with the same id. An id a
*new* entry takes must not be another commune's already (one deployment, several communes).
Every process picks the change up by polling ``storage.kb_entries.version``
(``bot.knowledge_sync``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from handlers.capabilities import PLAIN
from handlers.chat.answers import entry_reply
from handlers.texts import Texts
from handlers.texts.kb_edit import KbEditTexts
from handlers.types import Reply
from knowledge import Entry, KnowledgeBase
from knowledge.entries import ENTRY_ID, FIELDS
from knowledge.stored_entries import check_entry
from storage import kb_entries as repo
from storage.models import KnowledgeEntry

EDITABLE = tuple(f for f in sorted(FIELDS) if f not in ("id", "disabled"))
GENERAL = "_entry"  # problems about the entry as a whole


@dataclass
class EntryRefused(Exception):
    """The entry cannot be saved; ``fields`` maps a field to its messages. Nothing was saved."""

    message: str
    fields: dict[str, list[str]] = field(default_factory=dict)
    status: int = 400

    def __str__(self) -> str:
        return self.message


@dataclass(frozen=True)
class Editor:
    """Who saves (the staff account), for the audit trail."""

    id: int
    label: str


@dataclass(frozen=True)
class Checked:
    """An entry as the editor would save it: the entry (None on errors), problems per field."""

    entry: Entry | None
    errors: dict[str, list[str]]
    warnings: dict[str, list[str]]
    fields: dict[str, Any]
    disabled: bool


def _stored_fields(raw: Mapping[str, Any]) -> dict[str, Any]:
    """What is kept of a submitted entry: its fields, strings stripped (unknown ones are
    refused by the check, so they never reach here)."""
    out: dict[str, Any] = {}
    for key in EDITABLE:
        if key not in raw or raw[key] is None:
            continue
        value = raw[key]
        out[key] = value.strip() if isinstance(value, str) else value
    return out


def check(raw: Mapping[str, Any], base: KnowledgeBase, today: dt.date) -> Checked:
    """Check an entry (``id`` included) as ``kb check`` would, problems sorted by field."""
    entry, issues = check_entry(raw, base, today)
    errors: dict[str, list[str]] = {}
    warnings: dict[str, list[str]] = {}
    for issue in issues:
        target = errors if issue.level == "error" else warnings
        target.setdefault(issue.field or GENERAL, []).append(issue.message)
    return Checked(entry, errors, warnings, _stored_fields(raw), is_set(raw.get("disabled")))


def is_set(value: Any) -> bool:
    """A flag as the entry files read it ("true", "yes", "on", "1" or a true value)."""
    if isinstance(value, str):
        return value.strip().lower() in ("true", "yes", "on", "1")
    return bool(value)


def preview(texts: Texts, base: KnowledgeBase, entry: Entry) -> Reply:
    """The answer as a citizen would read it: placeholders filled from the profile, buttons."""
    return entry_reply(texts, base, entry, PLAIN)


async def save(
    session: AsyncSession,
    *,
    texts: Texts,
    commune_id: str,
    base: KnowledgeBase,
    raw: Mapping[str, Any],
    editor: Editor,
    now: dt.datetime,
    creating: bool,
) -> tuple[KnowledgeEntry, Checked]:
    """Save one entry (create, replace, disable, or override a bundled one) and its audit row."""
    t = KbEditTexts.of(texts)
    entry_id = str(raw.get("id") or "").strip()
    if not ENTRY_ID.match(entry_id):
        raise EntryRefused(t.invalid(), {"id": [t.bad_id()]})
    existing = await repo.get_entry(session, commune_id, entry_id, lock=True)
    if creating and (existing is not None or entry_id in base.entries):
        raise EntryRefused(t.exists(id=entry_id), {"id": [t.exists(id=entry_id)]}, 409)
    if (
        existing is None
        and entry_id not in base.entries
        and await repo.used_elsewhere(session, commune_id, entry_id)
    ):
        raise EntryRefused(t.invalid(), {"id": [t.taken_elsewhere(id=entry_id)]})
    checked = check({**raw, "id": entry_id}, base, now.date())
    if checked.disabled and checked.fields:
        # A disabled entry may keep its text for later: it must be valid text all the same.
        as_enabled = {**raw, "id": entry_id, "disabled": False}
        checked = check(as_enabled, base, now.date())
        checked = Checked(checked.entry, checked.errors, checked.warnings, checked.fields, True)
    if checked.errors:
        raise EntryRefused(t.invalid(), checked.errors)
    fields = checked.fields
    if checked.disabled and not fields and existing is not None:
        fields = dict(existing.fields or {})  # disabling keeps what was written
    row, _change = await repo.save(
        session,
        commune_id=commune_id,
        entry_id=entry_id,
        fields=fields,
        disabled=checked.disabled,
        staff_id=editor.id,
        staff_label=editor.label,
        now=now,
    )
    return row, checked


async def set_disabled(
    session: AsyncSession,
    *,
    texts: Texts,
    commune_id: str,
    base: KnowledgeBase,
    entry_id: str,
    disabled: bool,
    editor: Editor,
    now: dt.datetime,
) -> KnowledgeEntry:
    """Disable (or enable again) any entry: a stored one keeps its fields; a bundled one gets a
    stored row that hides it."""
    t = KbEditTexts.of(texts)
    existing = await repo.get_entry(session, commune_id, entry_id, lock=True)
    if existing is None and entry_id not in base.entries:
        raise EntryRefused(t.not_found(id=entry_id), status=404)
    raw: dict[str, Any] = dict(existing.fields or {}) if existing is not None else {}
    if not disabled:
        checked = check({**raw, "id": entry_id}, base, now.date())
        if checked.errors:
            raise EntryRefused(t.invalid(), checked.errors)
    row, _change = await repo.save(
        session,
        commune_id=commune_id,
        entry_id=entry_id,
        fields=raw,
        disabled=disabled,
        staff_id=editor.id,
        staff_label=editor.label,
        now=now,
    )
    return row
