"""One knowledge-base entry's fields, read and checked (``file:line`` issues for each problem).

A commune's entry with a bundled id inherits every field it leaves out (``_inherit``), so changing
one answer takes only ``id`` + ``answer``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from knowledge.entries import (
    ENTRY_ID,
    FIELDS,
    MAX_CHARS,
    MAX_ITEM_CHARS,
    MAX_ITEMS,
    MAX_LINK_TEXT,
    REQUIRED,
    Entry,
    Link,
)
from knowledge.yamlio import Issue, line_of


def _strings(value: Any, raw: Any, key: str, src: str, issues: list[Issue]) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str | int | float) for v in value):
        issues.append(
            Issue(
                src,
                line_of(raw, key),
                "error",
                f"'{key}' phải là một danh sách các câu chữ",
                key,
            )
        )
        return ()
    items = tuple(s for s in (str(v).strip() for v in value) if s)
    if len(items) > MAX_ITEMS or any(len(s) > MAX_ITEM_CHARS for s in items):
        issues.append(
            Issue(
                src,
                line_of(raw, key),
                "error",
                f"'{key}' tối đa {MAX_ITEMS} mục, mỗi mục tối đa {MAX_ITEM_CHARS} ký tự",
                key,
            )
        )
    return items


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
                "links",
            )
        )
        return ()
    links = []
    if len(value) > MAX_ITEMS:
        issues.append(
            Issue(src, line_of(raw, "links"), "error", f"tối đa {MAX_ITEMS} liên kết", "links")
        )
        return ()
    for item in value:
        line = line_of(item) or line_of(raw, "links")
        if not isinstance(item, dict) or set(item) != {"text", "url"}:
            issues.append(
                Issue(
                    src, line, "error", "mỗi liên kết cần đúng hai trường 'text' và 'url'", "links"
                )
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
                    "links",
                )
            )
            continue
        if not text:
            issues.append(Issue(src, line, "error", "liên kết thiếu chữ hiển thị 'text'", "links"))
            continue
        if len(text) > MAX_LINK_TEXT:
            issues.append(
                Issue(
                    src,
                    line,
                    "warning",
                    f"chữ trên nút liên kết dài hơn {MAX_LINK_TEXT} ký tự",
                    "links",
                )
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
                "reviewed",
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


def parse_entry(
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
                    str(key),
                )
            )
    for key, line in getattr(raw, "duplicate_keys", []):
        issues.append(Issue(src, line, "error", f"trường '{key}' bị khai báo hai lần", str(key)))
    # Unknown fields do not stop the other checks; malformed values below do.
    before = len(issues)
    disabled = _flag(raw.get("disabled", False))
    if disabled and raw.get("id"):
        return Entry(str(raw["id"]), "", "", "", (), (), "", (), "", None, src, line_of(raw)), True
    for key in REQUIRED:
        value = raw.get(key)
        if value is None or (isinstance(value, str) and not value.strip()):
            issues.append(Issue(src, line_of(raw), "error", f"thiếu trường bắt buộc '{key}'", key))
        elif not isinstance(value, str | int | float):
            issues.append(
                Issue(src, line_of(raw, key), "error", f"'{key}' phải là một đoạn chữ", key)
            )
    for key, limit in MAX_CHARS.items():
        value = raw.get(key)
        if isinstance(value, str) and len(value.strip()) > limit:
            issues.append(
                Issue(
                    src,
                    line_of(raw, key),
                    "error",
                    f"'{key}' dài {len(value.strip())} ký tự, tối đa {limit}",
                    key,
                )
            )
    entry_id = str(raw.get("id") or "")
    if entry_id and not ENTRY_ID.match(entry_id):
        issues.append(
            Issue(
                src,
                line_of(raw, "id"),
                "error",
                f"mã mục '{entry_id}' chỉ dùng a-z, 0-9, '-' và tối đa 60 ký tự",
                "id",
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
