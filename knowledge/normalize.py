"""Vietnamese text normalisation for matching.

The same pipeline runs over the knowledge base, the training examples and every message, so all
meet in one form (see shared/research/retrieval.md §1):

1. ``fold``: NFC, lower case, strip diacritics including đ/Đ (and the legacy eth Ð), drop control
   characters, emoji and punctuation. Stripping makes old/new tone placement (hoà/hòa, thuỷ/thủy)
   moot. Any combining mark left after NFC (e.g. NFD input with a stray mark) is dropped as well.
2. ``normalize``: ``fold`` + the lexicon (``knowledge/data/lexicon.yaml``): phrase rules that need
   their neighbours (bằng lái → giấy phép lái xe, "dk ko" → được không), abbreviations and
   teencode (cccd, vneid, bhyt, ko, j, ntn…), Telex leftovers ("ddawng kys"), and fillers that
   carry no meaning (ạ, ơi, nhé, "cho em hỏi").

No word list lives here: the lexicon is data, reviewed like the knowledge base.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from knowledge.lexicon import LEXICON, Lexicon

__all__ = ["active_lexicon", "fold", "has_diacritics", "is_syllable", "normalize", "use_lexicon"]

MAX_CHARS = 2000  # longer messages are cut: nobody asks a question in more than 2,000 characters


def _build_fold_table() -> dict[int, str | None]:
    table: dict[int, str | None] = {}
    for start, end in ((0x00C0, 0x024F), (0x1E00, 0x1EFF)):
        for cp in range(start, end + 1):
            base = unicodedata.normalize("NFD", chr(cp))[0].lower()
            if "a" <= base <= "z":
                table[cp] = base
    for ch in "đĐðÐ":
        table[ord(ch)] = "d"
    return table


_FOLD = _build_fold_table()
_NON_ALNUM = re.compile(r"[^a-z0-9]+")
_SPACES = re.compile(r"\s+")


def _triggers(lexicon: Lexicon) -> re.Pattern[str]:
    """One scan finds every trigger of the phrase rules, overlapping ones included (lookahead)."""
    found = {re.escape(t) for rule in lexicon.phrases for t in rule.triggers}
    return re.compile("(?=(" + "|".join(sorted(found, key=len, reverse=True)) + "))")


# The lexicon in force: the bundled one, or a commune's merged over it (``use_lexicon``).
_LEX = LEXICON
_TRIGGERS = _triggers(_LEX)


def use_lexicon(lexicon: Lexicon | None) -> None:
    """Read every text from now on with ``lexicon`` (None: the bundled one). One process serves
    one commune, so the lexicon is the process's: ``load_knowledge`` sets it from the commune's
    ``KNOWLEDGE_DIR``. Models trained before keep their rows; a matcher built after retrains."""
    global _LEX, _TRIGGERS
    lexicon = LEXICON if lexicon is None else lexicon
    if lexicon == _LEX:
        return
    _LEX, _TRIGGERS = lexicon, _triggers(lexicon)
    _telex.cache_clear()
    _normalize_str.cache_clear()


def active_lexicon() -> Lexicon:
    """The lexicon ``normalize`` reads with now."""
    return _LEX


def is_syllable(word: str) -> bool:
    """True when ``word`` (folded) has the shape of a Vietnamese syllable."""
    return _LEX.syllable.match(word) is not None


@lru_cache(maxsize=65536)
def _telex(token: str) -> str:
    """The syllable a Telex-typed token stands for, or the token unchanged."""
    if not token.isalpha() or len(token) < 2 or token in _LEX.english:
        return token
    if is_syllable(token) and ("oo" not in token or token in _LEX.real_oo):
        return token
    word = token[:-1] if token[-1] in _LEX.telex_tones and len(token) > 2 else token
    for marked, plain in _LEX.telex_marks:
        word = word.replace(marked, plain)
    if word != token and is_syllable(word):
        return word
    return token


def has_diacritics(text: str) -> bool:
    """True when ``text`` has a Latin letter with a mark (â, ư, đ, tone marks…)."""
    if not isinstance(text, str) or text.isascii():
        return False
    return any(ord(ch) in _FOLD for ch in unicodedata.normalize("NFC", text[: MAX_CHARS * 2]))


def fold(text: object) -> str:
    """NFC, lower case, no diacritics (đ → d), letters and digits only, single spaces."""
    if not isinstance(text, str) or not text:
        return ""
    if len(text) > MAX_CHARS * 2:
        text = text[: MAX_CHARS * 2]
    text = unicodedata.normalize("NFC", text).lower().translate(_FOLD)
    if not text.isascii():
        # NFD leftovers, other scripts, emoji: drop combining marks, keep ASCII letters/digits.
        text = "".join(
            ch for ch in unicodedata.normalize("NFD", text) if not unicodedata.combining(ch)
        ).translate(_FOLD)
    text = _NON_ALNUM.sub(" ", text).strip()
    if len(text) > MAX_CHARS:
        text = text[:MAX_CHARS].rsplit(" ", 1)[0]
    return text


def _expand(folded: str) -> str:
    text = folded
    found = set(_TRIGGERS.findall(text))
    if found:
        for rule in _LEX.phrases:
            if not rule.triggers.isdisjoint(found):
                text = rule.pattern.sub(rule.replacement, text)
    abbreviations, fillers = _LEX.abbreviations, _LEX.fillers
    out: list[str] = []
    for tok in text.split():
        if tok in fillers:
            continue
        rep = abbreviations.get(tok)
        if rep is None:
            tok = _telex(tok)
            if tok in fillers:
                continue
            rep = abbreviations.get(tok, tok)
        out.append(rep)
    return " ".join(out)


@lru_cache(maxsize=8192)
def _normalize_str(text: str) -> str:
    if not text.isascii():
        text = unicodedata.normalize("NFC", text)
        text = _LEX.spoken_fillers.sub(" ", text)
    folded = fold(text)
    if not folded:
        return ""
    return _SPACES.sub(" ", _expand(folded)).strip()


def normalize(text: str) -> str:
    """The matching form of ``text``: folded, lexicon applied, fillers removed.

    Never raises; returns "" for anything that is not text or holds no letters or digits.
    """
    if not isinstance(text, str):
        return ""
    return _normalize_str(text)
