"""The normaliser's lexicon: abbreviations, fillers, phrase rules, Telex and syllable data.

Everything a reviewer may change about how Vietnamese chat text is read lives in
``knowledge/data/lexicon.yaml``; this module only loads and checks it, so a mistake in the file
(a key YAML reads as a boolean, a broken regular expression) stops the start with the file's name
instead of silently changing the matching.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from knowledge.yamlio import load_yaml

__all__ = ["LEXICON", "LEXICON_FILE", "Lexicon", "LexiconError", "PhraseRule", "load_lexicon"]


LEXICON_FILE = Path(__file__).parent / "data" / "lexicon.yaml"


class LexiconError(ValueError):
    """The lexicon file is malformed: the message names the file and the key."""


@dataclass(frozen=True)
class PhraseRule:
    """A multi-word rewrite that runs only when one of ``triggers`` occurs in the text."""

    triggers: frozenset[str]
    pattern: re.Pattern[str]
    replacement: str


@dataclass(frozen=True)
class Lexicon:
    abbreviations: dict[str, str]
    fillers: frozenset[str]
    phrases: tuple[PhraseRule, ...]
    spoken_fillers: re.Pattern[str]
    telex_marks: tuple[tuple[str, str], ...]
    telex_tones: frozenset[str]
    real_oo: frozenset[str]
    english: frozenset[str]
    syllable: re.Pattern[str]
    ack_core: frozenset[str]
    ack_words: frozenset[str]
    ack_emoji: frozenset[str]


def _strings(value: Any, where: str) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise LexiconError(f"{where}: cần một danh sách chuỗi (đặt trong dấu nháy nếu cần)")
    return value


def _regex(pattern: Any, where: str, flags: int = 0) -> re.Pattern[str]:
    if not isinstance(pattern, str):
        raise LexiconError(f"{where}: cần một biểu thức chính quy")
    try:
        return re.compile(pattern, flags)
    except re.error as err:
        raise LexiconError(f"{where}: biểu thức chính quy sai ({err})") from None


def _alternation(parts: list[str]) -> str:
    # longest first, so that "ngh" is tried before "ng" and "n"
    return "|".join(re.escape(p) for p in sorted(parts, key=len, reverse=True))


def load_lexicon(path: Path = LEXICON_FILE) -> Lexicon:
    """Read and check the lexicon file; raises LexiconError naming the file and the key."""
    data = load_yaml(path)
    src = str(path)
    if not isinstance(data, dict):
        raise LexiconError(f"{src}: cần một bảng khóa → giá trị")
    abbreviations = data.get("abbreviations") or {}
    for key, value in abbreviations.items():
        if not isinstance(key, str) or not isinstance(value, str) or not value:
            raise LexiconError(f"{src}: abbreviations.{key!r}: khóa và giá trị phải là chuỗi")
    phrases = []
    for n, rule in enumerate(data.get("phrases") or [], 1):
        where = f"{src}: phrases[{n}]"
        if not isinstance(rule, dict) or set(rule) != {"when", "find", "put"}:
            raise LexiconError(f"{where}: cần đúng ba khóa when, find, put")
        if not isinstance(rule["put"], str):
            raise LexiconError(f"{where}.put: cần một chuỗi")
        triggers = frozenset(_strings(rule["when"], f"{where}.when"))
        phrases.append(PhraseRule(triggers, _regex(rule["find"], f"{where}.find"), rule["put"]))
    telex = data.get("telex") or {}
    marks = []
    for pair in telex.get("marks") or []:
        if not (
            isinstance(pair, list) and len(pair) == 2 and all(isinstance(p, str) for p in pair)
        ):
            raise LexiconError(f"{src}: telex.marks: cần các cặp [gõ, chữ]")
        marks.append((pair[0], pair[1]))
    syl = data.get("syllable") or {}
    initials = _strings(syl.get("initials"), f"{src}: syllable.initials")
    nuclei = _strings(syl.get("nuclei"), f"{src}: syllable.nuclei")
    finals = _strings(syl.get("finals"), f"{src}: syllable.finals")
    syllable = re.compile(
        f"^({_alternation(initials)})?({_alternation(nuclei)})({_alternation(finals)})?$"
    )
    ack = data.get("acknowledgements") or {}
    core = frozenset(_strings(ack.get("core"), f"{src}: acknowledgements.core"))
    return Lexicon(
        abbreviations=dict(abbreviations),
        fillers=frozenset(_strings(data.get("fillers") or [], f"{src}: fillers")),
        phrases=tuple(phrases),
        spoken_fillers=_regex(data.get("spoken_fillers"), f"{src}: spoken_fillers", re.I),
        telex_marks=tuple(marks),
        telex_tones=frozenset(str(telex.get("tone_keys") or "")),
        real_oo=frozenset(_strings(telex.get("real_oo") or [], f"{src}: telex.real_oo")),
        english=frozenset(_strings(telex.get("english") or [], f"{src}: telex.english")),
        syllable=syllable,
        ack_core=core,
        ack_words=core | frozenset(_strings(ack.get("also") or [], f"{src}: acknowledgements")),
        ack_emoji=frozenset(_strings(ack.get("emoji") or [], f"{src}: acknowledgements.emoji")),
    )


LEXICON = load_lexicon()
