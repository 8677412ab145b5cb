"""A fictional session's documents, for the README picture and for trying a template.

The commune, villages and officials are the sample profile's inventions; no real person appears.
"""

from __future__ import annotations

import datetime as dt

from handlers.council.documents import (
    Appendix,
    AppendixRow,
    AppendixSection,
    CommitteeSection,
    CompilationReport,
    CompiledItem,
    DocumentHeader,
    FieldSection,
    IssuingBody,
    Resolution,
    ResultItem,
    ResultSection,
    ResultsReport,
    SessionInfo,
    Signature,
    SpotAnswer,
)

ECONOMY = "Ban Kinh tế - Ngân sách"
SOCIETY = "Ban Văn hóa - Xã hội"
SESSION = SessionInfo(
    number=9, council="HĐND xã Tân Phú An", term="khóa XXI, nhiệm kỳ 2021–2026",
    date=dt.date(2026, 12, 17),
)  # fmt: skip
ISSUER = IssuingBody(
    parent="HĐND xã Tân Phú An", name="Thường trực", in_text="Thường trực HĐND xã Tân Phú An"
)
SIGNATURE = Signature(name="Trần Văn Mẫu")
RECIPIENTS = (
    "UBND xã",
    "Ban Thường trực Ủy ban MTTQ Việt Nam xã",
    "Các đại biểu HĐND xã",
    "Lưu: VT",
)


def header(symbol: str = "BC-HĐND", issued: dt.date = dt.date(2026, 12, 2)) -> DocumentHeader:
    return DocumentHeader(
        issuer=ISSUER, place="Tân Phú An", signature=SIGNATURE, symbol=symbol, issued=issued,
        recipients=RECIPIENTS,
    )  # fmt: skip


ROAD = CompiledItem(
    "Đề nghị sửa chữa, nâng cấp tuyến đường liên thôn từ Thôn 1 đi Thôn 3, mặt đường xuống "
    "cấp, nhiều ổ gà gây mất an toàn giao thông vào mùa mưa.",
    ("Thôn 1", "Thôn 3"),
    3,
)
CANAL = CompiledItem(
    "Đề nghị nạo vét kênh mương nội đồng Thôn 2 trước vụ Đông Xuân để bảo đảm nước tưới.",
    ("Thôn 2",),
    2,
)
LIGHTS = CompiledItem(
    "Đề nghị lắp đặt đèn chiếu sáng công cộng tại ngã ba chợ Thôn 4.", ("Thôn 4",)
)
LAND = CompiledItem(
    "Đề nghị sớm cấp giấy chứng nhận quyền sử dụng đất cho các hộ đã nộp hồ sơ từ năm 2024.",
    ("Thôn 1", "Thôn 2"),
    2,
)
SCHOOL = CompiledItem(
    "Đề nghị sửa chữa nhà vệ sinh của điểm trường mẫu giáo Thôn 3.", ("Thôn 3",), 2
)
INSURANCE = CompiledItem(
    "Đề nghị hướng dẫn người dân gia hạn thẻ bảo hiểm y tế hộ gia đình trên ứng dụng VNeID.",
    ("Thôn 4",),
)


def compilation() -> CompilationReport:
    return CompilationReport(
        header=header(),
        session=SESSION,
        meetings=4,
        voters_attending=236,
        first_meeting=dt.date(2026, 11, 24),
        last_meeting=dt.date(2026, 11, 27),
        sections=(
            CommitteeSection(
                ECONOMY,
                (
                    FieldSection("Giao thông, thủy lợi", (ROAD, CANAL)),
                    FieldSection("Điện, chiếu sáng", (LIGHTS,)),
                    FieldSection("Đất đai, môi trường", (LAND,)),
                ),
            ),
            CommitteeSection(
                SOCIETY,
                (
                    FieldSection("Giáo dục", (SCHOOL,)),
                    FieldSection("Y tế, bảo hiểm", (INSURANCE,)),
                ),
            ),
        ),
        answered_on_spot=(
            SpotAnswer(
                "Hỏi thời gian chi trả trợ cấp cho người cao tuổi tháng 12.",
                "Công chức Văn hóa - Xã hội",
                "Trợ cấp tháng 12 được chi trả tại nhà văn hóa các thôn từ ngày 05/12/2026.",
                ("Thôn 2",),
            ),
        ),
    )


def appendix() -> Appendix:
    due = dt.date(2027, 1, 15)
    return Appendix(
        header=header(symbol="HĐND", issued=dt.date(2026, 12, 3)),
        session=SESSION,
        sections=(
            AppendixSection(
                ECONOMY,
                tuple(
                    AppendixRow(i.summary, body, i.villages, i.voters, due)
                    for i, body in (
                        (ROAD, "UBND xã"),
                        (CANAL, "UBND xã; HTX nông nghiệp"),
                        (LIGHTS, "UBND xã"),
                        (LAND, "UBND xã; Văn phòng đăng ký đất đai"),
                    )
                ),
            ),
            AppendixSection(
                SOCIETY,
                tuple(
                    AppendixRow(i.summary, "UBND xã", i.villages, i.voters, due)
                    for i in (SCHOOL, INSURANCE)
                ),
            ),
        ),
    )


def results() -> ResultsReport:
    return ResultsReport(
        header=header(issued=dt.date(2026, 12, 14)),
        session=SESSION,
        as_of=dt.date(2026, 12, 12),
        sections=(
            ResultSection(
                ECONOMY,
                (
                    ResultItem(
                        ROAD.summary, "UBND xã", "Đã đưa vào kế hoạch đầu tư công năm 2027.",
                        Resolution.IN_PROGRESS, ROAD.villages, ROAD.voters,
                        plan="khởi công trong quý II/2027", deadline=dt.date(2027, 6, 30),
                        first_raised_session=7,
                    ),
                    ResultItem(
                        CANAL.summary, "UBND xã", "Đã nạo vét xong 1,2 km kênh ngày 05/12/2026.",
                        Resolution.RESOLVED, CANAL.villages, CANAL.voters,
                    ),
                    ResultItem(LIGHTS.summary, "UBND xã", villages=LIGHTS.villages),
                    ResultItem(
                        LAND.summary, "UBND xã",
                        "Hồ sơ cần bổ sung trích đo; UBND xã đã thông báo từng hộ.",
                        Resolution.EXPLAINED, LAND.villages, LAND.voters,
                    ),
                ),
            ),
            ResultSection(
                SOCIETY,
                (
                    ResultItem(
                        SCHOOL.summary, "UBND xã", "Chưa bố trí được kinh phí năm 2026.",
                        Resolution.UNRESOLVED, SCHOOL.villages, SCHOOL.voters,
                        first_raised_session=8,
                    ),
                    ResultItem(
                        INSURANCE.summary, "BHXH khu vực",
                        "Đã tổ chức hướng dẫn tại nhà văn hóa Thôn 4.", Resolution.RESOLVED,
                        INSURANCE.villages,
                    ),
                ),
            ),
        ),
    )  # fmt: skip
