"""Rules that decide, before or after ranking, what kind of message this is.

All patterns run on ``normalize``d text (no diacritics, abbreviations expanded), with word
boundaries, so "mất điện" does not fire on "mất điện thoại" and "hỏng" does not fire inside another
word. The lists are product data, reviewed like the knowledge base:

* greeting: every word is a greeting/thanks/small-talk word ("chào ad", "cảm ơn nhiều", "bạn khỏe
  không"). A greeting followed by a question is a question: the greeting words are stripped.
* formal complaint (khiếu nại, tố cáo, khởi kiện): follows its own legal path, so it is answered
  with the ``complaint-vs-petition`` entry, never filed as a petition.
* petition: a *strong* cue (a request to the commune — "đề nghị", "mong xã…" — or an unmistakable
  report — "ô nhiễm", "sạt lở", "quá hạn chưa giải quyết") without a question cue files a petition
  at once; a strong cue with a question cue, or a *weak* cue ("hỏng", "nguy hiểm"), makes it a
  petition only when the knowledge base has no confident answer. Question cues (ở đâu, thế nào, bao
  lâu, "?"…) mark a request for information.
* foreign text: clearly English (several English words, nothing Vietnamese) gets a bilingual
  fallback; anything else the matcher cannot read (abbreviations, digits, other languages) gets
  the plain Vietnamese one.
"""

from __future__ import annotations

import re

from knowledge.normalize import ENGLISH_WORDS, has_diacritics, is_syllable

__all__ = [
    "about_a_place",
    "complaining_why",
    "english_text",
    "formal_complaint",
    "greeting_kind",
    "has_vietnamese_marks",
    "is_acknowledgement",
    "is_call",
    "is_question",
    "is_syllable",
    "local_report",
    "off_topic_phrases",
    "out_of_scope",
    "petition_cue",
    "statement_report",
    "strip_greeting",
    "topic_cues",
    "uncovered_procedure",
    "vietnamese_share",
]

_GREETING_CORE = {
    "chao",
    "vang",
    "u",
    "uk",
    "uhm",
    "ngon",
    "tuyet",
    "gioi",
    "chuc",
    "hello",
    "helo",
    "hi",
    "hii",
    "hey",
    "alo",
    "allo",
    "cam",
    "thanks",
    "thank",
    "thx",
    "tks",
    "ty",
    "ok",
    "oke",
    "okay",
    "okie",
    "oki",
    "okela",
    "bye",
    "biet",
    "hihi",
    "haha",
    "hehe",
    "khoe",
    "morning",
    "evening",
    "afternoon",
    "night",
    "sincerely",
    "camon",
    "cmon",
    "thankyou",
}
_GREETING_WORDS = _GREETING_CORE | {
    "xin",
    "on",
    "ban",
    "bot",
    "ad",
    "admin",
    "anh",
    "chi",
    "bac",
    "co",
    "chu",
    "cau",
    "ca",
    "nha",
    "moi",
    "nguoi",
    "xa",
    "minh",
    "em",
    "oi",
    "good",
    "you",
    "very",
    "much",
    "so",
    "nhieu",
    "rat",
    "lam",
    "qua",
    "tam",
    "hen",
    "mung",
    "chut",
    "xiu",
    "gap",
    "lai",
    "sau",
    "buoi",
    "sang",
    "trua",
    "chieu",
    "toi",
    "ngay",
    "tot",
    "lanh",
    "vui",
    "ve",
    "cuoi",
    "tuan",
    "chuc",
    "nam",
    "khang",
    "thinh",
    "vuong",
    "suc",
    "khoe",
    "hanh",
    "phuc",
    "phat",
    "tai",
    "tet",
    "xuan",
    "khong",
    "the",
    "nao",
    "van",
    "vang",
    "da",
    "duoc",
    "roi",
    "nhe",
    "uh",
    "um",
    "a",
    "ah",
    "nhi",
    "oke",
    "troi",
    "hom",
    "nay",
    "tro",
    "ly",
    "ao",
    "thi",
    "cac",
    "dong",
    "nhan",
    "vien",
    "ne",
    "nhen",
    "dep",
    "day",
    "vay",
    "ha",
    "hay",
    "gioi",
    "sieu",
    "dang",
    "di",
    "an",
    "com",
    "chua",
    "ngu",
    "mot",
    "can",
    "bo",
    "hieu",
    "voi",
    "la",
    "chau",
    "ong",
    "ba",
    "con",
}
# Small talk addressed to the bot ("bạn tên gì", "bạn là người hay máy", "có ai không") and a bare
# call for attention ("ad ơi", "bot ơi", which the fillers reduce to nothing) are greetings: the
# reply introduces the bot and invites the question.
_SMALL_TALK = re.compile(
    r"^(ban|bot|em|ad|admin|anh|chi)?\s*(ten (la )?gi|bao nhieu tuoi|la nguoi hay may|"
    r"la nguoi that (a|khong)|co phai (la )?nguoi|an com chua|co nguoi yeu chua|khoe khong|"
    r"vui khong|((tra loi|noi|lam viec|giup|tu van) )?(thong minh|gioi|hay|tuyet|tot|de thuong|"
    r"nhanh|chu dao|nhiet tinh) (qua|the|ghe|that)|dang lam gi)$"
    r"|^(alo )?co ai (do |o day |o do |truc )?(khong|truc khong|nghe khong)$"
)
_CALL = frozenset(
    {"ad", "admin", "bot", "oi", "a", "ah", "e", "em", "ban", "anh", "chi", "nhe", "nha"}
)
# "chào, mình muốn hỏi chút": a greeting announcing a question, nothing to answer yet.
_ANNOUNCE = re.compile(
    r"^(xin )?chao\b.*\b(can|muon|xin|minh|em|toi|tui|chau|con|anh|chi) hoi"
    r"( (chut|xiu|ti|may cau|cai nay))?$"
)
_THANKS_START = re.compile(r"^((ok|oke|vang|da)\s+)?(cam on|thanks|thank you|tks|thx|camon)\b")
_THANKS = re.compile(r"\b(cam on|thanks|thank|thx|tks|camon|cmon|thankyou|ty)\b")
_BYE = re.compile(r"\b(bye|tam biet|hen gap lai|chao nhe)\b")

