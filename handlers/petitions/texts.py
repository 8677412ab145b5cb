"""What citizens read while filing, following and rating petitions — in one place, one voice.

Written for older readers on a small phone: one question per message, plain words, no jargon
(no "ID", "submit", "status"), and always the next step. ``{…}`` fields are filled by the caller.
"""

from __future__ import annotations

# --- offer (the matcher thinks a message reports a problem) ---------------------------------
OFFER = (
    "Có vẻ bạn đang phản ánh một việc cần xã xử lý. Gửi nội dung này thành kiến nghị tới HĐND xã?"
)
BTN_OFFER_YES = "📝 Gửi kiến nghị"
BTN_OFFER_NO = "Không"
OFFER_DECLINED = "Vâng, tôi chưa gửi gì cả. Bạn cần hỏi gì cứ nhắn cho tôi nhé."
OFFER_TOO_LONG = (
    "Nội dung bạn vừa gửi dài quá {max} ký tự nên tôi chưa dùng được. "
    "Ở bước nội dung, bạn gõ lại ngắn gọn hơn nhé."
)

# --- intake -------------------------------------------------------------------------------
ASK_CATEGORY = (
    "📝 Gửi kiến nghị tới HĐND xã (bước 1/5).\n"
    "Kiến nghị của bạn thuộc lĩnh vực nào? Bấm một nút bên dưới."
)
MORE_CHOICES = "…hoặc:"
CATEGORY_HELP = 'Bạn bấm vào một trong các nút lĩnh vực ở trên (nếu không rõ, chọn "Việc khác").'
CONTENT_KEPT_FOR_LATER = "Tôi đã ghi lại nội dung bạn vừa gửi. Bạn chọn lĩnh vực trước nhé."

ASK_CONTENT = (
    "Bước 2/5. Bạn kể rõ việc cần kiến nghị: việc gì, ở đâu, từ bao giờ, ảnh hưởng thế nào."
)
ASK_CONTENT_MEDIA = "\nCó ảnh chụp thì bạn gửi kèm luôn."
CONTENT_SO_FAR = "Bước 2/5. Tôi đã ghi nhận nội dung:\n«{preview}»{media}"
# The citizen's message is right above: no need to echo it back the first time.
CONTENT_NOTED = "Bước 2/5. Tôi đã ghi nhận nội dung bạn vừa gửi{media}."
# The web chat cannot send photos: its citizens are not asked for any.
CONTENT_ADD_MORE = '\n\nBạn có thể gõ thêm. Nếu đã đủ, bấm "Xong".'
CONTENT_ADD_MORE_MEDIA = '\n\nBạn có thể gõ thêm hoặc gửi thêm ảnh. Nếu đã đủ, bấm "Xong".'
CONTENT_NEEDS_MORE = "\n\nNội dung còn hơi ngắn. Bạn viết thêm cho rõ: việc gì, ở đâu, từ bao giờ."
CONTENT_REPLACE = (
    "Nội dung hiện tại:\n«{preview}»{media}\n\n"
    'Bạn gõ nội dung mới để thay thế, hoặc bấm "Giữ nguyên".'
)
CONTENT_REPLACE_MEDIA = (
    "Nội dung hiện tại:\n«{preview}»{media}\n\n"
    'Bạn gõ nội dung mới để thay thế, gửi thêm ảnh, hoặc bấm "Giữ nguyên".'
)
BTN_DONE = "✔ Xong"
BTN_KEEP = "Giữ nguyên"
CONTENT_EMPTY = "Tôi chưa nhận được nội dung. Bạn gõ vài câu kể lại việc cần kiến nghị nhé."
CONTENT_TOO_SHORT = (
    "Nội dung hơi ngắn nên cán bộ khó hiểu đúng việc. Bạn viết ít nhất vài câu "
    "(từ {words} từ trở lên): việc gì, ở đâu, từ bao giờ."
)
CONTENT_TOO_LONG = (
    "Nội dung dài quá: {length} ký tự, trong khi tối đa là {max} ký tự. "
    "Bạn rút gọn lại, chỉ giữ những ý chính nhé. Tôi chưa lưu tin nhắn vừa rồi."
)
MEDIA_ONLY = " (kèm {count} ảnh/tệp)"
MEDIA_RECEIVED = "Tôi đã nhận {count} ảnh/tệp, sẽ gửi kèm kiến nghị."
MEDIA_FULL = "Mỗi kiến nghị kèm được tối đa {max} ảnh/tệp; những ảnh/tệp sau không được nhận thêm."

