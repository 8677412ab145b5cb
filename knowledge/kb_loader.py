"""Loading and checking the knowledge base: the bundled YAML entries, then the commune's.

Layout
------
``knowledge/data/topics.yaml`` lists the topic ids: ``topics`` are the contract topics of
shared/knowledge/topics.md (each needs at least one entry), ``extra_topics`` are our own.
``knowledge/data/kb/*.yaml`` hold the bundled entries, one YAML list per file::

    - id: can-cuoc-lost            # unique; [a-z0-9-], at most 60 characters (button payloads)
      topic: can-cuoc-card         # a topic id from topics.yaml
      title: Mất thẻ căn cước      # button text and suggestion title
      question: Mất thẻ căn cước thì làm lại thế nào?
      phrasings: [mat cccd, lam lai can cuoc bi mat]   # how people actually type it
      keywords: [căn cước, cccd]
      answer: |                    # {placeholders} come from the commune profile (render.py)
        ... gọi {hotline} ...
      links: [{text: Cổng DVC, url: "https://dichvucong.gov.vn"}]
      source: https://...          # where a reviewer re-checks the facts
      reviewed: 2026-01-15         # date of the last review; older than 12 months → warning

A commune points ``KNOWLEDGE_DIR`` at a folder of files in the same format: an entry with the id of
a bundled one replaces it (``disabled: true`` removes it), a new id adds an entry. Its own topics
go in ``KNOWLEDGE_DIR/topics.yaml`` under ``extra_topics``. Duplicate ids inside one source (the
bundle, or the commune folder) are errors; the same id in both is an override.
``KNOWLEDGE_DIR/lexicon.yaml`` (``knowledge.commune_lexicon``) adds the commune's abbreviations,
fillers and phrase rules to the normaliser's; loading the knowledge base puts it in force.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from pathlib import Path

from knowledge.commune_lexicon import LEXICON_FILE_NAME, merge_lexicon, read_commune_lexicon
from knowledge.entries import (
    AIM_ANSWER_CHARS,
    BUNDLED_KB_DIR,
    BUNDLED_TOPICS,
    ENTRY_ID,
    MAX_ANSWER_CHARS,
    TOPICS_FILE_NAME,
    Entry,
    KnowledgeBase,
    KnowledgeError,
)
from knowledge.entry_checks import check_entries
from knowledge.entry_fields import parse_entry
from knowledge.legal_sources import check_sources
from knowledge.lexicon import LEXICON
from knowledge.normalize import use_lexicon
from knowledge.profile import CommuneProfile
from knowledge.stored_entries import DB_SOURCE, StoredEntry, merge_stored
from knowledge.yamlio import Issue, YamlLoadError, line_of, load_yaml

__all__ = [
    "AIM_ANSWER_CHARS",
    "BUNDLED_KB_DIR",
    "BUNDLED_TOPICS",
    "MAX_ANSWER_CHARS",
    "StoredEntry",
    "check_knowledge",
    "load_knowledge",
]


def _read_topics(path: Path, issues: list[Issue], own: bool) -> tuple[dict[str, str], set[str]]:
    """(all topics in the file, contract topic ids). ``own`` = a commune's file (all extra)."""
    topics: dict[str, str] = {}
    contract: set[str] = set()
    try:
        data = load_yaml(path)
    except YamlLoadError as err:
        issues.append(Issue(err.path, err.line, "error", err.message))
        return topics, contract
    src = str(path)
    if data is None:
        return topics, contract
    if not isinstance(data, dict):
        issues.append(Issue(src, 1, "error", "tệp chủ đề phải có 'topics' và/hoặc 'extra_topics'"))
        return topics, contract
    for key in data:
        if key not in ("topics", "extra_topics"):
            issues.append(
                Issue(
                    src,
                    line_of(data, key),
                    "error",
                    f"trường không hợp lệ '{key}' (dùng topics, extra_topics)",
                )
            )
    for key in ("topics", "extra_topics"):
        items = data.get(key) or []
        if not isinstance(items, list):
            issues.append(
                Issue(src, line_of(data, key), "error", f"'{key}' phải là một danh sách")
            )
            continue
        for item in items:
            if not isinstance(item, dict) or not item.get("id"):
                issues.append(
                    Issue(
                        src,
                        line_of(data, key),
                        "error",
                        f"mỗi mục trong '{key}' cần 'id' và 'title'",
                    )
                )
                continue
            tid = str(item["id"])
            if not ENTRY_ID.match(tid):
                issues.append(
                    Issue(
                        src,
                        line_of(item),
                        "error",
                        f"mã chủ đề '{tid}' chỉ dùng a-z, 0-9 và dấu '-'",
                    )
                )
            if tid in topics:
                issues.append(Issue(src, line_of(item), "error", f"chủ đề '{tid}' bị trùng"))
            topics[tid] = str(item.get("title") or tid)
            if key == "topics" and not own:
                contract.add(tid)
    return topics, contract


