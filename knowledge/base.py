"""The knowledge base: YAML entries, the commune's overrides, validation and rendering.

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
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from knowledge.legal_sources import check_sources
from knowledge.profile import CommuneProfile
from knowledge.render import context, known_placeholders, placeholders_in, render
from knowledge.yamlio import Issue, YamlLoadError, line_of, load_yaml

__all__ = [
    "BUNDLED_KB_DIR",
    "BUNDLED_TOPICS",
    "Entry",
    "KnowledgeBase",
    "KnowledgeError",
    "Link",
    "check_knowledge",
    "load_knowledge",
]

DATA_DIR = Path(__file__).parent / "data"
BUNDLED_KB_DIR = DATA_DIR / "kb"
BUNDLED_TOPICS = DATA_DIR / "topics.yaml"
TOPICS_FILE_NAME = "topics.yaml"

MAX_ANSWER_CHARS = 2000  # Zalo's text limit; a hard error
AIM_ANSWER_CHARS = 900  # readable on a phone; a warning
REVIEW_MONTHS = 12
MAX_LINK_TEXT = 40

FIELDS = {
    "id",
    "topic",
    "title",
    "question",
    "phrasings",
    "keywords",
    "answer",
    "links",
    "source",
    "reviewed",
    "disabled",
}
REQUIRED = ("id", "topic", "title", "question", "answer")
_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,59}$")


class KnowledgeError(ValueError):
    """The knowledge base cannot be loaded; the message is one ``file:line: message`` line."""


@dataclass(frozen=True)
class Link:
    """A link button under an answer."""

    text: str
    url: str


@dataclass(frozen=True)
class Entry:
    """One answer of the knowledge base."""

    id: str
    topic: str
    title: str
    question: str
    phrasings: tuple[str, ...]
    keywords: tuple[str, ...]
    answer: str
    links: tuple[Link, ...]
    source: str
    reviewed: dt.date | None
    path: str = field(default="", compare=False)
    line: int = field(default=0, compare=False)

    @property
    def texts(self) -> tuple[str, ...]:
        """Every way of asking for this entry: question, title and phrasings."""
        return (self.question, self.title, *self.phrasings)


class KnowledgeBase:
    """Entries by id, the topic list and the profile the answers are rendered with."""

    def __init__(
        self,
        entries: dict[str, Entry],
        profile: CommuneProfile,
        topics: dict[str, str] | None = None,
    ) -> None:
        self.entries: dict[str, Entry] = entries
        self.profile = profile
        self.topics: dict[str, str] = topics or {}
        self._context_day: dt.date | None = None
        self._context: dict[str, str] = {}

    def __len__(self) -> int:
        return len(self.entries)

    def get(self, entry_id: str) -> Entry | None:
        return self.entries.get(entry_id)

    def by_topic(self, topic: str) -> list[Entry]:
        return [e for e in self.entries.values() if e.topic == topic]

    def values(self, today: dt.date | None = None) -> dict[str, str]:
        """Placeholder values for ``today`` (schedules only list upcoming dates)."""
        today = today or dt.date.today()
        if today != self._context_day:
            self._context = context(self.profile, today)
            self._context_day = today
        return self._context

    def render(self, entry: Entry, today: dt.date | None = None) -> str:
        """The answer with the commune's facts filled in."""
        return render(entry.answer, self.values(today)).strip()

    def render_text(self, template: str, today: dt.date | None = None) -> str:
        """Any template (e.g. the matcher's fallback reply) rendered with the profile."""
        return render(template, self.values(today)).strip()


# --------------------------------------------------------------------------- topics


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
            if not _ID.match(tid):
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


# --------------------------------------------------------------------------- entries


def _strings(value: Any, raw: Any, key: str, src: str, issues: list[Issue]) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str | int | float) for v in value):
        issues.append(
            Issue(src, line_of(raw, key), "error", f"'{key}' phải là một danh sách các câu chữ")
        )
        return ()
    return tuple(s for s in (str(v).strip() for v in value) if s)