ASK_PLACE = (
    "Bước 3/5. Việc này ở thôn nào? Bấm tên thôn, hoặc gõ địa điểm cụ thể "
    '(ví dụ: "cầu Đá, thôn 2").'
)
PLACE_TOO_LONG = 'Địa điểm dài quá {max} ký tự. Bạn gõ ngắn gọn, ví dụ: "đầu ngõ 5, thôn 1".'
PLACE_HELP = 'Bạn bấm tên thôn, gõ địa điểm, hoặc bấm "Bỏ qua".'
BTN_SHARE_LOCATION = "📍 Gửi vị trí"
BTN_SKIP = "Bỏ qua"
MY_VILLAGE = "📍 {name}"

SIMILAR_INTRO = (
    "Đã có kiến nghị tương tự đang được HĐND xã xem xét:\n{items}\n\n"
    'Nếu là cùng một việc, bạn bấm "Theo dõi" để nhận tin khi có kết quả — không cần gửi thêm. '
    'Nếu là việc khác, hoặc bạn có thêm thông tin, bấm "Vẫn gửi kiến nghị mới".'
)
SIMILAR_ITEM = "{n}. {category}{village} — {status}, gửi ngày {date}:\n«{excerpt}»"
BTN_FOLLOW = "Theo dõi kiến nghị {n}"
BTN_FILE_ANYWAY = "Vẫn gửi kiến nghị mới"
SIMILAR_HELP = 'Bạn bấm "Theo dõi" một kiến nghị ở trên, hoặc "Vẫn gửi kiến nghị mới".'
FOLLOWING = (
    "Bạn đã theo dõi kiến nghị {code}. Tôi sẽ nhắn cho bạn mỗi khi kiến nghị này có tiến triển, "
    'kể cả khi có trả lời. Xem tình trạng bất cứ lúc nào: gõ "tra cứu {code}".'
)
OWN_PETITION = (
    "Kiến nghị {code} là của chính bạn gửi trước đó, nên bạn vẫn nhận tin về nó. "
    'Xem tình trạng: gõ "tra cứu {code}".'
)

ASK_NAME = (
    "Bước 4/5. Để HĐND xã liên hệ lại khi cần, bạn cho biết họ tên "
    "(ví dụ: Nguyễn Văn An).\n"
    'Nếu không muốn, bấm "Gửi ẩn danh": kiến nghị vẫn được xem xét và bạn vẫn nhận kết quả '
    "qua tin nhắn này, nhưng cán bộ sẽ không thể gọi điện lại cho bạn."
)
ASK_REUSE = (
    "Bước 4/5. Để HĐND xã liên hệ lại khi cần, dùng thông tin bạn đã để lại lần trước?\n"
    "{name}{phone}"
)
BTN_REUSE = "Dùng thông tin này"
BTN_OTHER_CONTACT = "Nhập thông tin khác"
BTN_ANONYMOUS = "🕶 Gửi ẩn danh"
BTN_SHARE_CONTACT = "📱 Gửi số điện thoại của tôi"
ASK_NAME_AGAIN = (
    'Bạn gõ họ tên của bạn (ví dụ: Nguyễn Văn An), hoặc bấm "Gửi ẩn danh" nếu không muốn '
    "để lại tên."
)
NAME_INVALID = (
    "Họ tên chỉ gồm chữ cái, từ 2 đến {max} ký tự, ví dụ: Nguyễn Văn An. "
    'Nếu không muốn để lại tên, bấm "Gửi ẩn danh".'
)
ASK_PHONE = "Số điện thoại của bạn là gì? (10 chữ số, ví dụ: 0912 345 678)"
BTN_NO_PHONE = "Không để lại số"
PHONE_HAS_LETTERS = (
    "Số điện thoại chỉ gồm chữ số, không có chữ cái. Bạn gõ lại, ví dụ: 0912 345 678."
)
PHONE_INVALID = (
    "Số điện thoại chưa đúng: cần 10 chữ số bắt đầu bằng 0 (hoặc +84). "
    "Bạn gõ lại, ví dụ: 0912 345 678."
)
ASK_CONSENT = (
    "Bạn có đồng ý để HĐND xã lưu {what} của bạn không? (theo Nghị định 13/2023/NĐ-CP)\n"
    "• Để làm gì: liên hệ với bạn về kiến nghị này.\n"
    "• Ai được xem: chỉ cán bộ HĐND xã và cơ quan giải quyết; không công khai.\n"
    "• Lưu đến khi: xong việc và lưu hồ sơ, hoặc khi bạn muốn xóa (gõ /xoadulieu)."
)
BTN_AGREE = "Đồng ý"
BTN_DISAGREE = "Không đồng ý"
CONSENT_HELP = 'Bạn bấm "Đồng ý" hoặc "Không đồng ý".'
CONSENT_REFUSED = (
    "Không sao. Tôi sẽ không lưu thông tin cá nhân nào của bạn; kiến nghị sẽ được gửi ẩn danh. "
    'Nếu không muốn gửi nữa, bấm "Hủy" ở bước sau.'
)

