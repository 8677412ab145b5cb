"""Turn one citizen message into a decision: intent, band, topic, entry (handlers word it).

Pipeline (measurements in bench/RESULTS.md and shared/research/retrieval.md):

1. ``normalize`` (NFC, no diacritics, abbreviations, Telex leftovers, fillers); bad input never
   raises.
2. Rules before ranking (``knowledge.intents``): an acknowledgement ("ok", "dạ", "👍") gets a
   short nod; a bare call ("ad ơi"), greeting, thanks or small talk → greeting; clearly English
   text (several English words, nothing Vietnamese) → the fallback with an English line; text the
   matcher cannot read (an unknown abbreviation, digits, another language) → the plain fallback;
   formal complaint (khiếu nại, tố cáo) → the ``complaint-vs-petition`` entry; a request to the
   commune or an unmistakable report without a question cue → petition.
3. Ranking against one document per entry (title + question + phrasings + keywords, normalised,
   concatenated as the research notes recommend): 0.7 × mean(TF-IDF cosine over char_wb 2–4-grams,
   TF-IDF cosine over word 1–2-grams) + 0.3 × the best single-phrasing word cosine. Char n-grams
   absorb typos and split/joined words; word n-grams and the per-phrasing maximum are sharper on
   exact wording. Unknown non-syllables of 4+ letters are first repaired to a vocabulary word of
   4+ letters at Levenshtein distance 1 (rapidfuzz). A message equal to a known phrasing takes an
   exact path. A message that names a procedure outright ("sao y", "khai tử", "tra cứu hồ sơ";
   ``intents.TOPIC_CUES``) moves that topic up, never above the best plain score.
4. "No good answer": decision score = similarity × coverage. Coverage is the IDF-weighted share of
   the message's words found in the chosen entry; unknown words weigh the most, function words
   ("thì", "muốn", "cần") very little, details (time, family, numbers: "tháng trước", "cho mẹ")
   little when the entry lacks them, and the denominator is capped so that a long, chatty message
   is not punished for its length. A procedure we do not cover or a small-talk subject ("đăng ký
   xe", "nghĩa vụ quân sự", "chứng khoán") needs ``uncovered_threshold`` to be answered at all.
   A statement (no question cue) about a place of the commune with a problem word is a report
   unless an entry matches it at least ``report_threshold``, or it names a procedure.
   ≥ ``answer_threshold`` (and no close runner-up of another topic) → answer; then petition if the
   message carries a complaint cue, or is a statement (no question cue) about a place of the
   commune with a problem word, or a long statement of something gone wrong; ≥
   ``suggest_threshold`` → "suggest" (the top entry plus up to two others as buttons), also just
   below it when the wording is very close to one entry or names its procedure; fallback otherwise.

The index is built once in ``Matcher.__init__`` with sparse algebra (≈0.4 s for 1,000 entries);
``match`` costs well under a millisecond on the bundled base and a few at 10,000 entries.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any

import numpy as np
from rapidfuzz import process
from rapidfuzz.distance import Levenshtein
from scipy import sparse
from sklearn.feature_extraction.text import TfidfTransformer

from knowledge import intents
from knowledge.entries import Entry, KnowledgeBase, Link
from knowledge.normalize import fold, normalize

__all__ = ["Match", "Matcher", "Suggestion"]

log = logging.getLogger(__name__)

COMPLAINT_TOPIC = "complaint-vs-petition"
STATUS_TOPIC = "petition-status"
HOW_TOPIC = "petition-how"

MAX_QUERY_CHARS = 1000  # the question part of a long message is at its start

# Function words (folded). They are kept for ranking (question words carry intent, see the research
# notes), but in the coverage they weigh little whether present or not: a long, chatty message
# ("bố em mới mất tuần trước, gia đình muốn làm giấy tờ thì cần gì…") must not look unanswerable
# because of its "thì", "muốn", "cần".
FUNCTION_WORDS = frozenset(
    """
    thi ma la va voi cua cho de ra vao len xuong nay do kia roi duoc bi se da dang van cung
    nua thoi a oi gi sao nao the khong co phai can muon lam giup hay hoac neu khi luc toi
    minh em anh chi ban ong ba bac chau con nha nguoi moi nhung cac mot hai vay nhu tai vi
    nen thi tu den o dau ai bao nhieu may lai qua rat lam hon nhat chua cai kieu nhe nha di
    ve dung xin hoi biet duoc giup voi tui tao may chung no ho ay vua moi sau truoc trong
    gio thay noi luon ngay cu kia ngoai tren duoi giua
    """.split()  # noqa: SIM905
)
# Words that say when, for whom or how much, not what: time ("tháng trước", "hôm qua", "năm
# ngoái"), family ("cho mẹ", "vợ tôi"), generic verbs and nouns ("việc", "đưa", "bắt", "xong"),
# and numbers (ages, village numbers, counts). A question keeps its topic whatever they are: when
# an entry lacks them they weigh as little as function words; when it has them they count in full
# ("bố tôi vừa mất"). Homographs of topic words stay out: chiều/hộ chiếu, sáng/sang tên,
# mai/mai táng, hết/hết hạn, bảy/thứ bảy.
LOW_INFORMATION_WORDS = frozenset(
    """
    nam thang tuan hom trua dem
    me bo cha vo chong be
    viec chuyen that bat dua theo xong nhanh bang gom tat ca day
    """.split()  # noqa: SIM905
)


@dataclass(frozen=True)
class Suggestion:
    """Another entry offered as a button in the middle band."""

    entry_id: str
    topic: str
    title: str
    score: float


@dataclass(frozen=True)
class Match:
    """The matcher's decision for one message; the handlers word it (handlers.chat.answers).

    ``answer`` is the rendered entry for intent "faq" in band "answer", and "" otherwise;
    ``greeting_kind`` is "hello" | "thanks" | "ack" | "bye" when intent is "greeting";
    ``foreign`` marks a fallback because the text is in another language.
    """

    intent: str
    band: str
    topic: str | None
    entry_id: str | None
    score: float
    answer: str
    links: tuple[Link, ...] = ()
    suggestions: tuple[Suggestion, ...] = ()
    normalized: str = ""
    reason: str = field(default="", compare=False)
    greeting_kind: str | None = None
    foreign: bool = False

    def to_json(self) -> dict[str, Any]:
        """The ``ask --json`` object of CONTRACTS.md, plus explanatory keys."""
        return {
            "intent": self.intent,
            "topic": self.topic if self.intent == "faq" else None,
            "score": round(float(self.score), 4),
            "answer": self.answer,
            "suggestions": [s.topic for s in self.suggestions],
            "entry_id": self.entry_id,
            "band": self.band,
            "normalized": self.normalized,
            "suggestion_titles": [s.title for s in self.suggestions],
            "reason": self.reason,
        }


def _char_grams(word: str) -> list[str]:
    """scikit-learn's ``char_wb`` 2–4-grams of one word (padded with spaces)."""
    padded = f" {word} "
    size = len(padded)
    grams = [padded[i : i + n] for n in (2, 3, 4) for i in range(size - n + 1)]
    return grams if size > 3 else [*grams, padded]


