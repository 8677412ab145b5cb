"""Reading what older citizens type instead of pressing a button during the petition draft.

"xong" for "Xong", "bo qua" for "Bỏ qua", a category's number or a distinctive word of its name,
a village named inside a place ("cầu Đá thôn 3" → Thôn 3), and whether a text can already be a
petition's content. Everything is compared in folded form (no diacritics, lower case).
"""

from __future__ import annotations

from handlers.texts import Texts
from handlers.texts.intake import IntakeTexts
from knowledge.normalize import fold
from knowledge.profile import Category, CommuneProfile, Village

# Typed equivalents of the buttons older users may write instead of pressing (folded forms).
DONE_WORDS = {
    "xong",
    "xong roi",
    "da xong",
    "du roi",
    "het roi",
    "vay thoi",
    "the thoi",
    "ok",
    "oke",
    "okay",
    "roi",
    "duoc roi",
    "gui",
    "gui di",
    "het",
}
SKIP_WORDS = {
    "bo qua",
    "khong",
    "ko",
    "k",
    "khong co",
    "khong muon",
    "thoi",
    "an danh",
    "gui an danh",
    "khong can",
}
# Short replies that answer some other question: never anyone's name.
NOT_NAMES = DONE_WORDS | {"co", "vang", "da", "u", "uh", "dong y", "xac nhan", "tiep", "tiep tuc"}

MIN_CONTENT_CHARS = 15
MIN_CONTENT_WORDS = 3
MAX_CONTENT = 4000
MAX_PLACE = 300


def vn_number(number: int) -> str:
    """4000 → '4.000' (the Vietnamese thousands separator)."""
    return f"{number:,}".replace(",", ".")


def content_problem(texts: Texts, text: str) -> str | None:
    """Why ``text`` cannot be a petition's content yet (a message to show), or None."""
    t = IntakeTexts.of(texts)
    text = text.strip()
    if not text:
        return t.content_empty()
    if len(text) > MAX_CONTENT:
        return t.content_too_long(length=vn_number(len(text)), max=vn_number(MAX_CONTENT))
    if len(text) < MIN_CONTENT_CHARS or len(text.split()) < MIN_CONTENT_WORDS:
        return t.content_too_short(words=MIN_CONTENT_WORDS)
    return None


def said(text: str, words: set[str]) -> bool:
    """Did the citizen type one of these short answers (accents and punctuation ignored)?"""
    return fold(text) in words


def _words(text: str) -> str:
    return f" {fold(text)} "


def category_from_text(profile: CommuneProfile, text: str) -> Category | None:
    """A category typed instead of pressed: its number, name or a distinctive part of it."""
    folded = fold(text)
    if not folded:
        return None
    if folded.isdigit():
        index = int(folded) - 1
        return profile.categories[index] if 0 <= index < len(profile.categories) else None
    exact = [c for c in profile.categories if fold(c.name) == folded or c.id == text.strip()]
    if exact:
        return exact[0]
    if len(folded) < 3:
        return None
    hits = [c for c in profile.categories if f" {folded} " in _words(c.name)]
    return hits[0] if len(hits) == 1 else None


def village_in_text(profile: CommuneProfile, text: str) -> Village | None:
    """The village a typed place names ("cầu Đá thôn 3" → Thôn 3), the longest name winning."""
    words = _words(text)
    found = [v for v in profile.villages if _words(v.name) in words]
    return max(found, key=lambda v: len(v.name)) if found else None


def _phrases(category: Category) -> list[str]:
    parts = [p for p in category.name.split(",") if p.strip()]
    return [fold(p) for p in (*parts, *category.keywords) if fold(p)]


def guess_category(profile: CommuneProfile, text: str) -> Category | None:
    """The category a story most likely belongs to, to offer first ("ổ gà" → roads).

    Each name part and keyword found as whole words scores its number of words, so "đèn đường"
    (electricity) outweighs "đường" (roads); a tie guesses nothing.
    """
    words = _words(text)
    scores = []
    for category in profile.categories:
        score = sum(len(p.split()) for p in _phrases(category) if f" {p} " in words)
        scores.append((score, category))
    scores.sort(key=lambda pair: pair[0], reverse=True)
    if not scores or scores[0][0] == 0:
        return None
    if len(scores) > 1 and scores[1][0] == scores[0][0]:
        return None
    return scores[0][1]
