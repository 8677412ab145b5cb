"""The appendix table and the results report opened back: rows, classes, shares, repeats."""

from __future__ import annotations

import datetime as dt

from docx.oxml.ns import qn

from bot.documents import render_appendix, render_compilation, render_results, sample
from handlers.council.documents import Appendix, Resolution, ResultSection
from tests.documents.models import SESSION, header, result, results_report
from tests.documents.reading import lines, open_docx, table_rows


def test_appendix_lists_every_item_with_place_body_and_due_date_by_committee():
    doc = open_docx(render_appendix(sample.appendix()))
    text = lines(doc)
    assert text[:2] == [
        "Phụ lục",
        "DANH MỤC Ý KIẾN, KIẾN NGHỊ CỦA CỬ TRI TRƯỚC KỲ HỌP THỨ 9, HĐND XÃ TÂN PHÚ AN KHÓA XXI, "
        "NHIỆM KỲ 2021–2026",
    ]
    note = " ".join(text[2].replace("\u00a0", " ").split())
    assert note == (
        "(Kèm theo Công văn số /HĐND ngày 03 tháng 12 năm 2026 của Thường trực HĐND xã Tân Phú An)"
    )
    rows = table_rows(doc.tables[0])
    assert rows[0] == [
        "STT",
        "Nội dung ý kiến, kiến nghị",
        "Địa bàn",
        "Số lượt cử tri",
        "Cơ quan chủ trì giải quyết",
        "Thời hạn trả lời",
    ]
    assert rows[1] == ["I. BAN KINH TẾ - NGÂN SÁCH"]
    assert rows[2] == [
        "1",
        sample.ROAD.summary.rstrip("."),
        "Thôn 1, Thôn 3",
        "3",
        "UBND xã",
        "15/01/2027",
    ]
    assert rows[6] == ["II. BAN VĂN HÓA - XÃ HỘI"]
    assert [r[0] for r in rows[2:]] == ["1", "2", "3", "4", "II. BAN VĂN HÓA - XÃ HỘI", "5", "6"]
    assert len(rows) == 9  # no leftover loop rows, no "empty" row
    # the header row repeats on every page and rows do not split across pages
    first = doc.tables[0].rows[0]._tr.trPr
    assert first.find(qn("w:tblHeader")) is not None
    assert all(r._tr.trPr.find(qn("w:cantSplit")) is not None for r in doc.tables[0].rows)


def test_the_same_ordering_gives_an_item_the_same_stt_in_compilation_and_appendix():
    compiled = lines(open_docx(render_compilation(sample.compilation())))
    listed = table_rows(open_docx(render_appendix(sample.appendix())).tables[0])
    numbered = {r[0]: r[1] for r in listed if r[0].isdigit()}
    for stt, summary in numbered.items():
        assert any(t.startswith(f"{stt}. {summary} (") for t in compiled), stt


def test_an_empty_appendix_says_so_in_the_table():
    doc = open_docx(render_appendix(Appendix(header(symbol="HĐND"), SESSION)))
    rows = table_rows(doc.tables[0])
    assert rows[1:] == [["Không có ý kiến, kiến nghị nào cần chuyển giải quyết."]]


def _report():
    economy = ResultSection(
        "Ban Kinh tế - Ngân sách",
        (
            result(
                "Sửa đường liên thôn",
                Resolution.IN_PROGRESS,
                7,
                plan="làm trong quý II/2027",
                deadline=dt.date(2027, 6, 30),
            ),
            result("Nạo vét kênh", Resolution.RESOLVED, 7),
            result("Lắp đèn đường", None, answer=""),
            result("Cấp giấy đất", Resolution.EXPLAINED),
        ),
    )
    society = ResultSection(
        "Ban Văn hóa - Xã hội",
        (
            result("Sửa trường mẫu giáo", Resolution.UNRESOLVED, 8),
            result("Hướng dẫn bảo hiểm", Resolution.RESOLVED),
            result("Sân chơi thiếu nhi", Resolution.RESOLVED),
        ),
    )
    return results_report((economy, society))