def _links(value: Any, raw: Any, src: str, issues: list[Issue]) -> tuple[Link, ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        issues.append(
            Issue(
                src,
                line_of(raw, "links"),
                "error",
                "'links' phải là danh sách các mục {text, url}",
            )
        )
        return ()
    links = []
    for item in value:
        line = line_of(item) or line_of(raw, "links")
        if not isinstance(item, dict) or set(item) != {"text", "url"}:
            issues.append(
                Issue(src, line, "error", "mỗi liên kết cần đúng hai trường 'text' và 'url'")
            )
            continue
        text, url = str(item["text"] or "").strip(), str(item["url"] or "").strip()
        if not url.startswith(("https://", "http://", "tel:")):
            issues.append(
                Issue(
                    src,
                    line,
                    "error",
                    f"liên kết '{url}' phải bắt đầu bằng https://, http:// hoặc tel:",
                )
            )
            continue
        if not text:
            issues.append(Issue(src, line, "error", "liên kết thiếu chữ hiển thị 'text'"))
            continue
        if len(text) > MAX_LINK_TEXT:
            issues.append(
                Issue(src, line, "warning", f"chữ trên nút liên kết dài hơn {MAX_LINK_TEXT} ký tự")
            )
        links.append(Link(text=text, url=url))
    return tuple(links)


def _reviewed(value: Any, raw: Any, src: str, issues: list[Issue]) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        issues.append(
            Issue(
                src,
                line_of(raw, "reviewed"),
                "error",
                f"'reviewed' không phải ngày hợp lệ '{value}' (dùng YYYY-MM-DD)",
            )
        )
        return None


def _inherit(raw: Any, base: Entry) -> dict[str, Any]:
    """An override keeps the bundled entry's value for every field it leaves out."""
    merged: dict[str, Any] = {
        "topic": base.topic,
        "title": base.title,
        "question": base.question,
        "phrasings": list(base.phrasings),
        "keywords": list(base.keywords),
        "answer": base.answer,
        "links": [{"text": lk.text, "url": lk.url} for lk in base.links],
        "source": base.source,
        "reviewed": base.reviewed,
    }
    merged.update(raw)
    out = type(raw)(merged)  # keep the line information of a LineDict
    for attr in ("line", "key_lines", "duplicate_keys"):
        if hasattr(raw, attr):
            setattr(out, attr, getattr(raw, attr))
    return out


def _flag(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in ("true", "yes", "on", "1")
    return bool(value)


def _parse_entry(
    raw: Any, src: str, issues: list[Issue], bundled: dict[str, Entry] | None = None
) -> tuple[Entry | None, bool]:
    """(entry or None, disabled). Problems are appended to ``issues``.

    ``bundled`` is given for a commune's folder: an entry with a bundled id inherits the fields it
    does not set, so changing one answer needs only ``id`` and ``answer``.
    """
    if not isinstance(raw, dict):
        issues.append(
            Issue(
                src,
                line_of(raw),
                "error",
                "mỗi mục phải là một bảng các trường (id, topic, title, …)",
            )
        )
        return None, False
    if bundled and str(raw.get("id")) in bundled and not _flag(raw.get("disabled")):
        raw = _inherit(raw, bundled[str(raw.get("id"))])
    for key in raw:
        if key not in FIELDS:
            issues.append(
                Issue(
                    src,
                    line_of(raw, key),
                    "error",
                    f"trường không hợp lệ '{key}' (dùng: {', '.join(sorted(FIELDS))})",
                )
            )
    for key, line in getattr(raw, "duplicate_keys", []):
        issues.append(Issue(src, line, "error", f"trường '{key}' bị khai báo hai lần"))
    # Unknown fields do not stop the other checks; malformed values below do.
    before = len(issues)
    disabled = _flag(raw.get("disabled", False))
    if disabled and raw.get("id"):
        return Entry(str(raw["id"]), "", "", "", (), (), "", (), "", None, src, line_of(raw)), True
    for key in REQUIRED:
        value = raw.get(key)
        if value is None or (isinstance(value, str) and not value.strip()):
            issues.append(Issue(src, line_of(raw), "error", f"thiếu trường bắt buộc '{key}'"))
        elif not isinstance(value, str | int | float):
            issues.append(Issue(src, line_of(raw, key), "error", f"'{key}' phải là một đoạn chữ"))
    entry_id = str(raw.get("id") or "")
    if entry_id and not _ID.match(entry_id):
        issues.append(
            Issue(
                src,
                line_of(raw, "id"),
                "error",
                f"mã mục '{entry_id}' chỉ dùng a-z, 0-9, '-' và tối đa 60 ký tự",
            )
        )
    phrasings = _strings(raw.get("phrasings"), raw, "phrasings", src, issues)
    keywords = _strings(raw.get("keywords"), raw, "keywords", src, issues)
    links = _links(raw.get("links"), raw, src, issues)
    reviewed = _reviewed(raw.get("reviewed"), raw, src, issues)
    source = raw.get("source")
    if len(issues) > before and any(i.level == "error" for i in issues[before:]):
        return None, False
    return (
        Entry(
            id=entry_id,
            topic=str(raw["topic"]).strip(),
            title=str(raw["title"]).strip(),
            question=str(raw["question"]).strip(),
            phrasings=phrasings,
            keywords=keywords,
            answer=str(raw["answer"]).strip(),
            links=links,
            source=str(source).strip() if source is not None else "",
            reviewed=reviewed,
            path=src,
            line=line_of(raw),
        ),
        False,
    )


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
            entry, is_disabled = _parse_entry(raw, src, issues, bundled)
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
