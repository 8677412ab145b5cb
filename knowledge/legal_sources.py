"""Legal documents known to be replaced or amended, and the ``kb check`` warning for a ``source``
that still cites one.

An answer is only as current as the law it rests on: when a decree is replaced, every entry that
cites it needs a second look. Which documents changed, by what and from when, is data
(``data/replaced-documents.yaml``) that a reviewer extends without touching code. The check is a
warning, never an error: the answer may still be right, but someone has to look.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from knowledge.yamlio import Issue, YamlLoadError, line_of, load_yaml

__all__ = [
    "REPLACED_DOCUMENTS",
    "ReplacedDocument",
    "check_sources",
    "load_replaced_documents",
]

REPLACED_DOCUMENTS = Path(__file__).parent / "data" / "replaced-documents.yaml"

_FIELDS = {
    "document",
    "cited_as",
    "replaced_by",
    "replacement_cited_as",
    "change",
    "from",
    "source",
}
_REQUIRED = ("document", "replaced_by", "from", "source")
_CHANGES = {"replaced": "thay thế", "amended": "sửa đổi, bổ sung"}


class _Cited(Protocol):
    """What the check needs of an entry (``knowledge.entries.Entry`` has it)."""

    id: str
    source: str
    path: str
    line: int


@dataclass(frozen=True)
class ReplacedDocument:
    """One document that a newer one replaced or amended from ``since``."""

    document: str
    cited_as: tuple[str, ...]
    replaced_by: str
    replacement_cited_as: tuple[str, ...]
    change: str
    since: dt.date
    evidence: str

    def cited_in(self, source: str) -> bool:
        """The source cites this document and does not also name its replacement."""
        text = _fold(source)
        return any(_pattern(p).search(text) for p in self.cited_as) and not any(
            _pattern(p).search(text) for p in self.replacement_cited_as
        )


def _fold(text: str) -> str:
    """Case, Unicode form and spacing do not matter when reading a citation."""
    return " ".join(unicodedata.normalize("NFC", text).casefold().split())


def _pattern(phrase: str) -> re.Pattern[str]:
    # "13/2023" must not match inside "113/2023" or "13/20234"
    return re.compile(rf"(?<![\w/]){re.escape(_fold(phrase))}(?!\d)")


def _phrases(value: Any, default: str) -> tuple[str, ...] | None:
    if value is None:
        return (default,)
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        return None
    return tuple(v.strip() for v in value)


def _parse(raw: Any, src: str, issues: list[Issue]) -> ReplacedDocument | None:
    line = line_of(raw)
    if not isinstance(raw, dict):
        issues.append(Issue(src, line, "error", "mỗi mục phải có document, replaced_by, from"))
        return None
    for key in raw:
        if key not in _FIELDS:
            issues.append(Issue(src, line_of(raw, key), "error", f"trường không hợp lệ '{key}'"))
    missing = [k for k in _REQUIRED if not str(raw.get(k) or "").strip()]
    if missing:
        issues.append(Issue(src, line, "error", f"thiếu trường bắt buộc '{missing[0]}'"))
        return None
    since = raw["from"]
    if isinstance(since, dt.datetime):
        since = since.date()
    if not isinstance(since, dt.date):
        try:
            since = dt.date.fromisoformat(str(since))
        except ValueError:
            issues.append(
                Issue(src, line_of(raw, "from"), "error", "'from' phải là ngày YYYY-MM-DD")
            )
            return None
    change = str(raw.get("change") or "replaced")
    if change not in _CHANGES:
        issues.append(
            Issue(src, line_of(raw, "change"), "error", "'change' là replaced hoặc amended")
        )
        return None
    document, replaced_by = str(raw["document"]).strip(), str(raw["replaced_by"]).strip()
    cited = _phrases(raw.get("cited_as"), document)
    replacement = _phrases(raw.get("replacement_cited_as"), replaced_by)
    if cited is None or replacement is None:
        key = "cited_as" if cited is None else "replacement_cited_as"
        issues.append(
            Issue(src, line_of(raw, key), "error", f"'{key}' phải là danh sách các cụm chữ")
        )
        return None
    return ReplacedDocument(
        document=document,
        cited_as=cited,
        replaced_by=replaced_by,
        replacement_cited_as=replacement,
        change=change,
        since=since,
        evidence=str(raw["source"]).strip(),
    )


def load_replaced_documents(
    path: Path = REPLACED_DOCUMENTS,
) -> tuple[list[ReplacedDocument], list[Issue]]:
    """The list of replaced documents, and any problem in the file as ``file:line`` issues."""
    issues: list[Issue] = []
    try:
        data = load_yaml(path)
    except YamlLoadError as err:
        return [], [Issue(err.path, err.line, "error", err.message)]
    if data is None:
        return [], issues
    if not isinstance(data, list):
        return [], [Issue(str(path), 1, "error", "tệp phải là một danh sách các văn bản")]
    docs = [d for d in (_parse(raw, str(path), issues) for raw in data) if d is not None]
    return docs, issues


def check_sources(
    entries: Iterable[_Cited], today: dt.date, path: Path = REPLACED_DOCUMENTS
) -> list[Issue]:
    """A warning for every entry whose ``source`` cites a document replaced on or before
    ``today``, plus any problem in the list itself."""
    docs, issues = load_replaced_documents(path)
    current = [d for d in docs if d.since <= today]
    for entry in entries:
        for doc in current:
            if entry.source and doc.cited_in(entry.source):
                issues.append(
                    Issue(
                        entry.path,
                        entry.line,
                        "warning",
                        f"mục '{entry.id}': nguồn dẫn {doc.document}, đã được "
                        f"{_CHANGES[doc.change]} bởi {doc.replaced_by} từ "
                        f"{doc.since:%d/%m/%Y}: rà soát lại câu trả lời và ghi nguồn mới",
                        "source",
                    )
                )
    return issues
