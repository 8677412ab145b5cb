"""Vietnamese text normalisation for matching.

The same pipeline runs over the knowledge base and over every message, so both sides meet in one
form (see shared/research/retrieval.md §1):

1. ``fold``: NFC, lower case, strip diacritics including đ/Đ (and the legacy eth Ð), drop control
   characters, emoji and punctuation. Stripping makes old/new tone placement (hoà/hòa, thuỷ/thủy)
   moot. Any combining mark left after NFC (e.g. NFD input with a stray mark) is dropped as well.
2. ``normalize``: ``fold`` + domain abbreviations and teencode (cccd, vneid, bhyt, dk, ko, j,
   ntn…), a few phrase canonicalisations (bằng lái → giấy phép lái xe, qua mạng → trực tuyến,
   nhập hộ khẩu → đăng ký thường trú) and removal of fillers that carry no meaning (ạ, ơi, nhé,
   "cho em hỏi", "ad ơi").

Homographs matter once diacritics are gone: ``ban`` is bạn and bản, ``minh`` is mình and (chứng)
minh, ``toi`` is tôi and tới, ``hong`` is hỏng (broken) as often as "không" — so none of those are
fillers or abbreviations here. ``dk`` is "đăng ký" in this domain but "được" in chat
("làm online dk ko"); the context rule in ``_expand`` decides. The maps below are product data:
review them like knowledge-base content.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

__all__ = ["fold", "has_diacritics", "is_syllable", "normalize"]

MAX_CHARS = 2000  # longer messages are cut: nobody asks a question in more than 2,000 characters


def _build_fold_table() -> dict[int, str | None]:
    table: dict[int, str | None] = {}
    ranges = [(0x00C0, 0x024F), (0x1E00, 0x1EFF)]
    for start, end in ranges:
        for cp in range(start, end + 1):
            ch = chr(cp)
            base = unicodedata.normalize("NFD", ch)[0].lower()
            if "a" <= base <= "z":
                table[cp] = base
    for ch in "đĐðÐ":
        table[ord(ch)] = "d"
    return table


_FOLD = _build_fold_table()
_NON_ALNUM = re.compile(r"[^a-z0-9]+")

# Token → replacement (may be several words). Applied after folding, token by token.
ABBREVIATIONS: dict[str, str] = {
    # identity, residence, civil status
    "cccd": "can cuoc",
    "cc": "can cuoc",
    "ccdc": "can cuoc",
    "cmnd": "chung minh nhan dan",
    "cmt": "chung minh nhan dan",
    "cmtnd": "chung minh nhan dan",
    "vneid": "vneid",
    "vneld": "vneid",
    "vnied": "vneid",
    "vneit": "vneid",
    "vnid": "vneid",
    "vnedi": "vneid",
    "veid": "vneid",
    "vnei": "vneid",
    "dddt": "dinh danh dien tu",
    "ddt": "dinh danh dien tu",
    "gks": "giay khai sinh",
    "hk": "ho khau",
    "lltp": "ly lich tu phap",
    "gplx": "giay phep lai xe",
    "blx": "giay phep lai xe",
    "gpxd": "giay phep xay dung",
    "gcn": "giay chung nhan",
    "qsdd": "quyen su dung dat",
    "gcnqsdd": "giay chung nhan quyen su dung dat",
    "sodo": "so do",
    "hkd": "ho kinh doanh",
    "kd": "kinh doanh",
    "hc": "ho chieu",
    "xd": "xay dung",
    "gpkd": "giay phep kinh doanh",
    "dkkd": "dang ky kinh doanh",
    "dkkh": "dang ky ket hon",
    "dkks": "dang ky khai sinh",
    "dkkt": "dang ky khai tu",
    "shk": "so ho khau",
    "ltp": "ly lich tu phap",
    "xkld": "xuat khau lao dong",
    "mst": "ma so thue",
    "ktra": "kiem tra",
    "kiemtra": "kiem tra",
    "sanh": "sinh",  # southern "khai sanh"
    "vacxin": "vac xin",
    "vaccine": "vac xin",
    "vaccin": "vac xin",
    "vacin": "vac xin",
    "vacxine": "vac xin",
    # public services and organisations
    "passport": "ho chieu",
    "dvc": "dich vu cong",
    "dvcqg": "dich vu cong quoc gia",
    "dvctt": "dich vu cong truc tuyen",
    "dichvucong": "dich vu cong",
    "tthc": "thu tuc hanh chinh",
    "ttpvhcc": "trung tam phuc vu hanh chinh cong",
    "hcc": "hanh chinh cong",
    "hdnd": "hoi dong nhan dan",
    "dbhdnd": "dai bieu hoi dong nhan dan",
    "dbqh": "dai bieu quoc hoi",
    "ubnd": "uy ban nhan dan",
    "ub": "uy ban",
    "txct": "tiep xuc cu tri",
    "tcd": "tiep cong dan",
    "nq": "nghi quyet",
    "nqtw": "nghi quyet trung uong",
    "tw": "trung uong",
    "cds": "chuyen doi so",
    "cnscd": "cong nghe so cong dong",
    "tcns": "to cong nghe so",
    "cns": "cong nghe so",
    "cnsc": "cong nghe so cong dong",
    "bhyt": "bao hiem y te",
    "bhxh": "bao hiem xa hoi",
    "bh": "bao hiem",
    "ssk": "so suc khoe",
    "sk": "suc khoe",
    "tmdt": "thuong mai dien tu",
    "cntt": "cong nghe thong tin",
    "ctxh": "chinh sach xa hoi",
    # accounts and phones
    "sdt": "so dien thoai",
    "dt": "dien thoai",
    "dthoai": "dien thoai",
    "dienthoai": "dien thoai",
    "dtdd": "dien thoai di dong",
    "zl": "zalo",
    "fb": "facebook",
    "login": "dang nhap",
    "smartphone": "dien thoai thong minh",
    "tk": "tai khoan",
    "acc": "tai khoan",
    "mk": "mat khau",
    "pass": "mat khau",
    "password": "mat khau",
    "pw": "mat khau",
    "otp": "otp",
    "app": "ung dung",
    "apps": "ung dung",
    "ad": "",
    "admin": "",
    "web": "website",
    "onl": "truc tuyen",
    "online": "truc tuyen",
    "onlin": "truc tuyen",
    "onine": "truc tuyen",
    "qr": "qr",
    "ck": "chuyen khoan",
    "stk": "so tai khoan",
    "cty": "cong ty",
    # teencode and chat shorthand
    "ko": "khong",
    "k": "khong",
    "kg": "khong",
    "kh": "khong",
    "khg": "khong",
    "hok": "khong",
    "xai": "dung",  # southern "xài"
    "scam": "lua dao",
    "hem": "khong",
    "k0": "khong",
    "kong": "khong",
    "khum": "khong",
    "dc": "duoc",
    "dk": "dang ky",  # context rule in _expand turns it into "duoc" where chat means that
    "dky": "dang ky",
    "dki": "dang ky",
    "dangky": "dang ky",
    "j": "gi",
    "ji": "gi",
    "ntn": "nhu the nao",
    "ntnao": "nhu the nao",
    "lm": "lam",
    "lamf": "lam",
    "ng": "nguoi",
    "ngta": "nguoi ta",
    "mn": "moi nguoi",
    "vs": "voi",
    "ms": "moi",
    "r": "roi",
    "trc": "truoc",
    "bik": "biet",
    "bit": "biet",
    "bjt": "biet",
    "mun": "muon",
    "lun": "luon",
    "cx": "cung",
    "bjo": "bay gio",
    "bgio": "bay gio",
    "bayh": "bay gio",
    "dzo": "vao",
    "mu0n": "muon",
    "wa": "qua",
    "nhiu": "nhieu",
    "bnhieu": "bao nhieu",
    "bnh": "bao nhieu",
    "s": "sao",
    "ik": "di",
    "ki": "ky",
    "li": "ly",
    "bme": "bo me",
    "vk": "vo",
    "ck2": "chong",
    "ckg": "chong",
    "thui": "thoi",
    "oy": "oi",
    "uh": "",
    "um": "",
    "ak": "",
    "ah": "",
    "a": "",
    "e": "",
    "em": "",
    "oi": "",
    "nhe": "",
    "nhi": "",
    "vay": "",
    "v": "",
    "z": "",
    "ne": "",
    "nhen": "",
    "nhaa": "",
    "aa": "",
    "dzay": "",
    "zay": "",
    "zi": "",
}

# Multi-word canonicalisations, applied to the folded, space-separated text (word boundaries).
# Each rule names literal triggers: it only runs when one of them occurs (keeps normalize ~10 µs).
_PHRASE_RULES: list[tuple[tuple[str, ...], str, str]] = [
    # "dk"/"dc" followed by a negation means "được" ("làm online dk ko"), so does a final "dk"
    # after a verb ("nộp dk"), and "dk" after "không + verb" ("ko vào dk").
    (("dk", "dc"), r"\b(dk|dc)\s+(?=(ko|k|khong|kg|hok|hem|khum|chua|nua)\b)", "duoc "),
    (("dk",), r"\b(lam|nop|vao|xem|dung|mo|cai|tra|lay|doi|hoc|gui|nhan|co)\s+dk\s*$", r"\1 duoc"),
    (
        ("dk",),
        r"\b(ko|k|khong|kg|hok|chua)\s+(lam|nop|vao|xem|dung|mo|cai|tra|lay|doi|dang nhap)"
        r"\s+dk\b",
        r"\1 \2 duoc",
    ),
    # fillers: "cho em hỏi", "cho hỏi", "xin hỏi", "ad ơi", "bạn ơi"
    (("hoi",), r"\bcho\s+(e|em|minh|toi|to|chau|con|anh|chi|bac|co|chu|tui|t)\s+hoi\b", ""),
    (("hoi",), r"\bcho\s+hoi\b", ""),
    (("hoi",), r"\b(xin|muon)\s+hoi\b", ""),
    (("oi",), r"\b(ad|admin|bot|ban|anh|chi|em|bac|co|chu)\s+oi\b", ""),
    # "nha" closing a message is the particle nhá; anywhere else it is nhà (house)
    (("nha",), r"\s*\bnha$", ""),
    # chat shorthand that depends on its neighbour: "bh" is bảo hiểm but "bh làm sao" is bây giờ;
    # "hk" is hộ khẩu but "được hk" is không; "db hđnd" is đại biểu; "ca xã" is công an xã.
    (
        ("bh",),
        r"\bbh\s+(?=(lam|phai|sao|thi|muon|can|co|toi|minh|em|tui|nen|vao|dang)\b)",
        "bay gio ",
    ),
    (("hk",), r"\b(dc|duoc|phai|biet|bik|bit|co)\s+hk\b", r"\1 khong"),
    (("db",), r"\bdb\s+(?=(hdnd|hoi dong|xa|thon|cua)\b)", "dai bieu "),
    (("ca",), r"\bca\s+(xa|tinh|phuong|huyen)\b", r"cong an \1"),
    (("hs",), r"\b(nop|tra cuu|tra|xem|kiem tra|lam|ma)\s+hs\b", r"\1 ho so"),
    (("hs",), r"^hs\s+(?=(toi|minh|em|cua|da|den|dang|nop|bi)\b)", "ho so "),
    (("dl",), r"\bkho\s+dl\b", "kho du lieu"),
    (("ks",), r"\b(giay|lam|dang ky|dk|trich luc)\s+ks\b", r"\1 khai sinh"),
    (("kn",), r"\b(gui|tra cuu|ma|xem|nop)\s+kn\b", r"\1 kien nghi"),
    (("log",), r"\blog\s+in\b", "dang nhap"),
    # spellings of VNeID and identity words
    (("eid",), r"\bvn\s*eid\b", "vneid"),
    (("neid",), r"\bv\s+neid\b", "vneid"),
    (("dinh danh dt",), r"\bdinh\s+danh\s+dt\b", "dinh danh dien tu"),
    # Nghị quyết 57-NQ/TW, NQ57, nq 57
    (("nq",), r"\b(\d+)\s+nq\s+tw\b", r"\1"),
    (("nq", "nghi quyet"), r"\b(nq|nghi quyet)\s*(\d+)", r"nghi quyet \2"),
    (("nq",), r"\bnq(\d+)\b", r"nghi quyet \1"),
    # synonyms people use for the official names
    (("bang lai",), r"\bbang\s+lai(\s+xe)?\b", "giay phep lai xe"),
    (("giay phep lai",), r"\bgiay\s+phep\s+lai\b(?!\s+xe)", "giay phep lai xe"),
    (
        ("mang", "internet"),
        r"\b(qua|tren|len)\s+(mang|internet)\b(?!\s+(yeu|cham|4g|3g|5g))",
        "truc tuyen",
    ),
    (("nhap",), r"\bnhap\s+(lai\s+)?(ho\s+)?khau\b", "dang ky thuong tru"),
    (("khau",), r"\b(cat|xoa|rut)\s+(ho\s+)?khau\b", "xoa dang ky thuong tru"),
    (("ho khau",), r"\bso\s+ho\s+khau\b", "ho khau thuong tru"),
    (("bao tu",), r"\bgiay\s+bao\s+tu\b", "giay chung tu"),
    (("so hong",), r"\bso\s+hong\b", "so do"),
    (("chich ngua",), r"\bchich\s+ngua\b", "tiem phong"),  # southern "chích ngừa"
    # southern speech: "không vô được" (vào), "coi" (xem), "bữa trước" (hôm trước), "khỏi nộp"
    # (không cần), "làm rớt", "mất tiêu" (mất); "mã 6 số" is the VNeID passcode.
    # "vô" only in the frames below: "chưa vợ", "cho vợ" are about a wife
    (("vo",), r"\b(khong|ko|k)\s+vo\s+(duoc|dc)\b", r"khong vao \2"),
    (("vo",), r"\bcho\s+vo\s+(?=(nua|duoc|dc)\b)", "cho vao "),
    (
        ("vo",),
        r"\bvo\s+(?=(vneid|app|ung dung|dich vu cong|cong dich vu|trang|web|website|tai khoan)\b)",
        "vao ",
    ),
    # "hổng được" closing a message is "không được"; a "hỏng" anywhere else is broken, which
    # reports rely on
    (
        ("hong",),
        r"\bhong\s+(duoc|dc|biet)(?=(\s+(chau|con|em|a|ah|oi|nhen|ha|vay|ne))*\s*$)",
        r"khong \1",
    ),
    (("coi",), r"\bcoi\b(?!\s+(xe|bao|hu|dong))", "xem"),
    (("bua",), r"\bbua\s+(truoc|hom|qua)\b", "hom truoc"),
    (("khoi",), r"\bkhoi\s+(?=(nop|lam|phai|mang|xin|can)\b)", "khong can "),
    (("rot",), r"\blam\s+rot\b", "lam mat"),
    (("tieu",), r"\bmat\s+tieu\b", "mat"),
    (("so",), r"\bma\s+(6|sau)\s+so\b", "passcode mat khau"),
    # southern "làm hôn thú"; "ly hôn thủ tục" is a divorce procedure
    (("hon thu",), r"(?<!\bly )\bhon\s+thu\b(?!\s+tuc)", "dang ky ket hon"),
    (("zalo",), r"\bzalo\s+oa\b", "zalo"),
    (("quoc gia",), r"\bdich\s+vu\s+cong\s+quoc\s+gia\b", "cong dich vu cong quoc gia"),
    (("cong cong",), r"\bcong\s+cong\s+dich\b", "cong dich"),
    (("doc than",), r"\bdoc\s+than\b", "doc than tinh trang hon nhan"),
    (("passcode",), r"\bpasscode\b", "passcode mat khau"),
    (("ma pin",), r"\bma\s+pin\b", "passcode mat khau"),
]
_PHRASES: list[tuple[frozenset[str], re.Pattern[str], str]] = [
    (frozenset(triggers), re.compile(pattern), repl) for triggers, pattern, repl in _PHRASE_RULES
]
# One scan finds every trigger, overlapping ones included (lookahead).
_TRIGGERS = re.compile(
    "(?=("
    + "|".join(
        sorted({re.escape(w) for ts, _, _ in _PHRASE_RULES for w in ts}, key=len, reverse=True)
    )
    + "))"
)

_SPACES = re.compile(r"\s+")

# The shape of a folded Vietnamese syllable: initial consonant, vowel nucleus, final consonant.
_SYLLABLE = re.compile(
    r"^(ngh|ng|nh|ch|tr|th|ph|kh|gh|gi|qu|[bcdghklmnprstvx])?"
    r"(a|e|i|o|u|y|ai|ao|au|ay|eo|eu|ia|ie|iu|oa|oe|oi|oo|ua|ue|ui|uo|uu|uy|"
    r"ieu|yeu|oai|oay|oeo|uoi|uou|uya|uye|uyu|uay|uai|uao|uau|ye|ya)"
    r"(ng|nh|ch|[cmnpt])?$"
)

# Telex leftovers: with the input method switched off, "đăng ký" arrives as "ddawng kys" and
# "không được" as "khoong dduowcj". The tone key is the last letter (s f r x j), vowel marks are
# doubled letters or a "w". Only tokens that are not syllables as typed are decoded, and only when
# the decoded form is one (so "thanks", "shopee", "facebook" are left alone). "oo" is a real
# nucleus in a handful of loanwords only.
_TELEX_MARKS = (
    ("dd", "d"),
    ("aa", "a"),
    ("ee", "e"),
    ("oo", "o"),
    ("aw", "a"),
    ("ow", "o"),
    ("uw", "u"),
    ("w", "u"),
)
_TELEX_TONE = frozenset("sfrxj")
_REAL_OO = frozenset({"xoong", "boong", "goong", "moong", "coong", "toong", "loong", "soong"})
# English words that would decode to a syllable ("how" → hơ, "yes" → yê): left as typed.
ENGLISH_WORDS = frozenset(
    """
    how what when where why who which now new news show know wow view yes bus plus is was has
    does his this us as its gas get the of for and or you your are were will would could should
    with from that there here about please want need my me can to do in on at it be by an
    """.split()  # noqa: SIM905
)


def is_syllable(word: str) -> bool:
    """True when ``word`` (folded) has the shape of a Vietnamese syllable."""
    return _SYLLABLE.match(word) is not None


@lru_cache(maxsize=65536)
def _telex(token: str) -> str:
    """The syllable a Telex-typed token stands for, or the token unchanged."""
    if not token.isalpha() or len(token) < 2 or token in ENGLISH_WORDS:
        return token
    if is_syllable(token) and ("oo" not in token or token in _REAL_OO):
        return token
    word = token[:-1] if token[-1] in _TELEX_TONE and len(token) > 2 else token
    for marked, plain in _TELEX_MARKS:
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
        for triggers, pattern, repl in _PHRASES:
            if not triggers.isdisjoint(found):
                text = pattern.sub(repl, text)
    out: list[str] = []
    for tok in text.split():
        rep = ABBREVIATIONS.get(tok)
        if rep is None:
            tok = _telex(tok)
            rep = ABBREVIATIONS.get(tok, tok)
        if rep:
            out.append(rep)
    return " ".join(out)


# Spoken fillers, recognisable only with their marks ("ờ", "ừm"; "hả", "á" closing a clause):
# without marks they fold into words ("o" = ở, "ha" in Hà Nội, "a" is dropped anyway).
_SPOKEN_FILLERS = re.compile(
    r"(?<!\w)(ờ+|ừ+m*|ờm|ơ|ừa|hả)(?!\w)|(?<!\w)á(?=\s*(?:[,.!?…]|$))", re.IGNORECASE
)


@lru_cache(maxsize=8192)
def _normalize_str(text: str) -> str:
    if not text.isascii():
        text = _SPOKEN_FILLERS.sub(" ", unicodedata.normalize("NFC", text))
    folded = fold(text)
    if not folded:
        return ""
    return _SPACES.sub(" ", _expand(folded)).strip()


def normalize(text: str) -> str:
    """The matching form of ``text``: folded, abbreviations expanded, fillers removed.

    Never raises; returns "" for anything that is not text or holds no letters or digits.
    """
    if not isinstance(text, str):
        return ""
    return _normalize_str(text)