_LEADING_GREETING = re.compile(
    r"^(xin\s+)?(chao|hello|helo|hi|hey|alo|allo)"
    r"(\s+(ban|bot|ad|admin|anh|chi|em|bac|co|chu|chau|ong|ba|xa|ca nha|moi nguoi|"
    r"buoi (sang|trua|chieu|toi)))*\b\s*"
)
_TRAILING_THANKS = re.compile(r"\s*\b(xin\s+)?(cam on|thanks|thank you|tks)(\s+\w+){0,2}\s*$")

_FORMAL_COMPLAINT = re.compile(
    r"\b(khieu nai|to cao|khoi kien|don kien|kien ra toa|to giac (can bo|tham nhung|sai pham))\b"
)

_QUESTION = re.compile(
    # "ở đầu thôn" (at the head of the village) folds to the same letters as "ở đâu" (where)
    r"\b(o dau(?!\s+(thon|lang|xom|ngo|duong|cau|cong|ban|khu|to|doc|hem))|"
    r"cho nao|noi nao|the nao|nhu the nao|ra sao|bao lau|khi nao|luc nao|"
    r"bao gio(?!\s+(\w+\s+)?moi)|lam sao|lam the nao|lam gi|can gi|giay to gi|can nhung gi|"
    r"co duoc khong|duoc khong|co phai|phai khong|la gi|la ai|ai la|bao nhieu|may gio|"
    r"ngay nao(?! cung)|hom nao(?! cung)|(kenh|loai|mau|ben|buoi) nao(?! cung)|\w+ nao tot|"
    r"huong dan|cach nao|cach|muon biet|"
    r"co the|the nao|"
    # "mấy ngày rồi" (for days now) reports; "mất mấy ngày" asks
    r"thu may|ngay may|may ngay(?! (roi|nay|lien|qua))|buoc nao|den dau roi|co nen|"
    r"(hoi|bao|goi|tim|nho|gap) ai|"
    r"nhung gi|(lam|hoi|biet|giup) duoc gi)\b"
    r"|\b(khong|chua|gi|nao|nhi|sao)\s*$"
)

