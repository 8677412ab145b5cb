"""What the public results page may show of a petition: never a name, a phone number or an
address, even when typed inside the citizen's text or the answer.

Masked: every personal phone number (``handlers.phones``, libphonenumber's matcher, however it is
spaced or prefixed), e-mail addresses, long digit runs (ID card numbers), the petitioner's own
name and typed place (with or without diacritics), names after a form of address or an
introduction ("ông Nguyễn Văn A", "tôi là Trần Thị B"), and house addresses ("số nhà 12",
"ngõ 5", "số 45 đường …"). Villages and categories are shown: they are the page's filters.
"""

from __future__ import annotations

import re
import unicodedata

from handlers import phones
from handlers.texts import Texts
from handlers.texts.staff_followup import StaffFollowupTexts
from storage.models import Petition

_UPPER = "A-ZĐÀÁẢÃẠĂẰẮẲẴẶÂẦẤẨẪẬÈÉẺẼẸÊỀẾỂỄỆÌÍỈĨỊÒÓỎÕỌÔỒỐỔỖỘƠỜỚỞỠỢÙÚỦŨỤƯỪỨỬỮỰỲÝỶỸỴ"
_NAME_WORD = rf"[{_UPPER}][^\W\d_]*"
_NAME = rf"{_NAME_WORD}(?:\s+{_NAME_WORD}){{0,4}}"
_CUE = (
    r"(?:ông|bà|anh|chị|cô|chú|bác|cháu|em|cụ|hộ\s+(?:ông|bà|gia\s+đình)|gia\s+đình"
    r"|(?:tôi|mình|em|con|cháu)\s+(?:tên\s+)?là|tên(?:\s+tôi)?\s+là|tên|họ\s+tên|người\s+gửi)"
)
_CUED_NAME = re.compile(rf"(?i:\b{_CUE})[\s:]+({_NAME})")
_ADDRESS = re.compile(
    r"(?i)\b(?:số\s+nhà|nhà\s+số|số|ngõ|ngách|hẻm|kiệt|tổ|khu\s+phố|lô)\s*\d+[\w/\-]*"
    r"(?:[\s,]+(?:ngõ|ngách|hẻm|kiệt|đường|phố)\s+[\w/\-]+(?:\s+[\wÀ-ỹ]+){0,3})?"
)
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_DIGITS = re.compile(r"\d[\d .-]{7,}\d")
ADDRESS_MARK = "[đã ẩn địa chỉ]"


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(ch for ch in text if not unicodedata.combining(ch)).lower()


def _mask_exact(text: str, phrase: str | None, mark: str) -> str:
    """Every occurrence of ``phrase`` (any case, with or without diacritics) replaced."""
    if not phrase or len(phrase.strip()) < 3:
        return text
    folded, target = _fold(text), _fold(phrase.strip())
    if len(folded) != len(text):  # folding changed lengths (rare symbols): exact match only
        return re.sub(re.escape(phrase.strip()), mark, text, flags=re.IGNORECASE)
    out, last = [], 0
    for found in re.finditer(r"\b" + re.escape(target) + r"\b", folded):
        out += [text[last : found.start()], mark]
        last = found.end()
    out.append(text[last:])
    return "".join(out)


def mask_personal(
    text: str, texts: Texts, *, name: str | None = None, place: str | None = None
) -> str:
    """``text`` with names, phone numbers and addresses replaced by marks."""
    if not text:
        return ""
    t = StaffFollowupTexts.of(texts)
    name_mark, phone_mark = t.public_masked_name(), t.public_masked_phone()
    out = phones.mask_phones(text, phone_mark)
    out = _EMAIL.sub(phone_mark, out)
    out = _DIGITS.sub(phone_mark, out)
    out = _mask_exact(out, name, name_mark)
    if name and len(name.split()) >= 2:
        out = _mask_exact(out, " ".join(name.split()[-2:]), name_mark)
    out = _mask_exact(out, place, ADDRESS_MARK)
    out = _ADDRESS.sub(ADDRESS_MARK, out)
    return _CUED_NAME.sub(lambda m: m.group(0)[: m.start(1) - m.start(0)] + name_mark, out)


def public_summary(petition: Petition, texts: Texts) -> str:
    """The staff summary when there is one (and staff did not choose the citizen's text),
    else the citizen's text; masked either way."""
    summary = getattr(petition, "summary", None)
    source = petition.content if petition.public_text or not summary else summary
    return mask_personal(source, texts, name=petition.contact_name, place=petition.place_text)


def public_answer(petition: Petition, texts: Texts) -> str:
    return mask_personal(
        petition.answer or "", texts, name=petition.contact_name, place=petition.place_text
    )
