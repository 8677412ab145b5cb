"""The conversation's fixed Vietnamese texts, in one place so they read as one voice.

Short sentences, polite but plain ("bạn"), one next step at the end: many readers are older and
read on a small phone.
"""

from __future__ import annotations

from handlers.types import Button

BTN_MENU = "🏠 Menu chính"
BTN_CANCEL = "✖ Hủy"
BTN_SKIP = "Bỏ qua"
BTN_ASK = "❓ Hỏi thủ tục, dịch vụ công"
BTN_PETITION = "📝 Gửi kiến nghị"
BTN_TRACK = "🔎 Tra cứu kiến nghị"
BTN_DIGITAL = "💡 Chuyển đổi số"
BTN_HUMAN = "☎ Gặp cán bộ"
BTN_ERASE_DATA = "🗑 Xóa dữ liệu cá nhân"

MENU = (
    "Chào bạn! Tôi là trợ lý ảo của {commune}. Tôi có thể:\n"
    "• Trả lời câu hỏi về thủ tục hành chính, VNeID, dịch vụ công trực tuyến\n"
    "• Nhận kiến nghị, phản ánh của bạn gửi Hội đồng nhân dân xã và báo lại kết quả\n"
    "• Tra cứu kiến nghị đã gửi\n\n"
    "Bạn chọn một mục bên dưới, hoặc gõ câu hỏi (có dấu hay không dấu đều được)."
)

MENU_SHORT = (
    "Tôi là trợ lý ảo của {commune}. Bạn chọn một việc bên dưới, "
    "hoặc gõ câu hỏi (không dấu cũng được)."
)

HELP = (
    "Cách dùng trợ lý ảo của {commune}:\n"
    "• Gõ câu hỏi như khi hỏi cán bộ, ví dụ: “làm lại căn cước ở đâu”, "
    "“đăng ký khai sinh online”.\n"
    "• /kiennghi — gửi kiến nghị, phản ánh tới HĐND xã.\n"
    "• /tracuu MÃ — xem kiến nghị đã gửi đến đâu.\n"
    "• /huy — hủy việc đang làm dở.\n"
    "• /menu — về menu chính.\n"
    "• /xoadulieu — xóa thông tin cá nhân bạn đã cung cấp.\n\n"
    "Cần gặp người thật: gọi {hotline} (giờ hành chính) hoặc đến {office}."
)

ASK_MENU = (
    "Bạn muốn hỏi về việc gì? Chọn một mục, hoặc gõ câu hỏi của bạn "
    '(ví dụ: "quên mật khẩu VNeID").'
)
DIGITAL_MENU = "Chuyển đổi số ở xã: bạn muốn tìm hiểu điều gì?"

FLOW_CANCELLED = "Đã hủy. Bạn có thể bắt đầu lại bất cứ lúc nào."
FLOW_EXPIRED = "Việc bạn đang làm dở đã quá lâu không có trả lời nên tôi đã đóng lại."
NOTHING_TO_CANCEL = "Hiện không có việc gì đang làm dở để hủy."
STALE_BUTTON = (
    "Nút bạn vừa bấm thuộc một tin nhắn cũ nên không còn dùng được. "
    "Bạn làm theo tin nhắn mới nhất nhé."
)
FLOW_REMINDER = "Bạn vẫn đang làm dở một việc. Bấm “Làm tiếp” để quay lại, hoặc “Hủy”."
FLOW_REMINDER_HERE = "Bạn vẫn đang làm dở việc này. Trả lời câu hỏi dưới đây, hoặc gõ /huy để hủy."
NOTHING_TO_RESUME = "Hiện không có việc gì đang làm dở."
BTN_CONTINUE = "▶ Làm tiếp"
UNKNOWN_COMMAND = 'Tôi chưa hiểu lệnh "{command}". Các lệnh bạn có thể dùng:'
EMPTY_MESSAGE = "Tôi chưa nhận được nội dung. Bạn gõ câu hỏi, hoặc chọn một mục bên dưới."
UNSUPPORTED_MEDIA = (
    "Tôi chỉ đọc được tin nhắn chữ. Ảnh, tệp hay vị trí bạn chỉ cần gửi khi đang gửi kiến nghị. "
    "Bạn gõ câu hỏi, hoặc chọn một mục bên dưới."
)
ACKNOWLEDGED = "Vâng. Bạn cần gì thêm thì cứ gõ câu hỏi, hoặc chọn một mục bên dưới."


def menu_button() -> Button:
    return Button(text=BTN_MENU, payload="cmd:menu")


def main_menu_buttons() -> list[Button]:
    """At most five buttons: the most Zalo shows under one message."""
    return [
        Button(text=BTN_ASK, payload="menu:ask"),
        Button(text=BTN_PETITION, payload="cmd:kiennghi"),
        Button(text=BTN_TRACK, payload="cmd:tracuu"),
        Button(text=BTN_DIGITAL, payload="menu:digital"),
        Button(text=BTN_HUMAN, payload="topic:contact-human"),
    ]