# Reports and requests that only a commune can act on. Weak cues also appear in questions about
# one's own papers ("thẻ căn cước bị hỏng"), so they count only when no entry answers well.
_STRONG = re.compile(
    r"\b("
    r"de nghi|de xuat|kien nghi\s+(xa|chinh quyen|uy ban|hoi dong nhan dan|dai bieu|cac cap|lam|"
    r"sua|xay|lap|mo|xu ly|giam sat|"
    r"kiem tra|nang cap|bo tri|ho tro|giai quyet|xem xet|dau tu|di doi|thu gom|trong|don|"
    r"nao vet|cho|"
    r"khac phuc|som)|"
    r"(mong|xin|yeu cau|nho|de nghi)\s+(xa|chinh quyen|uy ban|hoi dong nhan dan|lanh dao|cac cap|"
    r"cac co quan|"
    r"cong ty|dien luc|nganh)|"
    r"(ba con|nguoi dan|cu tri|chung toi|dan)\s+(mong|buc xuc|phan anh|de nghi|kien nghi|yeu cau|"
    r"khon kho|lo lang|kho khan)|"
    r"phan anh\s+(viec|tinh trang|ve viec|hien tuong)|"
    # "khai sinh quá hạn" is a late registration, not an overdue answer
    r"(?<!sinh )(?<!tu )(?<!ky )qua han|tre hen|cham tre|"
    r"chua (duoc )?(giai quyet|xu ly|tra loi|sua|khac phuc)|"
    r"chua (co|thay) (ket qua|tra loi|ai)|"
    r"khong ai (sua|xu ly|giai quyet|quan tam|don|lam|ngu|thu|cho)|"
    r"chua ai|bao gio (\w+ )?moi|den bao gio|"
    r"(den (gio|nay|hom nay)|may thang|ca nam|nua nam|lau (qua|roi)|tu nam ngoai|"
    r"(\d+|hai|ba|bon|may) (tuan|thang|nam)( roi| nay)?)\s+"
    r"(van |ma |cung )?chua (co|xong|duoc|thay|lam|tra|ai)|"
    r"khong ai (thu gom|don dep|quet|quan ly|de y|kiem tra|nhac nho|ngo ngang|chiu trach nhiem)|"
    r"(nuoc may|nuoc sinh hoat|nuoc sach|dong dien|luoi dien|dien luoi)\b.{0,30}"
    r"\b(mat|cup|ngung|yeu|ban|duc|co mui|chap chon|khong co)|"
    r"thai (phan|ra|xuong)|phan (lon|heo|bo|ga|vit)|chat thai|nuoc thai|"
    r"ach tac|un tac|tac duong|ket xe|lan ra (long duong|duong|via he|le duong)|"
    r"lan sang (dat|nha|duong)|on qua|inh oi|am i|loa\b.{0,40}\b(to qua|on|keo dai)|"
    r"sao (chua|khong|van)\s+(ai|sua|xu ly|giai quyet|lam|tra loi|co)|"
    r"^(kien nghi|phan anh|gop y) ve|mong duoc|het thuoc|phai di lai (nhieu|\d|may)|"
    r"xin (cho )?(con |con em |tre em )?(thon|xom|lang|ba con|nguoi dan|dan|cac chau|hoc sinh)|"
    r"(chi tra|tra tien|giai quyet|cap phat) cham|"
    r"cham (\d+ )?(ngay|tuan|thang|nam)|dua xe|tu tap|quay pha|trom cap|bao luc|nep po|no po|"
    r"muc nat|xieu veo|lung lay|ri set|"
    r"o ga|o voi|sat lo|sut lun|chua (duoc )?nhan (duoc )?(tien|tro cap|ho tro|luong|tien ho tro)|"
    r"(tro cap|ho tro|den bu|boi thuong|tien (luong|tro cap|ho tro|den bu|boi thuong|thuong))\b"
    r".{0,50}\bchua (duoc )?(nhan|tra|chi tra|thanh toan)|cham tien do|"
    r"xuong cap|hu hong nang|o nhiem|boc mui|mui hoi|hoi thoi|"
    r"ngap( (ung|sau|lut|nuoc))?|ung ngap|lut|xoi lo|khong (cong khai|minh bach)|"
    r"(song|mang|internet|4g|3g|5g)\b.{0,25}\b(mat lien tuc|chap chon|luc co luc khong)|"
    r"mat dien(?!\s+thoai)|cup dien|cat dien|mat nuoc(?!\s+(mat|ho|song))|cup nuoc|nhiem ban|"
    r"nuoc (ban|duc|bi ban)|"
    r"do trom|do rac|xa rac|vut rac|xa (nuoc )?thai|rac thai|bai rac tu phat|ca chet|toi om|"
    r"lan chiem|chiem (het|dung|via he|long duong|le duong)|trai phep|tha rong|"
    r"karaoke\b.{0,40}\b(dem|khuya|on|to|ca ngay|suot|sang)|on ao|gay on|tieng on|"
    r"khong (duoc )?(bao|thong bao)( cho (dan|nguoi dan|ba con))? truoc|"
    r"keo dai den dem|cao hon quy dinh|(sai|trai|vuot) quy dinh|thu (sai|cao|them|vo ly)|"
    r"gay (nham lan|phien ha|bat tien|nguy hiem|o nhiem|un tac|mat an toan)|"
    r"thai do\s+(khong tot|kem|hach dich|coi thuong|cau gat|tho lo)|nhung nhieu|hach dich|"
    r"vong vinh|gay kho|bat cong|khong cong bang|dot nat|lay loi|bua bai|boi lap|kho han|"
    r"chung vong|cay do|do ngang|chan ngang|dut day|ro ri|nut vo|sap do|"
    r"(?!wifi nha\b)(mang|song|internet|wifi|4g|3g|5g|dien)\b.{0,25}\byeu|khoi (bui|bay|den|mu)|"
    r"dot (rom|rac|ra)\b.{0,30}\b(khoi|ngat|cay mat|o nhiem)|ngat tho|"
    r"hen (lan )?hen lua|hen di hen lai|hen lan lua|hen het lan nay|"
    r"khong (hoat dong|sang|chay)|thieu (thuoc|nuoc|giao vien|bac si|den|truong|lop|cho)"
    r")\b"
)
_WEAK = re.compile(
    r"\b("
    r"(?<!dien thoai )(?<!may )(?<!the )(?<!so )hong|bi hu|hu|cham|nguy hiem|tai nan|bi tac|"
    r"tac nghen|nghet|bui|trom|danh nhau|"
    r"mat trat tu|mat an ninh|chap chon|mat song|khong co song|"
    r"khong co (den|duong|nuoc|dien|san|cho|truong|tram|cau|loa|nha ve sinh|thung rac|cong|muong|"
    r"rao|bien bao|giao vien|bac si|thuoc)|"
    r"kho khan|buc xuc|thieu|can (sua|lam|lap|xu ly)"
    r")\b"
)
# A statement (no question cue) about a place of the commune that the knowledge base cannot
# answer is most likely a report: "bãi rác cạnh nhà văn hóa thôn 4", "đèn đường ngõ 5 tối om".
# Homographs are left out on purpose: "cho" (cho/chợ), "do" (do/đỏ/đổ), "ban" (bạn/bẩn),
# "hoi" (hỏi/hôi), "vo" (vợ/vỡ), "on" (ơn/ồn), "chay" (chạy/cháy), "sap" (sắp/sập).
_LOCAL_PLACE = re.compile(
    r"\b(thon|xom|ngo|hem|duong|cau|kenh|muong|song|suoi|bo de|khu cho|cho (xa|phien|dau moi)|"
    r"truong (hoc|mam non|tieu hoc|thcs)|tram y te|nha van hoa|bai rac|cong (thoat nuoc|truong)|"
    r"nghia trang|khu dan cu|dau lang|cuoi lang|khu pho|to dan pho|nga ba|nga tu|quoc lo|tinh lo|"
    r"doan duong|cot dien|den duong|ho nuoc|dong ruong|canh dong|nha may|xuong (go|may|san xuat)|"
    r"trai (lon|ga|chan nuoi)|lo (mo|gach|dot)|lang|xe rac|nuoc sach|tram bom|ruong|"
    r"truong thon|ba con|hang xom|khu vuc|via he|long duong|le duong|bo song|"
    r"(uy ban|can bo|cong chuc|lanh dao) xa|uy ban|chinh quyen|cong an xa|"
    r"doan de|bo de|chan de|mat de|de dieu|de bao|ke (song|bien|suoi)|nuong|ray|rung|gieng|"
    r"ao (lang|ca)|ho (chua nuoc|dieu hoa)|den tin hieu|den giao thong|bang tin|nha ve sinh|"
    r"san (phoi|bong|the thao|van dong|choi)|cau (khi|treo|tre|go|bac|tam)|cay cau|cay xanh|"
    r"diem truong|truong thpt|buu dien van hoa|diem buu dien|cong ty|xi nghiep|"
    r"quan (nhau|karaoke|an|bia)|"
    r"(dan|dan|con) (trau|bo|vit|ga|de)|trau bo|gia suc|xe (tai|cho|ben|cong nong)|"
    r"ho dan|nguoi dan|dan (lang|thon|xom)|tre con|hoc sinh|cac chau|ho ngheo|danh sach|"
    r"loa (xa|thon|dai|phat thanh|phuong)|loa dai)\b"
)
_PROBLEM_WORDS = re.compile(
    r"\b(toi om|toi thui|tu phat|nuoc thai|ca chet|chet hang loat|bi chay|chay rung|hoa hoan|"
    r"gay roi|ma tuy|co bac|danh bac|say xin|qua tai|phong nhanh|vuot au|toc do cao|nut|bi vo|"
    r"vo nat|bi sap|sap do|muc (het|nat|hong|roi)|bi gay|lun|sut|bong troc|hu|hong|o ga|"
    r"ngap|bi tac|boc mui|mui hoi|"
    r"on ao|bui|khoi|ro ri|nghieng|lay loi|troc|chua co|khong co|thieu|xuong cap|nguy hiem|"
    r"mat ve sinh|khong ai|chap chon|mat song|ca dem|suot dem|nua dem|thau dem|tran vao|"
    r"loi nuoc|um tum|chet duoi|(tu sang|ca ngay) (toi|den) (dem|khuya|toi)|"
    r"tai nan|da vo|da gay|vong thap|suyt (vuong|nga|dam|tong|roi)|"
    r"gay (mot|nhip|tay|chan|canh|do)|"
    r"bi sat|sat mot|xay lan|lan (ngo|duong|dat|loi)|tron truot|tron (lam|qua)|"
    r"het (thuoc|nuoc|dien)|doi mau|nuoc (vang|den|co mui|co mau)|bun dat|"
    r"day (beo|rac|bun)|muoi nhieu|nhieu muoi|ruoi nhang|nhac to|mo nhac|den khuya|khuya|"
    r"chung chung|khong (giai thich|ro rang|minh bach)|cat ten|bi cat|loai khoi|"
    r"pha (lua|hoa mau|cay|ruong)|bi nga|nga gay|te nga|roi vai|sap roi|roi xuong|"
    r"bi tat|tat ngom|nghi ngo|khong cong khai|dong cua|chiem|"
    r"khong (vao|den|thu|sach|an toan|duoc|chiu|tra loi|giai quyet)|chua (duoc|co|nhan|ai))\b"
)