def _csr(indices: list[int], indptr: list[int], columns: int) -> sparse.csr_matrix:
    data = np.ones(len(indices), dtype=np.float32)
    matrix = sparse.csr_matrix(
        (data, np.asarray(indices, dtype=np.int32), np.asarray(indptr, dtype=np.int64)),
        shape=(len(indptr) - 1, columns),
    )
    matrix.sum_duplicates()
    return matrix


def _weigh(ids: list[int], idf: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Term ids and weights of a query as TfidfTransformer(sublinear_tf=True) weighs them."""
    if not ids:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
    terms, counts = np.unique(np.asarray(ids, dtype=np.int64), return_counts=True)
    weights = (1.0 + np.log(counts)).astype(np.float32) * idf[terms]
    norm = float(np.sqrt(np.dot(weights, weights)))
    return terms, weights / norm if norm else weights


def _dot(term_rows: sparse.csr_matrix, terms: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """weights @ term_rows[terms] as a dense vector, straight from the CSR arrays.

    A query has a few dozen terms; gathering their posting lists with numpy avoids scipy's
    per-call object overhead, which dominates at this size.
    """
    size = term_rows.shape[1]
    if terms.size == 0:
        return np.zeros(size, dtype=np.float32)
    starts = term_rows.indptr[terms]
    lengths = term_rows.indptr[terms + 1] - starts
    total = int(lengths.sum())
    if total == 0:
        return np.zeros(size, dtype=np.float32)
    offsets = np.repeat(starts - np.cumsum(lengths) + lengths, lengths) + np.arange(total)
    values = term_rows.data[offsets] * np.repeat(weights, lengths)
    out = np.bincount(term_rows.indices[offsets], weights=values, minlength=size)
    return out


class _Features:
    """Term counts for word 1–2-grams and char_wb 2–4-grams, built with sparse algebra.

    Equivalent to scikit-learn's CountVectorizer(analyzer="word", ngram_range=(1, 2)) and
    CountVectorizer(analyzer="char_wb", ngram_range=(2, 4)) on normalised text, but an order of
    magnitude faster to build: char n-grams are computed once per distinct word (a words x n-grams
    matrix) and multiplied by the phrasings x words counts.
    """

    def __init__(self, rows: list[str]) -> None:
        self.words: dict[str, int] = {}
        self.bigrams: dict[str, int] = {}
        self.grams: dict[str, int] = {}
        uni, uni_ptr, bi, bi_ptr = [], [0], [], [0]
        for row in rows:
            toks = row.split()
            uni.extend(self.words.setdefault(t, len(self.words)) for t in toks)
            uni_ptr.append(len(uni))
            bi.extend(
                self.bigrams.setdefault(f"{a} {b}", len(self.bigrams)) for a, b in pairwise(toks)
            )
            bi_ptr.append(len(bi))
        unigram_counts = _csr(uni, uni_ptr, len(self.words))
        bigram_counts = _csr(bi, bi_ptr, len(self.bigrams))
        self.word_rows = sparse.hstack([unigram_counts, bigram_counts], format="csr")
        g, g_ptr = [], [0]
        for word in self.words:  # insertion order = id order
            g.extend(self.grams.setdefault(x, len(self.grams)) for x in _char_grams(word))
            g_ptr.append(len(g))
        self.word_grams = _csr(g, g_ptr, len(self.grams))
        self.char_rows = (unigram_counts @ self.word_grams).tocsr()

    def query(self, text: str) -> tuple[list[int], list[int]]:
        """(word 1–2-gram ids, char n-gram ids) of one normalised query; unknown terms dropped."""
        toks = text.split()
        words, bigrams, grams = self.words, self.bigrams, self.grams
        nw = len(words)
        word_ids = [words[t] for t in toks if t in words]
        word_ids += [
            nw + bigrams[b] for b in (f"{a} {c}" for a, c in pairwise(toks)) if b in bigrams
        ]
        gram_ids = [grams[x] for t in toks for x in _char_grams(t) if x in grams]
        return word_ids, gram_ids


class Matcher:
    """Built once per knowledge base; ``match`` is cheap and never raises."""

    answer_threshold: float = 0.30
    suggest_threshold: float = 0.21
    close_margin: float = 0.02
    char_weight: float = 0.5
    row_weight: float = 0.3
    min_vietnamese_share: float = 0.5
    coverage_cap: float = 3.5
    function_word_weight: float = 0.25
    uncovered_threshold: float = 0.5
    cue_bonus: float = 0.25
    near_similarity: float = 0.34
    near_floor: float = 0.14
    cue_floor: float = 0.1
    report_threshold: float = 0.4

    def __init__(self, kb: KnowledgeBase, **tuning: float) -> None:
        for key, value in tuning.items():
            if not hasattr(type(self), key):
                raise TypeError(f"unknown tuning parameter {key!r}")
            setattr(self, key, value)
        self.kb = kb
        self._entries: list[Entry] = list(kb.entries.values())
        self._topics = [e.topic for e in self._entries]
        self._by_topic: dict[str, list[int]] = {}
        for i, topic in enumerate(self._topics):
            self._by_topic.setdefault(topic, []).append(i)
        self._size = len(self._entries)
        rows: list[str] = []
        owners: list[int] = []
        self._exact: dict[str, int] = {}
        ambiguous: set[str] = set()
        for i, entry in enumerate(self._entries):
            for t in dict.fromkeys(normalize(t) for t in (*entry.texts, *entry.keywords)):
                if not t:
                    continue
                rows.append(t)
                owners.append(i)
                if t in self._exact and self._topics[self._exact[t]] != entry.topic:
                    ambiguous.add(t)
                self._exact.setdefault(t, i)
        for t in ambiguous:
            self._exact.pop(t, None)
        self._vocab: frozenset[str] = frozenset()
        self._vocab_list: list[str] = []
        self._idf: dict[str, float] = {}
        self._entry_words: list[frozenset[str]] = [frozenset() for _ in self._entries]
        self._entry_rows: list[list[str]] = [[] for _ in self._entries]
        self._covers: dict[int, frozenset[str]] = {}
        # keywords that are (part of) the entry's own title: the name of its procedure
        self._keywords: list[list[str]] = []
        for e in self._entries:
            title = set(normalize(e.title).split())
            names = (normalize(k) for k in e.keywords)
            self._keywords.append([k for k in names if k and set(k.split()) <= title])
        if not rows:
            self._size = 0
            return
        # Every distinct phrasing is vectorised once; an entry's document (all its phrasings
        # concatenated, as the research notes recommend) is the sum of its rows' counts.
        owner = np.asarray(owners)
        gather = sparse.csr_matrix(
            (np.ones(len(rows), dtype=np.float32), (owner, np.arange(len(rows)))),
            shape=(self._size, len(rows)),
        )
        self._features = _Features(rows)
        char_rows, word_rows = self._features.char_rows, self._features.word_rows
        self._char_tfidf = TfidfTransformer(sublinear_tf=True)
        self._word_tfidf = TfidfTransformer(sublinear_tf=True)
        self._row_tfidf = TfidfTransformer(sublinear_tf=True)
        # Stored transposed (term x entry, CSR): a query touches only its own terms' rows.
        self._char_t = self._char_tfidf.fit_transform(gather @ char_rows).T.tocsr()
        self._word_t = self._word_tfidf.fit_transform(gather @ word_rows).T.tocsr()
        self._rows_t = self._row_tfidf.fit_transform(word_rows).T.tocsr()
        self._char_idf = self._char_tfidf.idf_.astype(np.float32)
        self._word_idf = self._word_tfidf.idf_.astype(np.float32)
        self._row_idf = self._row_tfidf.idf_.astype(np.float32)
        self._row_starts = np.flatnonzero(np.r_[True, np.diff(owner) != 0])
        self._row_entries = owner[self._row_starts]
        words_of: list[set[str]] = [set() for _ in self._entries]
        for t, i in zip(rows, owners, strict=True):
            words_of[i].update(t.split())
        self._entry_words = [frozenset(w) for w in words_of]
        for t, i in zip(rows, owners, strict=True):
            self._entry_rows[i].append(t)
        counts: dict[str, int] = {}
        for words in self._entry_words:
            for w in words:
                counts[w] = counts.get(w, 0) + 1
        n = self._size
        self._idf = {w: float(np.log((n + 1) / (c + 1)) + 1.0) for w, c in counts.items()}
        self._max_idf = float(np.log(n + 1) + 1.0)
        self._min_idf = 1.0
        self._vocab = frozenset(counts)
        self._vocab_list = sorted(w for w in counts if len(w) >= 4 and not w.isdigit())

    # ------------------------------------------------------------------ public API

    def match(self, text: str) -> Match:
        """Intent, topic and reply for one message. Never raises."""
        try:
            return self._match(text if isinstance(text, str) else "")
        except Exception:  # a bug must not take a conversation down
            log.exception("matcher failed on a message")
            return self._fallback("", 0.0, "error")

    def rank(self, normalized: str, limit: int = 5) -> list[tuple[int, float, float, float]]:
        """Top entries for a normalised query: (index, decision score, similarity, coverage).

        The decision score is similarity x coverage. An entry whose topic the message names
        outright (``intents.topic_cues``) gets ``cue_bonus`` to reorder it, capped at the best
        plain score: a cue picks the topic among entries that match; it is no evidence that the
        message is answerable at all.
        """
        return self._rank(normalized, limit, intents.topic_cues(normalized))

    # ------------------------------------------------------------------ internals

    def _rank(
        self, normalized: str, limit: int, cued: set[str]
    ) -> list[tuple[int, float, float, float]]:
        """``rank`` with the message's topic cues already found (``_match`` needs them too)."""
        if not normalized or self._size == 0:
            return []
        sims = self._similarities(normalized)
        candidates = [int(i) for i in np.argsort(-sims)[: max(limit * 3, 10)]]
        if cued:
            for topic in cued:
                best = self._best_in(sims, topic)
                if best is not None and best not in candidates:
                    candidates.append(best)
        words = normalized.split()
        out = []
        for i in candidates:
            sim = float(sims[i])
            if sim <= 0:
                continue
            cov = self._coverage(words, i)
            out.append((i, sim * cov, sim, cov))
        if cued and out:
            ceiling = max(r[1] for r in out)
            out = [
                (i, min(ceiling, dec + self.cue_bonus), sim, cov)
                if self._topics[i] in cued
                else (i, dec, sim, cov)
                for i, dec, sim, cov in out
            ]
            # on a tie with the ceiling, the cued entry goes first
            out.sort(key=lambda r: (-r[1], self._topics[r[0]] not in cued))
        else:
            out.sort(key=lambda r: -r[1])
        return out[:limit]

    def _similarities(self, query: str) -> np.ndarray:
        word_ids, gram_ids = self._features.query(query)
        sims = self.char_weight * _dot(self._char_t, *_weigh(gram_ids, self._char_idf))
        sims += (1.0 - self.char_weight) * _dot(self._word_t, *_weigh(word_ids, self._word_idf))
        if self.row_weight > 0:
            sr = _dot(self._rows_t, *_weigh(word_ids, self._row_idf))
            best = np.zeros(self._size, dtype=sims.dtype)
            best[self._row_entries] = np.maximum.reduceat(sr, self._row_starts)
            sims = (1.0 - self.row_weight) * sims + self.row_weight * best
        return sims

    def _coverage(self, words: list[str], index: int) -> float:
        present = self._entry_words[index]
        total = hit = 0.0
        for w in words:
            if w in FUNCTION_WORDS:
                weight = self.function_word_weight
            elif w in present:
                weight = self._idf.get(w, self._max_idf)
                hit += weight
            elif w in LOW_INFORMATION_WORDS or w.isdigit():
                weight = self.function_word_weight  # absent: a detail, not a missing subject
            else:
                weight = self._idf.get(w, self._max_idf)
            total += weight
            if w in FUNCTION_WORDS and w in present:
                hit += weight
        if not total:
            return 0.0
        return min(1.0, hit / min(total, self.coverage_cap * self._max_idf))

    def _repair(self, normalized: str) -> str:
        """Replace unknown non-syllables (4+ letters) by a vocabulary word one edit away.

        Valid syllables are left alone: "trom", "song", "mong" are words, not typos of "tro",
        "cong" (the research notes measured such false repairs with a plain similarity cut-off).
        """
        words = normalized.split()
        changed = False
        for k, w in enumerate(words):
            if w in self._vocab or len(w) < 4 or w.isdigit() or intents.is_syllable(w):
                continue
            joined = self._unjoin(w)
            if joined is not None:  # "trocap", "xemvan": two known words typed without a space
                words[k] = joined
                changed = True
                continue
            best = process.extractOne(
                w, self._vocab_list, scorer=Levenshtein.distance, score_cutoff=1
            )
            if best is not None:
                words[k] = best[0]
                changed = True
        return " ".join(words) if changed else normalized

    def _unjoin(self, word: str) -> str | None:
        """Two known syllables run together ("trocap" → "tro cap"), or None."""
        if len(word) < 5:
            return None
        for cut in range(2, len(word) - 1):
            left, right = word[:cut], word[cut:]
            if (
                left in self._vocab
                and right in self._vocab
                and intents.is_syllable(left)
                and intents.is_syllable(right)
            ):
                return f"{left} {right}"
        return None

    def _match(self, text: str) -> Match:
        raw = text[: MAX_QUERY_CHARS * 2]
        normalized = normalize(raw)
        if len(normalized) > MAX_QUERY_CHARS:
            normalized = normalized[:MAX_QUERY_CHARS].rsplit(" ", 1)[0]
        folded = fold(raw)
        if intents.is_acknowledgement(folded, raw):  # "ok", "dạ", "được rồi", "👍"
            return self._greeting("ack", normalized, "greeting:ack")
        if intents.is_call(folded):  # "ad ơi", "bot ơi bot": the fillers leave (almost) nothing
            return self._greeting("hello", normalized, "greeting:call")
        if not normalized or not any(ch.isalpha() for ch in normalized):
            return self._fallback(normalized, 0.0, "empty")

        kind = intents.greeting_kind(normalized)
        if kind is not None:
            return self._greeting(kind, normalized, f"greeting:{kind}")

        query = intents.strip_greeting(normalized)
        if intents.english_text(folded) and not intents.has_vietnamese_marks(raw):
            return self._fallback(normalized, 0.0, "foreign", foreign=True)
        if intents.vietnamese_share(query.split(), self._vocab) < self.min_vietnamese_share:
            # an abbreviation we do not know ("tkb"), a mistyped number, another language: the
            # plain fallback, in Vietnamese only
            return self._fallback(normalized, 0.0, "unreadable")

        question = intents.is_question(query, raw)
        cue = intents.petition_cue(query)
        if intents.complaining_why(query):
            # "sao … không …?", "bao giờ xã sửa …?" about a local place: a request, not a question
            question, cue = False, "strong"
        query = self._repair(query)

        if intents.formal_complaint(query):
            hit = self._best_of_topic(query, COMPLAINT_TOPIC)
            if hit is not None:
                return self._answer(hit, 1.0, normalized, "formal-complaint")

        cues = intents.topic_cues(query)
        if STATUS_TOPIC in cues or (HOW_TOPIC in cues and len(query.split()) <= 6):
            # "ý kiến gửi hôm trước sao chưa ai trả lời" asks about a petition already sent, and
            # "gửi ý kiến đề xuất" about how to send one: their request words file nothing yet
            cue, question = None, True
        if cue == "strong" and not question:
            return self._petition(normalized, 0.9, "petition:strong")

        exact = self._exact.get(query)
        if exact is not None:
            return self._answer(exact, 1.0, normalized, "exact")

        ranked = self._rank(query, 6, cues)
        if not ranked:
            if cue is not None:
                return self._petition(normalized, 0.6, f"petition:{cue}")
            return self._fallback(normalized, 0.0, "no-match")
        top, score = ranked[0][0], ranked[0][1]
        cued = self._topics[top] in cues
        others = self._others(ranked, top)
        close = bool(others) and others[0][1] >= score - self.close_margin
        if score < self.uncovered_threshold and self._off_topic(query, top):
            # a procedure we do not cover, or small talk: only a near-exact entry may answer
            if cue == "strong" or (not question and intents.statement_report(query)):
                return self._petition(normalized, 0.6, f"petition:{cue or 'statement'}")
            return self._fallback(normalized, score, "out-of-scope")
        if (
            score < self.report_threshold
            and not question
            and not cued
            and intents.local_report(query)
        ):
            # "bác sĩ trạm y tế xã không có mặt trong giờ làm việc": a statement of a problem at a
            # place of the commune that an entry matches only moderately is a report about it
            return self._petition(normalized, 0.5, "petition:local-report")
        if score >= self.answer_threshold and not close:
            return self._answer(top, score, normalized, "answer")
        # "làm sao phản ánh việc đường hỏng cho xã biết" asks about the procedure it names
        asks_about_cue = question and cued
        if (cue == "strong" and not asks_about_cue) or (
            cue == "weak" and score < self.suggest_threshold and not question
        ):
            return self._petition(normalized, 0.7, f"petition:{cue}")
        if score < self.answer_threshold and not question and intents.local_report(query):
            return self._petition(normalized, 0.5, "petition:local-report")
        if intents.out_of_scope(query):
            return self._fallback(normalized, score, "out-of-scope")
        # worded much like one entry, or naming its procedure, with words the knowledge base does
        # not have: offer it rather than give up (or take a statement for a report)
        near = (cued and score >= self.cue_floor) or (
            score >= self.near_floor and ranked[0][2] >= self.near_similarity
        )
        if (
            score < self.suggest_threshold
            and not question
            and intents.statement_report(query)
            and (not near or intents.about_a_place(query))
        ):
            return self._petition(normalized, 0.4, "petition:statement")
        if score >= self.suggest_threshold or (score >= self.answer_threshold and close) or near:
            return self._suggest(top, score, others, normalized)
        return self._fallback(normalized, score, "low-score")

    def _off_topic(self, query: str, top: int) -> bool:
        """The message names something we do not cover, and the top entry does not name it.

        An entry a commune adds for such a procedure (a phrasing with "đăng ký xe") lifts the
        block for itself without editing the lists in ``intents``. So does the name of the entry's
        procedure (a keyword within its title) standing apart from the phrase: in "ly hôn rồi thì
        làm khai sinh cho con thế nào" the divorce is context and "khai sinh" the subject.
        """
        phrases = intents.off_topic_phrases(query)
        if not phrases:
            return False
        blocked = {w for phrase in phrases for w in phrase.split()}
        padded = f" {query} "
        for keyword in self._keywords[top]:
            if f" {keyword} " in padded and blocked.isdisjoint(keyword.split()):
                return False
        covers = self._covers.get(top)
        if covers is None:
            found = (p for row in self._entry_rows[top] for p in intents.off_topic_phrases(row))
            covers = self._covers[top] = frozenset(found)
        return any(phrase not in covers for phrase in phrases)

    def _others(
        self, ranked: list[tuple[int, float, float, float]], top: int
    ) -> list[tuple[int, float]]:
        seen = {self._topics[top]}
        out = []
        floor = max(self.suggest_threshold * 0.6, ranked[0][1] * 0.45)
        for i, score, _, _ in ranked[1:]:
            if self._topics[i] in seen or score < floor:
                continue
            seen.add(self._topics[i])
            out.append((i, score))
        return out[:2]

    def _best_of_topic(self, query: str, topic: str) -> int | None:
        return self._best_in(self._similarities(query), topic)

    def _best_in(self, sims: np.ndarray, topic: str) -> int | None:
        indices = self._by_topic.get(topic)
        if not indices:
            return None
        return max(indices, key=lambda i: sims[i])

    def _answer(self, index: int, score: float, normalized: str, reason: str) -> Match:
        entry = self._entries[index]
        return Match(
            intent="faq",
            band="answer",
            topic=entry.topic,
            entry_id=entry.id,
            score=min(1.0, float(score)),
            answer=self.kb.render(entry),
            links=entry.links,
            normalized=normalized,
            reason=reason,
        )

    def _suggest(
        self, top: int, score: float, others: list[tuple[int, float]], normalized: str
    ) -> Match:
        entry = self._entries[top]
        suggestions = tuple(
            Suggestion(
                entry_id=self._entries[i].id,
                topic=self._entries[i].topic,
                title=self._entries[i].title,
                score=round(float(s), 4),
            )
            for i, s in others
        )
        return Match(
            intent="faq",
            band="suggest",
            topic=entry.topic,
            entry_id=entry.id,
            score=float(score),
            answer="",
            links=entry.links,
            suggestions=suggestions,
            normalized=normalized,
            reason="suggest",
        )

    def _greeting(self, kind: str, normalized: str, reason: str) -> Match:
        """A greeting, thanks, goodbye or nod (``kind``)."""
        return Match(
            "greeting",
            "none",
            None,
            None,
            1.0,
            "",
            normalized=normalized,
            reason=reason,
            greeting_kind=kind,
        )

    def _petition(self, normalized: str, score: float, reason: str) -> Match:
        return Match(
            "petition",
            "none",
            None,
            None,
            score,
            "",
            normalized=normalized,
            reason=reason,
        )

    def _fallback(
        self, normalized: str, score: float, reason: str, foreign: bool = False
    ) -> Match:
        return Match(
            "fallback",
            "none",
            None,
            None,
            float(score),
            "",
            normalized=normalized,
            reason=reason,
            foreign=foreign,
        )
