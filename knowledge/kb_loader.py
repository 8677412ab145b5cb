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
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from pathlib import Path

from knowledge.entries import (
    AIM_ANSWER_CHARS,
    BUNDLED_KB_DIR,
    BUNDLED_TOPICS,
    ENTRY_ID,
    MAX_ANSWER_CHARS,
    REVIEW_MONTHS,
    TOPICS_FILE_NAME,
    Entry,
    KnowledgeBase,
    KnowledgeError,
)
from knowledge.entry_fields import parse_entry
from knowledge.legal_sources import check_sources
from knowledge.profile import CommuneProfile
from knowledge.render import context, known_placeholders, placeholders_in, render
from knowledge.yamlio import Issue, YamlLoadError, line_of, load_yaml

__all__ = [
    "AIM_ANSWER_CHARS",
    "BUNDLED_KB_DIR",
    "BUNDLED_TOPICS",
    "MAX_ANSWER_CHARS",
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
    return sorted(p for p in files if p.name != TOPICS_FILE_NAME)


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


def _check_entries(
    entries: dict[str, Entry],
    topics: dict[str, str],
    profile: CommuneProfile,
    today: dt.date,
    issues: list[Issue],
) -> None:
    names = known_placeholders(profile)
    values = context(profile, today)
    review_limit = (
        today.replace(year=today.year - 1)
        if not (today.month == 2 and today.day == 29)
        else today.replace(year=today.year - 1, day=28)
    )
    for entry in entries.values():
        src, line = entry.path, entry.line
        if entry.topic not in topics:
            issues.append(
                Issue(
                    src,
                    line,
                    "error",
                    f"chủ đề '{entry.topic}' không có trong danh sách chủ đề "
                    f"(khai báo trong {TOPICS_FILE_NAME} mục extra_topics)",
                )
            )
        for name in placeholders_in(entry.answer):
            if name not in names:
                issues.append(
                    Issue(
                        src,
                        line,
                        "error",
                        f"mục '{entry.id}': chỗ điền không xác định '{{{name}}}'",
                    )
                )
        rendered = render(entry.answer, values).strip()
        if len(rendered) > MAX_ANSWER_CHARS:
            issues.append(
                Issue(
                    src,
                    line,
                    "error",
                    f"mục '{entry.id}': câu trả lời dài {len(rendered)} ký tự, "
                    f"vượt giới hạn {MAX_ANSWER_CHARS}",
                )
            )
        elif len(rendered) > AIM_ANSWER_CHARS:
            issues.append(
                Issue(
                    src,
                    line,
                    "warning",
                    f"mục '{entry.id}': câu trả lời dài {len(rendered)} ký tự, "
                    f"nên dưới {AIM_ANSWER_CHARS} để dễ đọc trên điện thoại",
                )
            )
        if entry.reviewed is None:
            issues.append(
                Issue(src, line, "warning", f"mục '{entry.id}' chưa có ngày rà soát 'reviewed'")
            )
        elif entry.reviewed < review_limit:
            issues.append(
                Issue(
                    src,
                    line,
                    "warning",
                    f"mục '{entry.id}' rà soát lần cuối {entry.reviewed:%d/%m/%Y}, "
                    f"đã quá {REVIEW_MONTHS} tháng: cần kiểm tra lại",
                )
            )
        elif entry.reviewed > today:
            issues.append(
                Issue(src, line, "warning", f"mục '{entry.id}' có ngày rà soát ở tương lai")
            )
        if not entry.source:
            issues.append(Issue(src, line, "warning", f"mục '{entry.id}' chưa ghi nguồn 'source'"))
        if not entry.phrasings:
            issues.append(
                Issue(src, line, "warning", f"mục '{entry.id}' chưa có cách hỏi khác 'phrasings'")
            )


def _collect(
    profile: CommuneProfile, extra_dir: str | Path | None, today: dt.date
) -> tuple[KnowledgeBase, list[Issue]]:
    issues: list[Issue] = []
    topics, contract = _read_topics(BUNDLED_TOPICS, issues, own=False)
    entries, _ = _read_source(_kb_files(BUNDLED_KB_DIR), issues)
    if extra_dir is not None:
        folder = Path(extra_dir)
        if not folder.is_dir():
            issues.append(Issue(str(folder), 0, "error", "thư mục KNOWLEDGE_DIR không tồn tại"))
        else:
            own_topics_file = folder / TOPICS_FILE_NAME
            if own_topics_file.exists():
                own, _ = _read_topics(own_topics_file, issues, own=True)
                for tid, title in own.items():
                    topics.setdefault(tid, title)
            overrides, disabled = _read_source(_kb_files(folder), issues, entries)
            for entry_id in disabled:
                entries.pop(entry_id, None)
            entries.update(overrides)
    _check_entries(entries, topics, profile, today, issues)
    issues.extend(check_sources(entries.values(), today))
    covered = {e.topic for e in entries.values()}
    for tid in sorted(contract - covered):
        issues.append(Issue(str(BUNDLED_TOPICS), 0, "warning", f"chủ đề '{tid}' chưa có mục nào"))
    return KnowledgeBase(entries, profile, topics), issues


def check_knowledge(
    profile: CommuneProfile, extra_dir: str | Path | None = None, today: dt.date | None = None
) -> list[Issue]:
    """Every error and warning in the bundled knowledge base and the commune's folder."""
    _, issues = _collect(profile, extra_dir, today or dt.date.today())
    return issues


def load_knowledge(profile: CommuneProfile, extra_dir: str | Path | None = None) -> KnowledgeBase:
    """Bundled entries plus the overrides in ``extra_dir``; raises KnowledgeError on errors."""
    kb, issues = _collect(profile, extra_dir, dt.date.today())
    errors = [i for i in issues if i.level == "error"]
    if errors:
        more = (
            f" (và {len(errors) - 1} lỗi khác; chạy 'python -m bot kb check')"
            if len(errors) > 1
            else ""
        )
        raise KnowledgeError(f"{errors[0]}{more}")
    return kb
