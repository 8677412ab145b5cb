"""The intents a message can have, and the few decisions that need no model.

The model (``knowledge.model``) decides between a topic, ``@petition``, ``@greeting``,
``@fallback`` and ``@foreign`` from examples; nothing here lists words. What stays is structural:
text in a script the normaliser cannot read is another language, a message whose words are
mostly neither Vietnamese syllables nor known words cannot be read at all, and an
acknowledgement ("ok", "dạ vâng", "👍") is recognised from the lexicon's words (the handlers use
it for a nod outside the matcher too).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from knowledge.lexicon import LEXICON
from knowledge.normalize import fold, is_syllable, normalize

__all__ = [
    "FALLBACK",
    "FAQ",
    "FOREIGN",
    "GREETING",
    "INTENT_LABELS",
    "PETITION",
    "intent_of",
    "is_acknowledgement",
    "model_text",
    "other_script",
    "readable_share",
]

PETITION, GREETING, FALLBACK, FOREIGN = "@petition", "@greeting", "@fallback", "@foreign"
INTENT_LABELS = (PETITION, GREETING, FALLBACK, FOREIGN)
FAQ = "faq"
_OK = re.compile(r"^o+k+[eiy]*$")  # "ok", "okkk", "ookie"
_EMOJI_MODIFIERS = frozenset(
    chr(c) for c in (*range(0x1F3FB, 0x1F400), 0xFE0F, 0xFE0E, 0x200D, 0x2640, 0x2642)
)


def intent_of(label: str) -> str:
    """The public intent of a model class: a topic is "faq", ``@foreign`` is "fallback"."""
    if not label.startswith("@"):
        return FAQ
    return "fallback" if label == FOREIGN else label[1:]


def is_acknowledgement(folded: str, raw: str = "") -> bool:
    """ "ok", "dạ vâng", "được rồi ạ", "👍": an acknowledgement and nothing else."""
    words = folded.split()
    if not words:
        marks = [ch for ch in raw if not ch.isspace() and ch not in _EMOJI_MODIFIERS]
        emoji = LEXICON.ack_emoji
        return (
            bool(marks)
            and any(ch in emoji for ch in marks)
            and all(ch in emoji or (not ch.isalnum() and ord(ch) < 0x2000) for ch in marks)
        )
    if len(words) > 6:
        return False
    words = ["ok" if _OK.match(w) else w for w in words]
    return all(w in LEXICON.ack_words for w in words) and any(w in LEXICON.ack_core for w in words)


def other_script(raw: str, folded: str) -> bool:
    """Letters were typed, but none in the Latin script: Chinese, Russian, Thai…"""
    return not folded and any(ch.isalpha() for ch in raw[:2000])


def model_text(raw: str) -> str:
    """What the model reads: the normalised text, or, when the lexicon dropped every word
    ("bot ơi", "ad ơi ạ": a bare call), the folded one; "ok" for a thumbs-up alone."""
    text = normalize(raw)
    if text:
        return text
    folded = fold(raw)
    if folded:
        return folded
    return "ok" if is_acknowledgement("", raw) else ""


def readable_share(words: Iterable[str], vocabulary: frozenset[str]) -> float:
    """Share of words that are Vietnamese syllables, known words or numbers."""
    words = list(words)
    if not words:
        return 0.0
    ok = sum(1 for w in words if w in vocabulary or w.isdigit() or is_syllable(w))
    return ok / len(words)