def _kb_files(folder: Path) -> list[Path]:
    files = [*folder.glob("*.yaml"), *folder.glob("*.yml")]
    return sorted(p for p in files if p.name not in (TOPICS_FILE_NAME, LEXICON_FILE_NAME))


def _read_source(
    files: Iterable[Path], issues: list[Issue], bundled: dict[str, Entry] | None = None
) -> tuple[dict[str, Entry], set[str]]:
    """Entries of one source (bundle or commune folder); duplicates inside it are errors."""
    entries: dict[str, Entry] = {}
    disabled: set[str] = set()
    for path in files:
        try:
            data = load_yaml(path, plain=True)
        except YamlLoadError as err:
            issues.append(Issue(err.path, err.line, "error", err.message))
            continue
        src = str(path)
        if data is None:
            continue
        if not isinstance(data, list):
            issues.append(
                Issue(
                    src,
                    line_of(data) or 1,
                    "error",
                    "tệp tri thức phải là một danh sách các mục (mỗi mục bắt đầu bằng '- id:')",
                )
            )
            continue
        for raw in data:
            entry, is_disabled = parse_entry(raw, src, issues, bundled)
            if entry is None:
                continue
            if entry.id in entries or entry.id in disabled:
                first = entries.get(entry.id)
                where = f" (đã có ở {first.path}:{first.line})" if first else ""
                issues.append(
                    Issue(src, entry.line, "error", f"mã mục '{entry.id}' bị trùng{where}")
                )
                continue
            if is_disabled:
                disabled.add(entry.id)
            else:
                entries[entry.id] = entry
    return entries, disabled


def _collect(
    profile: CommuneProfile,
    extra_dir: str | Path | None,
    today: dt.date,
    stored: Iterable[StoredEntry] = (),
) -> tuple[KnowledgeBase, list[Issue]]:
    issues: list[Issue] = []
    topics, contract = _read_topics(BUNDLED_TOPICS, issues, own=False)
    entries, _ = _read_source(_kb_files(BUNDLED_KB_DIR), issues)
    if extra_dir is not None:
        folder = Path(extra_dir)
        if not folder.is_dir():
            issues.append(Issue(str(folder), 0, "error", "thư mục KNOWLEDGE_DIR không tồn tại"))
        else:
            read_commune_lexicon(folder, issues)
            own_topics_file = folder / TOPICS_FILE_NAME
            if own_topics_file.exists():
                own, _ = _read_topics(own_topics_file, issues, own=True)
                for tid, title in own.items():
                    topics.setdefault(tid, title)
            overrides, disabled = _read_source(_kb_files(folder), issues, entries)
            for entry_id in disabled:
                entries.pop(entry_id, None)
            entries.update(overrides)
    check_entries(entries, topics, profile, today, issues)
    issues.extend(check_sources(entries.values(), today))
    kb, stored_issues = merge_stored(KnowledgeBase(entries, profile, topics), stored, today)
    issues.extend(stored_issues)
    covered = {e.topic for e in kb.entries.values()}
    for tid in sorted(contract - covered):
        issues.append(Issue(str(BUNDLED_TOPICS), 0, "warning", f"chủ đề '{tid}' chưa có mục nào"))
    return kb, issues


def check_knowledge(
    profile: CommuneProfile,
    extra_dir: str | Path | None = None,
    today: dt.date | None = None,
    stored: Iterable[StoredEntry] = (),
) -> list[Issue]:
    """Every error and warning in the bundled knowledge base, the commune's folder and the
    entries stored in the database (``stored``, handed over by the caller)."""
    _, issues = _collect(profile, extra_dir, today or dt.date.today(), stored)
    return issues


def load_knowledge(
    profile: CommuneProfile,
    extra_dir: str | Path | None = None,
    stored: Iterable[StoredEntry] = (),
) -> KnowledgeBase:
    """Bundled entries, the overrides in ``extra_dir``, then the stored ones; raises
    KnowledgeError on errors in the files. A stored entry with errors is left out (its issues
    are ``kb check``'s), so the database can never stop the bot. The commune's lexicon
    (``extra_dir/lexicon.yaml``) is put in force first, the bundled one when it has none."""
    own = read_commune_lexicon(Path(extra_dir), []) if extra_dir is not None else None
    use_lexicon(merge_lexicon(LEXICON, own) if own is not None else None)
    kb, issues = _collect(profile, extra_dir, dt.date.today(), stored)
    errors = [i for i in issues if i.level == "error" and not i.path.startswith(DB_SOURCE)]
    if errors:
        more = (
            f" (và {len(errors) - 1} lỗi khác; chạy 'python -m bot kb check')"
            if len(errors) > 1
            else ""
        )
        raise KnowledgeError(f"{errors[0]}{more}")
    return kb