# "lịch cúp điện", "giờ mất nước": asking for a schedule is a question, not a report.
_SCHEDULE = re.compile(r"\b(lich|thong bao|gio|khi nao|bao gio(?!\s+moi))\s+(cup|mat|ngung|cat)\b")

# Frequent small-talk and out-of-scope subjects: when one of them is present, only a very
# confident knowledge-base match may answer ("kết quả xổ số" is not "kết quả hồ sơ").
_OUT_OF_SCOPE = re.compile(
    r"\b(xo so|bong da|doi tuyen|world cup|thoi tiet|troi (mua|nang|lanh)|mua bao(?! hiem)|"
    r"gia (vang|xang|dau|heo|lon|lua|gao|ca phe|tieu|dat|nha|xe|dien thoai|do la|usd)|ty gia|"
    # word boundaries fold across words: "phải có phiếu lý lịch", "căn cước thì", "theo dõi tiến
    # độ", "tiền lệ phí" are not shares, a contest, changing money or small change
    r"chung khoan|co phieu(?! (ly lich|tu phap))|tu vi|boi toan|phong thuy|xem ngay|ca si|"
    r"dien vien|cau thu|hoa hau|nguoi mau|nguoi noi tieng|youtuber|tiktoker|bai hat|phim|"
    r"game|nau an|mon an|cong thuc nau|nguoi yeu|ke chuyen|chuyen cuoi|dat ve|ve may bay|ve tau|"
    r"ve xe|con bao|co bao khong|bao so|ap thap|ve huu|nghi huu|ban gai|ban trai|crush|"
    r"giam can|(?<!mai )tang can|lam dep|an gi|uong thuoc gi|dau (dau|bung|rang|lung)|"
    r"taxi|grab|xe om|"
    r"tim viec|viec lam|tuyen dung|tra gop|iphone|giai toan|(lam|giai) bai tap|"
    r"bai tap (ve nha|toan|tieng)|tieng anh|hat (cho|mot)|"
    r"(?<!can )cuoc thi|thi hat|van nghe|(lam|bai|doc|viet) tho|doi (tien le|ngoai te|do la|usd)|"
    r"tien le(?! phi)|gui hang|chuyen phat|"
    r"buu kien|ship hang|chu tich (nuoc|quoc hoi|tinh)|tong bi thu|thu tuong|bo truong|"
    r"bao hiem nhan tho|lai suat|cam do|sua (may|tivi|tu lanh|xe may|dien thoai)|"
    r"lich chieu|da banh|da bong|kenh nao|tivi|trong rau|doi mang|goi cuoc|cai nhau|ngoai tinh|"
    r"(khong|k) no may|chet may|"
    r"thay nhot|bai van|(viet|lam) van|sang tieng \w+|"
    r"(cau|chuyen|truyen) (dua|cuoi|vui)|dua vui|"
    r"(quen|lay lai|doi|mat) mat khau( \w+)? (facebook|fb|zalo|tiktok|gmail|messenger|instagram)|"
    r"nuoi (ga|lon|ca|bo) (the nao|sao)|benh gi|"
    r"\d+ (\d+ )?bang (may|bao nhieu)|\d+ (cong|tru|nhan|chia)( voi| cho)? \d+)\b"
)

# Administrative procedures this bot does not cover, close in wording to ones it does ("đăng kiểm
# xe ô tô" is not "đăng ký xe", "nhận con nuôi" is not "khai sinh"). When
# one is named, an entry must match far better than usual to answer; otherwise the citizen gets the
# honest fallback with the one-stop office and the hotline.
_UNCOVERED = re.compile(
    r"\b(dang kiem|(?<!khong co )luong huu|con nuoi|giam ho|"
    r"thi vao|diem thi|visa|thi thuc|(?<!tai )dinh cu|quoc tich|"
    r"dien luc|cong ty (dien|nuoc|cap nuoc)|nha mang|vay von|khai sinh cho cho|"
    r"tiem\b.{0,20}\bcho (cho|meo|ga|vit|lon|heo|trau|vat nuoi|gia suc|gia cam|thu cung)|"
    r"ket nap (dang|doan)|vao dang|dang phi|nguoi co cong|thuong binh|liet si|"
    r"chuyen truong)\b"
)