SUMMARY = (
    "Bước 5/5. Bạn kiểm tra lại kiến nghị:\n"
    "• Lĩnh vực: {category}\n"
    "• Nội dung: «{content}»{media}\n"
    "• Địa điểm: {place}\n"
    "• Người gửi: {contact}\n\n"
    'Nếu đúng, bấm "Xác nhận gửi". Cần sửa, bấm "Sửa".'
)
NO_PLACE = "(chưa nêu)"
SHARED_LOCATION = "vị trí đã gửi trên bản đồ"
ANONYMOUS = "ẩn danh (HĐND xã không thể gọi điện lại cho bạn)"
BTN_CONFIRM = "✅ Xác nhận gửi"
BTN_EDIT = "✏ Sửa"
SUMMARY_HELP = 'Bạn bấm "Xác nhận gửi" để gửi, "Sửa" để sửa, hoặc "Hủy".'
ASK_EDIT = "Bạn muốn sửa phần nào?"
BTN_EDIT_CATEGORY = "Lĩnh vực"
BTN_EDIT_CONTENT = "Nội dung"
BTN_EDIT_PLACE = "Địa điểm"
BTN_EDIT_CONTACT = "Người gửi"
BTN_BACK = "↩ Quay lại"
EDIT_HELP = 'Bạn bấm vào phần muốn sửa, hoặc "Quay lại".'

