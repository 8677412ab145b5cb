"""Split a long text into parts a platform accepts (Telegram 4,096 characters, Zalo 2,000).

A reader on a small phone should get whole paragraphs, so parts break at a blank line if one is
near the limit, else at a line end, else after a sentence, else at a space, and only as a last
resort in the middle of a word. No visible character is lost or repeated; only the whitespace at
each seam is dropped.
"""

from __future__ import annotations

# Prefer a break this close to the limit over a "nicer" one far earlier (never tiny parts).
_MIN_FILL = 0.5
_BREAKS = ("\n\n", "\n", ". ", "! ", "? ", "; ", ", ", " ")


def split_text(text: str, limit: int) -> list[str]:
    """Parts of at most ``limit`` characters each; an empty text gives one empty part."""
    if limit < 1:
        raise ValueError("limit must be positive")
    if len(text) <= limit:
        return [text]
    parts: list[str] = []
    rest = text
    while len(rest) > limit:
        cut = _cut_point(rest, limit)
        head, rest = rest[:cut], rest[cut:]
        head = head.rstrip()
        rest = rest.lstrip()
        if head:
            parts.append(head)
    if rest:
        parts.append(rest)
    return parts or [""]


def utf16_length(text: str) -> int:
    """Telegram counts a message's length in UTF-16 code units: an emoji counts two."""
    return len(text.encode("utf-16-le")) // 2


def split_utf16(text: str, limit: int) -> list[str]:
    """``split_text`` with ``limit`` in UTF-16 code units (Telegram's 4,096): split by
    characters, and while a part is still too long, again with proportionally fewer."""
    chars = limit
    while True:
        parts = split_text(text, chars)
        worst = max(utf16_length(p) for p in parts)
        if worst <= limit or chars == 1:
            return parts
        chars = max(1, min(chars - 1, chars * limit // worst))


def _cut_point(text: str, limit: int) -> int:
    window = text[: limit + 1]
    floor = int(limit * _MIN_FILL)
    for separator in _BREAKS:
        index = window.rfind(separator, 0, limit + 1)
        if index >= floor:
            # keep the sentence mark with its sentence; whitespace is dropped at the seam
            end = index + len(separator.rstrip()) if separator.strip() else index
            if end <= limit and end > 0:
                return end
    return limit