def test_results_count_each_class_with_shares_overall_and_per_committee():
    doc = open_docx(render_results(_report()))
    text = lines(doc)
    assert any(
        t.startswith("Thường trực HĐND đã chuyển 7 ý kiến, kiến nghị")
        and "Tính đến ngày 12 tháng 12 năm 2026" in t
        for t in text
    )
    summary = next(t for t in text if t.startswith("Tổng số"))
    assert summary == (
        "Tổng số 7 ý kiến, kiến nghị: đã giải quyết 3 (42,9%); đang giải quyết 1 (14,3%); "
        "đã giải thích, cung cấp thông tin 1 (14,3%); chưa giải quyết 2 (28,6%). "
        "Trong số chưa giải quyết có 1 ý kiến, kiến nghị chưa có văn bản trả lời."
    )
    tally = table_rows(doc.tables[1])
    assert tally[0] == [
        "STT",
        "Lĩnh vực",
        "Tổng số",
        "Đã giải quyết",
        "Đang giải quyết",
        "Đã giải thích, cung cấp thông tin",
        "Chưa giải quyết",
    ]
    assert tally[1:] == [
        ["1", "Ban Kinh tế - Ngân sách", "4", "1 (25,0%)", "1 (25,0%)", "1 (25,0%)", "1 (25,0%)"],
        ["2", "Ban Văn hóa - Xã hội", "3", "2 (66,7%)", "0 (0%)", "0 (0%)", "1 (33,3%)"],
        ["", "Tổng cộng", "7", "3 (42,9%)", "1 (14,3%)", "1 (14,3%)", "2 (28,6%)"],
    ]


def test_each_item_has_its_answer_and_class():
    text = lines(open_docx(render_results(_report())))
    first = text.index(
        "1. Sửa đường liên thôn (1 lượt cử tri) — ý kiến nêu lại, lần đầu tại kỳ họp thứ 7."
    )
    assert text[first + 1 : first + 4] == [
        "Cơ quan trả lời: UBND xã.",
        "Nội dung trả lời: Trả lời.",
        "Kết quả: Đang giải quyết (kế hoạch: làm trong quý II/2027; thời hạn: 30/06/2027).",
    ]
    lamp = text.index("3. Lắp đèn đường (1 lượt cử tri).")
    assert text[lamp + 2 : lamp + 4] == [
        "Nội dung trả lời: Chưa có văn bản trả lời.",
        "Kết quả: Chưa giải quyết (chưa có văn bản trả lời).",
    ]
    assert "Kết quả: Đã giải thích, cung cấp thông tin." in text
    assert text.index("1. Lĩnh vực do Ban Kinh tế - Ngân sách theo dõi") < lamp
    assert text.index("2. Lĩnh vực do Ban Văn hóa - Xã hội theo dõi") > lamp


def test_open_items_from_earlier_sessions_are_called_out_as_repeated():
    text = lines(open_docx(render_results(_report())))
    heading = text.index(
        "III. Ý KIẾN, KIẾN NGHỊ CỬ TRI NÊU NHIỀU LẦN, CHƯA ĐƯỢC GIẢI QUYẾT DỨT ĐIỂM"
    )
    closing = next(i for i, t in enumerate(text) if t.startswith("Trên đây"))
    assert text[heading + 1 : closing] == [
        "1. Sửa đường liên thôn (1 lượt cử tri): nêu lần đầu tại kỳ họp thứ 7; cơ quan giải "
        "quyết: UBND xã; kết quả: Đang giải quyết (kế hoạch: làm trong quý II/2027; thời hạn: "
        "30/06/2027) (mục II, số 1).",
        "2. Sửa trường mẫu giáo (1 lượt cử tri): nêu lần đầu tại kỳ họp thứ 8; cơ quan giải "
        "quyết: UBND xã; kết quả: Chưa giải quyết (mục II, số 5).",
    ]
    # the kênh, raised at session 7 too, is resolved: not called out
    assert not any("Nạo vét kênh" in t for t in text[heading:closing])


def test_no_repeated_items_and_an_empty_results_report():
    fresh = ResultSection("Ban Kinh tế - Ngân sách", (result("Mới", Resolution.RESOLVED),))
    text = lines(open_docx(render_results(results_report((fresh,)))))
    assert (
        "Không có ý kiến, kiến nghị nào nêu từ các kỳ họp trước còn chưa được giải quyết." in text
    )
    empty = lines(open_docx(render_results(results_report(()))))
    assert (
        "Không có ý kiến, kiến nghị nào của cử tri được chuyển đến các cơ quan có thẩm quyền giải "
        "quyết trước kỳ họp thứ 9." in empty
    )
    assert not any(t.startswith(("I. ", "Tổng số")) for t in empty)
    assert len(open_docx(render_results(results_report(()))).tables) == 2  # header + signature