# No promise the council cannot keep: the due date is set when the petition is forwarded.
ALREADY_FILED = (
    "Kiến nghị này đã được gửi rồi, mã tra cứu {code}. Bạn không cần bấm lại; "
    'gõ "tra cứu {code}" để xem tình trạng.'
)
FILED = (
    "✅ Đã gửi kiến nghị của bạn tới HĐND xã.\n"
    "Mã tra cứu: {code}\n\n"
    "Tiếp theo: HĐND xã xem xét kiến nghị. Việc cần cơ quan khác giải quyết sẽ được chuyển đi, "
    "kèm hạn trả lời (thường là {days} ngày làm việc). Có tiến triển gì, tôi sẽ nhắn cho bạn "
    "ngay tại đây.\n"
    'Xem lại bất cứ lúc nào: bấm "Tra cứu kiến nghị" ở menu, hoặc gõ "tra cứu {code}".'
)
BTN_TRACK_THIS = "🔎 Xem tình trạng"
CANCELLED = "Đã hủy. Kiến nghị chưa được gửi và bản nháp đã được xóa."
EXPIRED = (
    "Bạn chưa gửi xong kiến nghị và đã quá {hours} giờ không trả lời, nên tôi đã đóng lại. "
    'Khi cần, bạn gõ /kiennghi hoặc bấm "Gửi kiến nghị" để làm lại.'
)
# A draft with the citizen's words is never thrown away on a timeout or a detour to the menu.
EXPIRED_KEPT = (
    "Bạn chưa gửi xong kiến nghị (đã quá {hours} giờ không trả lời). Phần bạn đã viết, tôi "
    'vẫn giữ trong {days} ngày: khi muốn gửi tiếp, bấm "Gửi tiếp kiến nghị".'
)
PAUSED = 'Tôi đã cất kiến nghị bạn đang viết dở. Khi muốn gửi tiếp, bấm "Gửi kiến nghị".'
PAUSED_EMPTY = "Đã dừng việc gửi kiến nghị."
DRAFT_FOUND = (
    "Bạn còn một kiến nghị viết dở từ ngày {date}:\n«{preview}»\n\n"
    "Bạn muốn gửi tiếp kiến nghị này, hay viết kiến nghị mới?"
)
BTN_RESUME = "📝 Gửi tiếp kiến nghị"
BTN_NEW_DRAFT = "Viết kiến nghị mới"
DRAFT_GONE = (
    "Kiến nghị viết dở đó đã quá {days} ngày nên đã bị xóa. "
    'Bạn bấm "Gửi kiến nghị" để viết lại nhé.'
)
CATEGORY_GONE = "Lĩnh vực bạn chọn không còn trong danh sách. Bạn chọn lại giúp tôi nhé."

STAFF_NOTICE = (
    "📝 Kiến nghị mới {code}\n"
    "Lĩnh vực: {category}\n"
    "Thôn: {village}\n"
    "Kênh: {channel}\n"
    "Xem và xử lý trên trang quản lý của HĐND xã."
)

# --- lookup -------------------------------------------------------------------------------
ASK_CODE = "Bạn gõ mã kiến nghị (8 ký tự, có trong tin nhắn xác nhận khi gửi), ví dụ: {example}."
ASK_CODE_WITH_LIST = (
    "Kiến nghị bạn đã gửi hoặc đang theo dõi:\n{items}\n\n"
    "Bấm vào mã để xem chi tiết, hoặc gõ mã của kiến nghị khác."
)
ASK_CODE_WITH_LIST_BUSY = (
    "Kiến nghị bạn đã gửi hoặc đang theo dõi:\n{items}\n\n"
    'Bấm vào mã để xem chi tiết. Để xem kiến nghị khác, gõ "tra cứu" và mã kiến nghị.'
)
OWN_ITEM = "• {code} ({status}): «{excerpt}»"
TYPE_TRACK_CODE = 'Để xem một kiến nghị, gõ "tra cứu" và mã kiến nghị.'
NO_PETITIONS_YET = "Bạn chưa gửi hoặc theo dõi kiến nghị nào từ tài khoản này."
BAD_CODE = (
    '"{text}" không phải mã kiến nghị. Mã gồm 8 ký tự chữ và số, ví dụ: {example}. '
    "Bạn gõ lại mã nhé."
)
NOT_FOUND = (
    "Không tìm thấy kiến nghị mã {code} trong những kiến nghị bạn đã gửi hoặc đang theo dõi. "
    "Bạn kiểm tra lại mã trong tin nhắn xác nhận khi gửi. Nếu kiến nghị được gửi giúp tại xã, "
    "bạn hỏi cán bộ hoặc gọi {hotline}."
)
STATUS_HEAD = (
    "Kiến nghị {code}\n• Tình trạng: {status}\n• Lĩnh vực: {category}\n• Gửi ngày: {date}"
)
STATUS_CONTENT = "\n• Nội dung: «{excerpt}»"
STATUS_FORWARDED = "\n• Đã chuyển tới: {to}"
STATUS_DUE = "\n• Hạn trả lời: {due}"
STATUS_DUE_LEFT = " (còn {days} ngày làm việc)"
STATUS_DUE_NEAR = " (sắp đến hạn)"
STATUS_OVERDUE = " — đã quá hạn, HĐND xã đang đôn đốc cơ quan giải quyết"
STATUS_PAUSED = "\n• Thời hạn tạm dừng trong khi chờ người gửi bổ sung thông tin."
STATUS_ANSWER = "\n\nTrả lời:\n«{answer}»"
STATUS_EARLIER_ANSWER = "\n\nTrả lời trước đó:\n«{answer}»"
# What happens next, in one line, for each state (the citizen's first question after "where").
STATUS_NEXT = {
    "received": "HĐND xã sẽ xem xét kiến nghị; có tiến triển tôi sẽ nhắn cho bạn.",
    "screening": "HĐND xã đang xem xét; có tiến triển tôi sẽ nhắn cho bạn.",
    "needs_info": "HĐND xã đang chờ người gửi bổ sung thông tin.",
    "forwarded": "HĐND xã theo dõi đến khi cơ quan giải quyết trả lời, rồi báo cho bạn.",
    "answered": "Bạn cho biết câu trả lời đã giải quyết được việc chưa (bấm nút bên dưới).",
    "reopened": "HĐND xã sẽ xem xét lại và báo cho bạn kết quả.",
    "duplicate": "Kiến nghị này được giải quyết chung với kiến nghị {original}; "
    "bạn sẽ nhận tin về kiến nghị đó.",
}
STATUS_NEXT_OWN_INFO = (
    'HĐND xã đang chờ bạn trả lời câu hỏi ở trên. Bấm "Trả lời câu hỏi của HĐND xã".'
)
STATUS_NEXT_LINE = "\n\nTiếp theo: {next}"
STATUS_TIMELINE = "\n\nDiễn biến:"
BTN_ANSWER_QUESTION = "Trả lời câu hỏi của HĐND xã"
BTN_MY_PETITIONS = "🔎 Kiến nghị của tôi"

