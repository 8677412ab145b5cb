"""A commune's own lexicon: ``KNOWLEDGE_DIR/lexicon.yaml``, merged over the bundled one.

People in one commune write the commune's own abbreviations ("ubx" for ủy ban xã), a village's
nickname or a filler word of the local dialect; the bundled lexicon cannot know them. The commune's
file has the shape of ``knowledge/data/lexicon.yaml`` for the parts a commune may change::

    abbreviations:            # token → what it stands for; the commune's wins on a conflict
      ubx: ủy ban xã
    fillers: [nhớ]            # words that carry no meaning here
    phrases:                  # multi-word rules on folded text, run before the bundled ones
      - {when: [xom bai], find: '\\bxom bai\\b', put: 'thon bai'}

Keys and values are written as people type them, with or without marks: they are folded here,
as every message is. A token the commune makes an abbreviation stops being a filler and the
other way round, so the commune always has the last word. Errors are ``Issue``s with the file's
line, for ``kb check``; ``load_knowledge`` refuses to start on one.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from knowledge.lexicon import Lexicon, PhraseRule
from knowledge.normalize import fold
from knowledge.yamlio import Issue, YamlLoadError, line_of, load_yaml

__all__ = ["LEXICON_FILE_NAME", "CommuneLexicon", "merge_lexicon", "read_commune_lexicon"]

LEXICON_FILE_NAME = "lexicon.yaml"
_KEYS = ("abbreviations", "fillers", "phrases")


@dataclass(frozen=True)
class CommuneLexicon:
    """What a commune's lexicon file adds, already folded."""

    abbreviations: tuple[tuple[str, str], ...] = ()
    fillers: frozenset[str] = frozenset()
    phrases: tuple[PhraseRule, ...] = ()


def _token(value: Any) -> str | None:
    """The folded single word ``value`` stands for, or None when it is not one."""
    if not isinstance(value, str):
        return None
    folded = fold(value)
    return folded if folded and " " not in folded else None


def _abbreviations(data: Any, src: str, line: int, issues: list[Issue]) -> list[tuple[str, str]]:
    if not isinstance(data, dict):
        msg = "'abbreviations' cần một bảng từ viết tắt → nghĩa"
        issues.append(Issue(src, line, "error", msg))
        return []
    for key, where in getattr(data, "duplicate_keys", []):
        issues.append(Issue(src, where, "error", f"từ viết tắt '{key}' bị trùng"))
    out = []
    for key, value in data.items():
        where = line_of(data, key)
        token, meaning = _token(key), fold(value) if isinstance(value, str) else ""
        if token is None:
            msg = f"từ viết tắt '{key}' phải là một từ (chữ cái, chữ số, không dấu cách)"
            issues.append(Issue(src, where, "error", msg))
        elif not meaning:
            issues.append(Issue(src, where, "error", f"từ viết tắt '{key}' cần nghĩa (một chuỗi)"))
        else:
            out.append((token, meaning))
    return out


def _fillers(data: Any, src: str, line: int, issues: list[Issue]) -> set[str]:
    if not isinstance(data, list):
        issues.append(Issue(src, line, "error", "'fillers' cần một danh sách từ"))
        return set()
    out = set()
    for value in data:
        token = _token(value)
        if token is None:
            issues.append(Issue(src, line, "error", f"từ đệm '{value}' phải là một từ"))
        else:
            out.add(token)
    return out


def _phrases(data: Any, src: str, line: int, issues: list[Issue]) -> list[PhraseRule]:
    if not isinstance(data, list):
        issues.append(Issue(src, line, "error", "'phrases' cần một danh sách quy tắc"))
        return []
    out = []
    for n, rule in enumerate(data, 1):
        where = line_of(rule) or line
        if not isinstance(rule, dict) or set(rule) != {"when", "find", "put"}:
            msg = f"quy tắc {n}: cần đúng ba khóa when, find, put"
            issues.append(Issue(src, where, "error", msg))
            continue
        when = rule["when"]
        if not isinstance(when, list) or not when or not all(isinstance(w, str) for w in when):
            issues.append(Issue(src, where, "error", f"quy tắc {n}: 'when' cần danh sách chuỗi"))
            continue
        if not isinstance(rule["put"], str) or not isinstance(rule["find"], str):
            issues.append(Issue(src, where, "error", f"quy tắc {n}: 'find', 'put' cần là chuỗi"))
            continue
        try:
            pattern = re.compile(rule["find"])
        except re.error as err:
            msg = f"quy tắc {n}: biểu thức chính quy sai ({err})"
            issues.append(Issue(src, where, "error", msg))
            continue
        triggers = frozenset(t for w in when if (t := fold(w)))
        out.append(PhraseRule(triggers, pattern, rule["put"]))
    return out


def read_commune_lexicon(folder: Path, issues: list[Issue]) -> CommuneLexicon | None:
    """The commune's lexicon of ``folder``; None when it has none or it has errors (then in
    ``issues``, with the file's line)."""
    path = folder / LEXICON_FILE_NAME
    if not path.exists():
        return None
    try:
        data = load_yaml(path, plain=True)
    except YamlLoadError as err:
        issues.append(Issue(err.path, err.line, "error", err.message))
        return None
    src = str(path)
    if data is None:
        return None
    if not isinstance(data, dict):
        issues.append(Issue(src, 1, "error", f"tệp từ vựng cần các khóa {', '.join(_KEYS)}"))
        return None
    before = len(issues)
    for key in data:
        if key not in _KEYS:
            msg = f"khóa không hợp lệ '{key}' (dùng {', '.join(_KEYS)})"
            issues.append(Issue(src, line_of(data, key), "error", msg))
    abbreviations = _abbreviations(
        data.get("abbreviations") or {}, src, line_of(data, "abbreviations"), issues
    )
    fillers = _fillers(data.get("fillers") or [], src, line_of(data, "fillers"), issues)
    phrases = _phrases(data.get("phrases") or [], src, line_of(data, "phrases"), issues)
    if len(issues) > before:
        return None
    return CommuneLexicon(tuple(abbreviations), frozenset(fillers), tuple(phrases))


def merge_lexicon(base: Lexicon, own: CommuneLexicon) -> Lexicon:
    """``base`` with the commune's entries over it: the commune's win on every conflict."""
    own_keys = {k for k, _ in own.abbreviations}
    abbreviations = {k: v for k, v in base.abbreviations.items() if k not in own.fillers}
    abbreviations.update(own.abbreviations)
    return dataclasses.replace(
        base,
        abbreviations=abbreviations,
        fillers=frozenset((base.fillers | own.fillers) - own_keys),
        phrases=own.phrases + base.phrases,
    )