# Words that name the procedure itself. In "sao y bản chính sổ hộ khẩu" the subject is the
# certified copy, not residence; in "khai tử và xóa đăng ký thường trú" it is the death
# registration; in "hồ sơ nộp online đang ở bước nào" it is tracking, not submitting. Word counts
# alone let the object win, so a message with one of these gets a bonus for that topic in the
# ranking (never an answer on its own: the topic still has to match well enough).
TOPIC_CUES: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (topic, re.compile(pattern))
    for topic, pattern in (
        (
            "certified-copy",
            r"\b(sao y|chung thuc|cong chung|photo cong chung|(ky )?xac nhan chu ky)\b",
        ),
        ("passport", r"\bho chieu\b"),
        ("digital-signature", r"\bchu ky (so|dien tu)\b"),
        (
            "vneid-login-problem",
            r"\bvneid\b.{0,40}\b(khong|chua|ko) (cho )?(vao|dang nhap|mo)( duoc)?\b|"
            r"\b(khong|chua) (vao|dang nhap|mo) duoc (vneid|ung dung vneid)\b|"
            r"\bvneid\b.{0,30}\b(bi khoa|loi|quen (mat khau|passcode))\b",
        ),
        (
            "construction-permit",
            r"\b(giay phep|cap phep|xin phep) xay (dung|nha)\b|"
            r"\bxay (nha|dung)\b.{0,20}\b(xin phep|giay phep|cap phep)\b",
        ),
        ("personal-data", r"\b(bi )?lo (so |anh |het )?(can cuoc|thong tin|du lieu)\b"),
        (
            "digitized-results",
            r"\b(tai su dung|dung lai)\b.{0,20}\b(giay to|ket qua|ho so)\b|"
            r"\b(giay to|ket qua)\b.{0,20}\b(tai su dung|dung lai)\b",
        ),
        # asking for a person, or saying the bot did not understand
        (
            "contact-human",
            r"\b(chuyen|noi chuyen|gap|goi) (cho |voi |sang )?(can bo|nguoi that|nhan vien|"
            r"tong dai vien)\b|\bbot (tra loi )?(khong|chua) (dung|hieu)\b",
        ),
        (
            "death-registration",
            r"\b(khai tu|chung tu|bao tu)\b|"
            r"\b(nguoi|ong|ba|bo|me|cha)( than| nha| noi| ngoai)?( toi| em| minh| chau| tui)?"
            r"( vua| moi| da)? "
            r"(mat|qua doi|tu tran)( roi)?( (hom qua|hom truoc|tuan truoc|thang truoc|nam ngoai|"
            r"sang nay|dem qua|toi qua|vua roi))?( thi| nen| can| lam| bao| co|$)",
        ),
        (
            "digitized-results",
            r"\b(kho (luu )?(du lieu|giay to)|muc du lieu|vi giay to|giay to (da )?so hoa|"
            r"(khong can|co phai|phai) nop lai|"
            r"(da|duoc) so hoa|so hoa roi)\b",
        ),
        (
            "dossier-tracking",
            r"\b(tra cuu|kiem tra|theo doi) (tinh trang |tien do |ket qua )?ho so\b|"
            r"\btra cuu ket qua\b|"
            r"\bho so\b.{0,40}\b((dang o|o|den|toi) buoc nao|(den|toi) dau|tien do|xong chua|"
            r"da co ket qua|tra o dau|(duoc )?duyet chua|da (duoc )?duyet)\b",
        ),
        (
            "one-stop-office",
            r"\b(thu (7|bay)|chu nhat|cuoi tuan|gio hanh chinh|ngay le|nghi trua|buoi trua)\b"
            r".{0,30}\b(lam viec|mo cua|nop|tiep nhan|nhan ho so|truc)\b",
        ),
        (
            "vneid-register",
            r"\b(dang ky|lam|tao|lap|mo|co|kich hoat|nang cap)\s+(tai khoan\s+)?"
            r"(vneid|dinh danh)\b|\b(vneid|dinh danh)\b.{0,40}\bdang ky\b(?!.{0,20}\b(duoc|nua))",
        ),
        (
            "online-scam",
            r"\b(tu xung|xung la|gia danh|mao danh|lua dao|bi lua|"
            r"(dua|cho|doc|xin|hoi) (ma )?otp|otp\b.{0,20}\b(dua|cho|gui|doc)|"
            r"(link|duong link|tin nhan) la)\b",
        ),
        (
            "post-merger-documents",
            r"\b(sap nhap|sap xep don vi|(gop|nhap) (xa|tinh|huyen)|bi gop|bo (cap )?huyen|"
            r"chinh quyen (2|hai) cap|(ten|dia chi) (xa|tinh|huyen) cu|doi ten (xa|tinh|huyen)|"
            r"(xa|tinh|huyen) (gop|nhap|sap nhap) roi)\b",
        ),
        (
            "petition-how",
            r"\b(lam sao|cach|the nao|o dau|muon)\b.{0,20}\b(gui|phan anh|kien nghi|gop y)\b"
            r".{0,40}\b(cho|len|toi|den|voi) (xa|hoi dong nhan dan|uy ban|chinh quyen)\b.{0,10}$|"
            r"\b(gui|phan anh|kien nghi|gop y)( y kien| kien nghi| phan anh)?"
            r"( (cho|len|toi|den|voi) \w+( \w+)?)? (the nao|lam sao|qua dau|o dau|bang cach nao)$|"
            # "tôi muốn kiến nghị": wanting to file one
            r"^((toi|minh|em|chau|tui) )?((muon|can|xin) )?(gui |nop |lam )?"
            r"(kien nghi|phan anh|gop y|y kien( de xuat| dong gop)?|de xuat)"
            r"( (voi|len|cho) (xa|hoi dong nhan dan|uy ban))?$|"
            # anonymity
            r"\b(kien nghi|phan anh|gop y)\b.{0,20}\ban danh\b|"
            r"\ban danh\b.{0,20}\b(kien nghi|phan anh|gop y)\b|"
            # what happens to a petition once sent
            r"\b(kien nghi|phan anh)\b.{0,20}\b(ai (xu ly|giai quyet|tra loi)(?! chua)|"
            r"mat bao lau|bao lau (thi |moi )?(co|duoc) tra loi)\b|"
            # "muốn đề xuất một việc với xã thì viết ở đây thế nào"
            r"\b(kien nghi|phan anh|gop y|de xuat|y kien)\b.{0,40}\b(viet|gui|go|nhan)"
            r"( o day| vao day)? (the nao|o dau|cach nao|lam sao)\b",
        ),
        (
            "ecommerce-ocop",
            r"\b(?<!van )ban (hang|nong san|san pham|(\w+ ){1,3})(cua \w+ )?"
            r"(truc tuyen|tren san|len san|qua (zalo|facebook|tiktok|shopee))\b|"
            r"\b(livestream|gian hang|san thuong mai)\b|"
            r"\b(muon|de|cach|lam sao) ban (\w+ ){0,3}truc tuyen\b",
        ),
        (
            "bot-help",
            r"^((ban|bot|em|may|minh|toi|tro ly ao|o day|trang nay)( nay)? )*(co the )?"
            r"(hoi|lam|giup|ho tro|tra loi|biet) (duoc (nhung )?|nhung )(gi|viec gi|cai gi)"
            r"( cho (toi|minh|em|chau|tui|bac|nguoi dan))?( o day| vay| the)?$|"
            r"^(chi|huong dan)( cho)?( (toi|minh|em|chau|tui|bac))? cach (dung|su dung)"
            r"( (bot|cai nay|trang nay|o day))?$",
        ),
        # reaching the police, or reporting a crime or an emergency to them (a scam has its own
        # entry, which says where to report it)
        (
            "commune-police",
            r"^(?!.*\b(lua|gia danh|mao danh|can cuoc|chung minh|cu tru|tam tru|thuong tru|"
            r"luu tru|ho khau|vneid|dinh danh|ho chieu)\b)(.*\b("
            r"(so dien thoai|so|dia chi|tru so|gio lam viec|lien he|gap|goi) (cua )?"
            r"(cong an|don cong an|canh sat|truong cong an)|"
            r"(cong an|don cong an)( xa)? (o dau|nam o dau|may gio|mo cua|dong cua)|"
            r"(bi trom|mat trom|trom cap|cuop|danh nhau|gay roi|chay nha|hoa hoan|toi pham)\b"
            r".{0,40}\b(bao|goi|trinh bao) (ai|o dau|dau|so nao|so may|the nao)"
            r")\b)",
        ),
        # paying the fee of a procedure, not cashless payment in general
        (
            "online-payment",
            r"\b(le phi|phi)\b.{0,30}\b(dich vu cong|ho so|thu tuc)\b|"
            r"\b(dich vu cong|ho so|thu tuc)\b.{0,20}\b(le phi|phi)\b",
        ),
        # the certificate itself, even when it is wanted for a wedding
        (
            "marital-status-certificate",
            r"\b(xac nhan|chung nhan|chung minh|giay)( \w+)? (tinh trang hon nhan|doc than|"
            r"chua (co )?(vo|chong|ket hon))\b",
        ),
        # the procedure, not a birth certificate handed in for another one
        (
            "birth-registration",
            r"\b(dang ky|lam|xin lam) (giay |lai )?khai sinh\b|"
            r"\bkhai sinh (cho (con|be|chau|tre)|ghi)\b",
        ),
        (
            "residence-registration",
            # "nhập khẩu" is normalised to "đăng ký thường trú"; "xóa …" goes with a death
            r"\b(tach (ho|khau)|chuyen khau|(?<!xoa )dang ky (thuong|tam) tru|khai bao tam tru)\b",
        ),
        ("citizen-reception", r"\btiep (cong )?dan\b"),
        # "mở tiệm" (a shop) folds like "tiêm" (an injection): the verb decides
        ("household-business", r"\bmo (tiem|quan|cua hang|cua tiem|xuong)\b"),
        (
            "child-vaccination",
            r"\b(tiem (chung|phong|vac xin|ngua|mui)|vac xin|chich ngua|"
            r"(cho|dua) (con|be|chau|tre) di tiem|tiem (cho )?(tre|be|con|chau))\b",
        ),
        # asking when the delegates meet the people is the voter meeting, not the delegate list
        (
            "voter-meetings",
            r"\bdai bieu\b.{0,20}\b(gap|ve gap|tiep xuc|hop) (dan|cu tri|ba con|nhan dan)\b",
        ),
        (
            "petition-status",
            r"\b(tra cuu|theo doi|kiem tra|ma) (kien nghi|phan anh)\b|"
            r"\bnhan (duoc )?(kien nghi|phan anh)\b.{0,30}\b(chua|khong)$|"
            r"\b(kien nghi|phan anh)\b.{0,30}\b(xem(?! xet)|tra cuu|kiem tra|den dau|toi dau)\b|"
            r"\b(kien nghi|phan anh)\b.{0,30}\b(tra loi|xu ly|giai quyet) chua$|"
            r"\btinh trang (kien nghi|phan anh)\b|"
            # "ý kiến gửi hôm trước sao chưa thấy ai trả lời": one already sent
            r"\b(kien nghi|phan anh|y kien|gop y)\b.{0,10}\b(da )?gui\b.{0,40}\bchua\b",
        ),
    )
)