# event labels in the citizen's timeline (actions; a status change uses STATUS_LABELS)
EVENT_INFO_GIVEN_OWN = "Bạn đã bổ sung thông tin"
EVENT_INFO_GIVEN = "Người gửi đã bổ sung thông tin"
EVENT_REOPENED_BY_CITIZEN = "Người gửi cho biết việc chưa được giải quyết"
EVENT_NOTE = "HĐND xã ghi chú"

# --- needs information ----------------------------------------------------------------------
ASK_INFO = "HĐND xã hỏi về kiến nghị {code}:\n«{question}»\n\nBạn gõ câu trả lời."
ASK_INFO_MEDIA = " Có thể gửi kèm ảnh."
INFO_EMPTY = "Tôi chưa nhận được câu trả lời. Bạn gõ câu trả lời hoặc gửi ảnh nhé."
INFO_TOO_LONG = "Câu trả lời dài quá {max} ký tự. Bạn rút gọn lại nhé; tôi chưa lưu tin vừa rồi."
INFO_RECEIVED = (
    "Cảm ơn bạn. Tôi đã chuyển thông tin bổ sung{media} cho kiến nghị {code} tới HĐND xã. "
    "Kiến nghị tiếp tục được xem xét; tôi sẽ nhắn khi có tiến triển."
)
INFO_NOT_NEEDED = (
    "Kiến nghị {code} hiện không cần bổ sung thông tin nữa (tình trạng: {status}). "
    'Cảm ơn bạn. Gõ "tra cứu {code}" để xem chi tiết.'
)
INFO_EXPIRED = (
    "Bạn chưa trả lời câu hỏi của HĐND xã về kiến nghị {code}. Khi sẵn sàng, bạn bấm "
    '"Trả lời câu hỏi" trong tin nhắn của HĐND xã, hoặc gõ "tra cứu {code}".'
)
INFO_ONLY_SUBMITTER = (
    "Chỉ người gửi kiến nghị {code} mới trả lời được câu hỏi này. "
    "Bạn vẫn nhận tin khi kiến nghị có tiến triển."
)
INFO_DRAFT_KEPT = (
    'Tôi đã cất kiến nghị bạn đang viết dở. Trả lời HĐND xã xong, bấm "Gửi kiến nghị" '
    "để viết tiếp."
)
INFO_AFTER_DRAFT = (
    "Bạn đang làm dở một việc khác. Làm xong (hoặc gõ /huy), rồi bấm lại nút "
    '"Trả lời câu hỏi" để trả lời HĐND xã về kiến nghị {code}.'
)
INFO_CANCELLED = (
    'Đã hủy. Khi sẵn sàng, bạn bấm nút "Trả lời câu hỏi" trong tin nhắn của HĐND xã, '
    'hoặc gõ "tra cứu {code}".'
)
INFO_PAUSED = (
    "Bạn trả lời câu hỏi của HĐND xã về kiến nghị {code} sau cũng được: "
    'bấm nút "Trả lời câu hỏi" trong tin nhắn của HĐND xã.'
)

