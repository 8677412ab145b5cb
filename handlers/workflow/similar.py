"""Similar petitions: the ones a new one probably repeats (the chat offers to follow them instead
of refiling; the dashboard lists them beside a petition).

Texts are compared in their normalised form (no diacritics, abbreviations expanded — the same
``knowledge.normalize`` the matcher uses), so "đèn đường hỏng" and "den duong hong" meet. The score
is rapidfuzz's ``token_set_ratio`` — word order and extra words matter little, which suits two
people describing one pothole — adjusted by what a string measure cannot know:

* fewer than three shared words: not a duplicate (token_set_ratio is 100 whenever one text's words
  are a subset of the other's, so a short text would match everything);
* different numbers ("thôn 3" / "thôn 5", "ngõ 3" / "ngõ 7") or different villages chosen in the
  place step: −40, because they name different places;
* the same category: +8.

Measured on 14 hand-written pairs of realistic petitions (tests/petitions/test_duplicates.py):
duplicates score 72–101, different problems at most 65; the threshold is 70.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz

from knowledge.normalize import normalize
from storage.petitions import SimilarCandidate

THRESHOLD = 70.0
MIN_SHARED_WORDS = 3
SAME_CATEGORY_BONUS = 8.0
DIFFERENT_PLACE_PENALTY = 40.0
MAX_OFFERS = 3
_NUMBER = re.compile(r"\b\d+\b")
_NORM_SLICE = 1500
MAX_COMPARED = 1500  # the gist of a petition is at its start; keeps 500 comparisons fast


def norm_content(text: str) -> str:
    """``normalize`` over the whole text (it cuts long input, so long content goes in slices)."""
    parts: list[str] = []
    rest = text
    while rest:
        if len(rest) <= _NORM_SLICE:
            chunk, rest = rest, ""
        else:
            cut = rest.rfind(" ", 0, _NORM_SLICE)
            cut = cut if cut > 0 else _NORM_SLICE
            chunk, rest = rest[:cut], rest[cut:]
        normalized = normalize(chunk)
        if normalized:
            parts.append(normalized)
    return " ".join(parts)


def similarity(
    a_norm: str,
    b_norm: str,
    *,
    same_category: bool = False,
    village_a: str | None = None,
    village_b: str | None = None,
) -> float:
    """How likely two normalised petition texts describe the same problem (0–108)."""
    a_norm, b_norm = a_norm[:MAX_COMPARED], b_norm[:MAX_COMPARED]
    words_a, words_b = set(a_norm.split()), set(b_norm.split())
    if len(words_a & words_b) < MIN_SHARED_WORDS:
        return 0.0
    score = float(fuzz.token_set_ratio(a_norm, b_norm))
    numbers_a, numbers_b = set(_NUMBER.findall(a_norm)), set(_NUMBER.findall(b_norm))
    if numbers_a and numbers_b and not numbers_a & numbers_b:
        score -= DIFFERENT_PLACE_PENALTY
    if village_a and village_b and village_a != village_b:
        score -= DIFFERENT_PLACE_PENALTY
    if same_category:
        score += SAME_CATEGORY_BONUS
    return score


@dataclass(frozen=True)
class SimilarPetition:
    candidate: SimilarCandidate
    score: float


def rank_similar(
    content_norm: str,
    category: str | None,
    village: str | None,
    candidates: Sequence[SimilarCandidate],
    limit: int = MAX_OFFERS,
) -> list[SimilarPetition]:
    """The best candidates above the threshold, best first."""
    scored = []
    for candidate in candidates:
        score = similarity(
            content_norm,
            candidate.content_norm or norm_content(candidate.content),
            same_category=category is not None and candidate.category == category,
            village_a=village,
            village_b=candidate.village,
        )
        if score >= THRESHOLD:
            scored.append(SimilarPetition(candidate, score))
    scored.sort(key=lambda s: (-s.score, -s.candidate.id))
    return scored[:limit]


_LONG_NUMBER = re.compile(r"\+?\d[\d\s.\-]{6,}\d")


def excerpt(content: str, limit: int = 140) -> str:
    """A short, safe preview of someone else's petition: phone-like numbers are masked."""
    text = " ".join(_LONG_NUMBER.sub("***", content).split())
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0] + "…"


def rank_pool(
    pool: Sequence[tuple[str, str, str, str, str, str | None]],
    content_norm: str,
    category: str | None,
    village: str | None,
    limit: int = 5,
) -> list[tuple[float, int]]:
    """(score, index in ``pool``) of the pool's petitions above the threshold, best first; the
    pool rows are (code, status, content_norm, content, category, village)."""
    if not content_norm.strip():
        return []
    scored = []
    for index, (_code, _status, norm, _content, pool_category, pool_village) in enumerate(pool):
        score = similarity(
            content_norm,
            norm or "",
            same_category=pool_category == category,
            village_a=village,
            village_b=pool_village,
        )
        if score >= THRESHOLD:
            scored.append((score, index))
    scored.sort(key=lambda item: (-item[0], item[1]))
    return scored[:limit]