def topic_cues(normalized: str) -> set[str]:
    """Topics whose procedure the message names outright (see ``TOPIC_CUES``)."""
    return {topic for topic, pattern in TOPIC_CUES if pattern.search(normalized)}


# "ok", "dạ", "vâng ạ", "ừ", "được rồi", "đã hiểu": the citizen acknowledges what the bot said. No
# question, no greeting: a short nod answers it, not the full welcome. Folded words; one of the
# core words must be there ("ạ" alone is not an acknowledgement).
_ACK_CORE = frozenset(
    """
    ok oke okay okie oki okela okee okey vang da u uk uhm um uh o roi duoc hieu biet xong
    """.split()  # noqa: SIM905
)
_ACK_WORDS = _ACK_CORE | frozenset(
    """
    a ah nhe nha nhen ne vay the thi dung ro roi ad admin bot ban anh chi em
    """.split()  # noqa: SIM905
)
_OK = re.compile(r"^o+k+[eiy]*$")
# 👍 👌 ✅ ✔ ☑ 🆗 🙆, with skin tones and variation selectors: a thumbs-up is an "ok".
_ACK_EMOJI = frozenset("\U0001f44d\U0001f44c\u2705\u2714\u2611\U0001f197\U0001f646")
_EMOJI_MODIFIERS = frozenset(
    chr(c) for c in (*range(0x1F3FB, 0x1F400), 0xFE0F, 0xFE0E, 0x200D, 0x2640, 0x2642)
)


