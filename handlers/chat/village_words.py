"""Which of the commune's villages a typed place means: "thon hai", "thôn 2", "t2", "xóm Đồng".

Older citizens type a village instead of pressing its button, in words, without diacritics, with
abbreviations, or by an old name the profile lists as an alias. The typed words are folded, the
numbers spelled out become digits ("hai" → 2) and "t2"/"th2" become "thon 2"; then a village's
name or alias inside the text is a sure match, and a near miss (the right number with another
kind of place — "xóm 2" for Thôn 2 — or a misspelt name) is a guess the citizen is asked about.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rapidfuzz import fuzz

from knowledge.normalize import fold
from knowledge.profile import CommuneProfile, Village

# Spelled-out numbers as typed without diacritics ("bon" and "tu" both mean 4).
NUMBER_WORDS = {
    "mot": "1",
    "hai": "2",
    "ba": "3",
    "bon": "4",
    "tu": "4",
    "nam": "5",
    "sau": "6",
    "bay": "7",
    "tam": "8",
    "chin": "9",
    "muoi": "10",
}
# Kinds of villages: thôn, xóm, ấp, bản, buôn, làng, tổ (dân phố), khu phố.
KINDS = ("thon", "xom", "ap", "ban", "buon", "lang", "to", "khu")
_ABBREVIATED = re.compile(r"\b(th|t|x|tdp)\.?\s*(\d{1,2})\b")
_GLUED = re.compile(r"\b(" + "|".join(KINDS) + r")(\d{1,2})\b")
_KIND_NUMBER = re.compile(r"\b(" + "|".join(KINDS) + r")(?: dan pho)? (\d{1,2})\b")
SURE_SCORE = 96
GUESS_SCORE = 75


@dataclass(frozen=True)
class VillageGuess:
    """The village a text names; ``sure`` False means: ask the citizen before keeping it."""

    village: Village
    sure: bool


def spoken_form(text: str) -> str:
    """Folded words with numbers as digits and abbreviations spelled out ("T.2" → "thon 2")."""
    words = fold(text).split()
    # A number word counts only after a kind of place ("thon hai") or alone: "nam" is also a
    # year, "ba" a grandmother, "sau" behind.
    for i, word in enumerate(words):
        if word in NUMBER_WORDS and (len(words) == 1 or (i > 0 and words[i - 1] in KINDS)):
            words[i] = NUMBER_WORDS[word]
    folded = " ".join(words)
    folded = _GLUED.sub(r"\1 \2", folded)
    kinds = {"th": "thon", "t": "thon", "x": "xom", "tdp": "to"}
    return _ABBREVIATED.sub(lambda m: f"{kinds[m.group(1)]} {m.group(2)}", folded)


def _names(village: Village) -> list[str]:
    return [spoken_form(n) for n in (village.name, *village.aliases) if spoken_form(n)]


def _numbered(name: str) -> tuple[str, str] | None:
    found = _KIND_NUMBER.fullmatch(name)
    return (found.group(1), found.group(2)) if found else None


def find_village(profile: CommuneProfile, text: str) -> VillageGuess | None:
    """The village ``text`` names, sure or guessed; None when it names none of them."""
    spoken = spoken_form(text)
    if not spoken:
        return None
    padded = f" {spoken} "
    sure = [
        (len(name), v) for v in profile.villages for name in _names(v) if f" {name} " in padded
    ]
    if sure:
        return VillageGuess(max(sure, key=lambda pair: pair[0])[1], True)
    # The right number with another kind of place, or a bare number: one village has it.
    typed_numbers = {n for _kind, n in _KIND_NUMBER.findall(spoken)}
    if spoken.isdigit():
        typed_numbers.add(spoken)
    by_number = [
        v
        for v in profile.villages
        for name in _names(v)
        if (numbered := _numbered(name)) and numbered[1] in typed_numbers
    ]
    if len({v.id for v in by_number}) == 1:
        return VillageGuess(by_number[0], spoken.isdigit())
    if typed_numbers:
        return None  # "thôn 7" where there is none: a number is not a near-miss spelling
    # A misspelt name ("xom tre" for Xóm Trên): the best score of a same-length run of words.
    typed = spoken.split()
    scored = []
    for v in profile.villages:
        for name in _names(v):
            if _numbered(name) or len(name) < 4:
                continue
            size = len(name.split())
            runs = [" ".join(typed[i : i + size]) for i in range(max(1, len(typed) - size + 1))]
            scored.append((max(fuzz.ratio(name, run) for run in runs), v))
    if not scored:
        return None
    score, village = max(scored, key=lambda pair: pair[0])
    if score >= SURE_SCORE:
        return VillageGuess(village, True)
    if score >= GUESS_SCORE:
        return VillageGuess(village, False)
    return None