# --- satisfaction -------------------------------------------------------------------------
SAT_THANKS = "Cảm ơn bạn đã xác nhận. Kiến nghị {code} đã kết thúc. Chúc bạn mạnh khỏe!"
SAT_ASK_COMMENT = (
    "Rất tiếc việc chưa được giải quyết. Bạn cho biết ngắn gọn còn vướng ở đâu "
    "(HĐND xã sẽ đọc ý kiến này để xem xét lại):"
)
SAT_REOPENED = (
    "Cảm ơn bạn. Tôi đã mở lại kiến nghị {code} kèm ý kiến của bạn để HĐND xã xem xét lại. "
    "Tôi sẽ nhắn khi có tiến triển."
)
SAT_REOPENED_NO_COMMENT = (
    "Tôi đã ghi nhận việc chưa được giải quyết và mở lại kiến nghị {code} để HĐND xã xem xét "
    "lại. Tôi sẽ nhắn khi có tiến triển."
)
SAT_ALREADY = "Ý kiến về câu trả lời cho kiến nghị {code} đã được ghi nhận trước đó. Cảm ơn bạn."
SAT_NOT_NOW = (
    "Kiến nghị {code} hiện không chờ ý kiến đánh giá (tình trạng: {status}). "
    'Gõ "tra cứu {code}" để xem chi tiết.'
)
COMMENT_TOO_LONG = "Ý kiến dài quá {max} ký tự. Bạn rút gọn lại nhé; tôi chưa lưu tin vừa rồi."
COMMENT_EMPTY = 'Bạn gõ vài chữ về việc còn vướng, hoặc bấm "Bỏ qua".'
CITIZEN_NOT_SATISFIED = "Người gửi cho biết việc chưa được giải quyết."
AUTO_CLOSED_NOTE = "Tự động kết thúc sau {days} ngày không có ý kiến của người gửi."

# --- personal data ------------------------------------------------------------------------
ERASE_EXPLAIN = (
    "Xóa dữ liệu cá nhân của bạn. Tôi sẽ xóa:\n"
    "• Họ tên, số điện thoại và vị trí trên bản đồ bạn đã để lại{contact_note}.\n"
    "• Liên kết giữa tài khoản chat này với các kiến nghị bạn đã gửi ({filed}) và đang theo dõi "
    "({follows}): bạn sẽ không nhận tin và không tra cứu được các kiến nghị đó nữa.\n"
    "• Lịch sử trò chuyện và bản nháp đang lưu.\n"
    "Nội dung kiến nghị được giữ lại ở dạng ẩn danh (không còn tên, số điện thoại) để thống kê. "
    "Việc xóa không hoàn tác được. Bạn có chắc muốn xóa?"
)
ERASE_NO_CONTACT = " (hiện tôi không lưu thông tin nào như vậy của bạn)"
BTN_ERASE = "🗑 Xóa dữ liệu của tôi"
BTN_KEEP_DATA = "Không xóa"
ERASE_HELP = 'Bạn bấm "Xóa dữ liệu của tôi" hoặc "Không xóa".'
ERASED = (
    "Đã xóa dữ liệu cá nhân của bạn. Nội dung kiến nghị chỉ còn ở dạng ẩn danh để thống kê. "
    "Bạn vẫn có thể dùng trợ lý ảo như bình thường."
)
ERASE_KEPT = "Đã giữ nguyên, không xóa gì."
ERASE_EXPIRED = "Bạn chưa xác nhận việc xóa dữ liệu cá nhân nên tôi chưa xóa gì."