def is_acknowledgement(folded: str, raw: str = "") -> bool:
    """ "ok", "dạ vâng", "được rồi ạ", "👍": an acknowledgement and nothing else."""
    words = folded.split()
    if not words:
        marks = [ch for ch in raw if not ch.isspace() and ch not in _EMOJI_MODIFIERS]
        return (
            bool(marks)
            and any(ch in _ACK_EMOJI for ch in marks)
            and all(ch in _ACK_EMOJI or (not ch.isalnum() and ord(ch) < 0x2000) for ch in marks)
        )
    if len(words) > 6:
        return False
    words = ["ok" if _OK.match(w) else w for w in words]
    return all(w in _ACK_WORDS for w in words) and any(w in _ACK_CORE for w in words)


def is_call(folded: str) -> bool:
    """A bare call for attention: "ad ơi", "bot ơi bot" (``folded``, not normalised)."""
    words = folded.split()
    return (
        0 < len(words) <= 4
        and all(w in _CALL for w in words)
        and ("oi" in words or len(words) > 1)
    )


def greeting_kind(normalized: str) -> str | None:
    """ "thanks", "bye" or "hello" when the whole message is a greeting; otherwise None."""
    words = normalized.split()
    if not words or len(words) > 20:
        return None
    if _SMALL_TALK.search(normalized) or _ANNOUNCE.search(normalized):
        return "hello"
    if (
        _THANKS_START.match(normalized)
        and not _QUESTION.search(normalized)
        and petition_cue(normalized) is None
    ):
        return "thanks"  # "cảm ơn bạn rất nhiều, thông tin rất hữu ích, chúc bạn…"
    if len(words) > 8:
        return None
    if not all(w in _GREETING_WORDS for w in words):
        return None
    if not any(w in _GREETING_CORE for w in words) and not _BYE.search(normalized):
        return None
    if _THANKS.search(normalized):
        return "thanks"
    if _BYE.search(normalized):
        return "bye"
    return "hello"


def strip_greeting(normalized: str) -> str:
    """The message without a leading "chào bạn" or a trailing "cảm ơn"."""
    text = _LEADING_GREETING.sub("", normalized, count=1)
    text = _TRAILING_THANKS.sub("", text)
    return text.strip() or normalized


def formal_complaint(normalized: str) -> bool:
    return bool(_FORMAL_COMPLAINT.search(normalized))


# "gì" asks what ("phun thuốc gì", "nên làm món gì") except after a negation, where it means
# "nothing at all" ("không giải quyết gì").
_WHAT = re.compile(r"\bgi\b")
_NOTHING = re.compile(r"\b(khong|chang|cha)( \w+){1,4} gi\b")


# "lịch tiếp dân", "lịch tiêm tháng này": naming a schedule asks for it, unless the message
# complains about it ("lịch tiêm thay đổi liên tục mà không báo trước"): then it is the subject.
_SCHEDULE_WORD = re.compile(r"\blich\b")
# "để người đi làm xa có thể nộp hồ sơ": a purpose clause, not "có thể … không?"
_PURPOSE = re.compile(r"\bde( \w+){0,5} co the\b")


def is_question(normalized: str, raw: str = "") -> bool:
    if "?" in raw:
        return True
    if _WHAT.search(normalized) and not _NOTHING.search(normalized):
        return True
    text = normalized[:-3] if _NOTHING.search(normalized) else normalized
    text = _PURPOSE.sub("de", text)
    if _QUESTION.search(text) or _SCHEDULE.search(text):
        return True
    return bool(_SCHEDULE_WORD.search(text)) and not _STRONG.search(text)


def statement_report(normalized: str, min_words: int = 11) -> bool:
    """A long statement, or one about a place of the commune: what citizens write to report.

    Called only for a message that is not a question and that no entry answers: people who want
    something unrelated ask for it in a few words ("giá vàng hôm nay", "kể chuyện cười"), people
    who report a problem describe it ("cây cầu tạm nối hai thôn rung lắc rất mạnh khi xe đi qua").
    """
    if _ASKS_THE_BOT.search(normalized):
        return False
    words = normalized.split()
    place = bool(_LOCAL_PLACE.search(normalized))
    trouble = place or bool(_PROBLEM_WORDS.search(normalized) or _TROUBLE.search(normalized))
    return (len(words) >= min_words and trouble) or (len(words) >= 7 and place)


# Something went wrong: a negation, a passive "bị", a complaint word.
_TROUBLE = re.compile(
    r"\b(khong|chua|chang|cha|bi|kem|thieu|het|mat|van con|lai bi|mai|hoai|suot|qua lau)\b"
)
# "kể cho tôi nghe một câu chuyện", "chỉ tôi cách…", "cho tôi mượn…": asking the bot for
# something, not telling the commune about something.
_ASKS_THE_BOT = re.compile(
    r"^(ke|hat|doc|chi|tim|dat|mua|xem|day|goi y|huong dan|giai thich|thu tuc|viet|dich)\b|"
    r"^noi (\w+ )?(cau|chuyen)\b|"
    r"^xin (so|so dien thoai|dia chi|thong tin|link|anh)\b|"
    r"\btoi muon (tim|hoc|biet|mua|ban|di|tim hieu|nho)\b|"
    r"^(hay |ban |bot )?(cho|giup) (toi|minh|em|tui|tao|chau|con|bac) "
    r"(nghe|xem|muon|vay|xin|so|biet|hoi)\b"
)


def petition_cue(normalized: str) -> str | None:
    """ "strong", "weak" or None."""
    if _SCHEDULE.search(normalized):
        return None
    if _STRONG.search(normalized):
        return "strong"
    if _WEAK.search(normalized):
        return "weak"
    return None


def out_of_scope(normalized: str) -> bool:
    return bool(_OUT_OF_SCOPE.search(normalized))


def uncovered_procedure(normalized: str) -> bool:
    """The message names an administrative procedure the knowledge base does not cover."""
    return bool(_UNCOVERED.search(normalized))


def off_topic_phrases(normalized: str) -> list[str]:
    """The uncovered-procedure and small-talk phrases in the message ("đăng ký xe", "giá vàng")."""
    return [
        m.group(0) for pattern in (_UNCOVERED, _OUT_OF_SCOPE) for m in pattern.finditer(normalized)
    ]


def about_a_place(normalized: str) -> bool:
    """The message names a place or a group of the commune (thôn, đường, trường, bà con…)."""
    return bool(_LOCAL_PLACE.search(normalized))


_WHY = re.compile(r"^(tai |vi )?sao\b")  # "làm sao" asks how


_NEGATION = re.compile(r"\b(khong|chua|chang)\b")
# "bao giờ xã làm lại con đường vào xóm?": asking when the commune will act is asking it to act
_WHEN_ACT = re.compile(
    r"^(bao gio|khi nao|den khi nao|den bao gio)\b.{0,40}\b(lam lai|sua|lap|xay|nang cap|"
    r"don dep|trai nhua|be tong|mo rong|co (bac si|wifi|den|nuoc sach|truong|cau|duong))\b"
)


def complaining_why(normalized: str) -> bool:
    """A "why" or "when will" about a local place that complains or asks the commune to act.

    "Sao mùa nào xóm dưới cũng ngập vậy?", "sao năm nay xã không hỗ trợ giống lúa cho bà con?",
    "bao giờ xã lắp camera ở ngã ba chợ?": such a message carries a question mark but asks
    nothing the knowledge base could answer.
    """
    if _WHY.search(normalized):
        return local_report(normalized) or (
            about_a_place(normalized) and bool(_NEGATION.search(normalized))
        )
    return bool(_WHEN_ACT.search(normalized)) and about_a_place(normalized)


def local_report(normalized: str) -> bool:
    """A statement about a local place with a word describing a problem."""
    return bool(_LOCAL_PLACE.search(normalized)) and bool(_PROBLEM_WORDS.search(normalized))


# English words that no common folded Vietnamese word collides with. Function words come from
# ``ENGLISH_WORDS`` minus the homographs ("to" = tờ, "do" = đó, "in", "on" = ơn, "can" = cần,
# "me" = mẹ, "an" = ăn, "at", "be" = bé, "by", "it" = ít, "the" = thẻ, "my" = Mỹ); the content
# words are those people write when they ask a public-service bot in English.
_AMBIGUOUS = frozenset(
    """
    to do in on can me an at be by it the my a i o so no not go man ten tin hang long con ban
    sang hot top com hon tan am day son may he im than then got
    """.split()  # noqa: SIM905
)
_ENGLISH_ONLY = (
    ENGLISH_WORDS
    | frozenset(
        """
        hello hi hey thanks thank please sorry yes okay help need want get make take give
        find know tell ask apply renew register registration change lost lose open close
        does did done are were been being have had having will would could should must
        might shall they them their we our us she her him his dont cant isnt aren
        which whose whom where when what who why how much many some any every all more most
        very just only also too again still already here there this these those that
        because about after before during into through over under between without within
        passport visa office weather today tomorrow yesterday time hour hours week month year
        like love good bad new old big small price cost money pay payment fee fees tax bank
        card identity id number phone mobile address email mail account password login sign
        birth certificate marriage death land house home police hospital school doctor health
        insurance village commune people person family child children daughter wife husband
        mother father name document documents paper papers form service services public online
        website app application register submit status check track complaint problem issue
        water electricity road street light broken government council chairman president
        english vietnamese language speak understand translate anyone somebody someone
        """.split()  # noqa: SIM905
    )
) - _AMBIGUOUS


# Loanwords Vietnamese chat uses every day ("app vneid", "login không được"): neither English nor
# Vietnamese evidence.
_LOANWORDS = frozenset(
    """
    app apps login logout online offline website web email mail password pass passport visa id
    ok okay sim wifi internet link code check card video file hotline admin bot help
    """.split()  # noqa: SIM905
)


def english_text(folded: str) -> bool:
    """Clearly English: at least two real English words and nothing Vietnamese.

    A Vietnamese syllable that is not also an English word ("lam", "o", "dau") is Vietnamese;
    abbreviations ("tkb", "cccd"), digits ("09l2345678") and names ("vneid") are neither, so they
    never make a message English on their own. Called on ``fold``ed text; a message typed with
    diacritics is Vietnamese before it gets here (see ``has_vietnamese_marks``).
    """
    words = folded.split()
    hits = sum(1 for w in words if w in _ENGLISH_ONLY and w not in _LOANWORDS)
    if hits < 2:
        return False
    return not any(
        is_syllable(w) and w not in _ENGLISH_ONLY and w not in _AMBIGUOUS for w in words
    )


def has_vietnamese_marks(raw: str) -> bool:
    """The text carries Latin letters with marks (đ, ư, ơ, â, tones…): typed as Vietnamese."""
    return has_diacritics(raw)


def vietnamese_share(words: list[str], vocabulary: set[str] | frozenset[str]) -> float:
    """Share of words that are Vietnamese syllables, known vocabulary or numbers."""
    if not words:
        return 0.0
    ok = sum(1 for w in words if w in vocabulary or w.isdigit() or is_syllable(w))
    return ok / len(words)
