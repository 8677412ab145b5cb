"""The compilation report opened back with python-docx: Decree 30 layout, groups, counts, lượt."""

from __future__ import annotations

import datetime as dt

from docx.enum.section import WD_ORIENT
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from bot.documents import render_appendix, render_compilation, render_results, sample
from handlers.council.documents import (
    CommitteeSection,
    CompiledItem,
    FieldSection,
    Signature,
    SpotAnswer,
    group_by,
)
from tests.documents.models import empty_compilation, header
from tests.documents.reading import blocks, body_paragraphs, lines, open_docx, table_rows

TNR = "Times New Roman"


def _mm(length) -> float:
    return round(length / Mm(1), 1)


def test_a4_portrait_with_the_decrees_margins_and_a_landscape_appendix():
    for data in (render_compilation(sample.compilation()), render_results(sample.results())):
        section = open_docx(data).sections[0]
        assert (_mm(section.page_width), _mm(section.page_height)) == (210, 297)
        assert 20 <= _mm(section.top_margin) <= 25
        assert 20 <= _mm(section.bottom_margin) <= 25
        assert 30 <= _mm(section.left_margin) <= 35
        assert 15 <= _mm(section.right_margin) <= 20
    appendix = open_docx(render_appendix(sample.appendix())).sections[0]
    assert appendix.orientation == WD_ORIENT.LANDSCAPE
    assert (_mm(appendix.page_width), _mm(appendix.page_height)) == (297, 210)
    assert 30 <= _mm(appendix.left_margin) <= 35


def test_times_new_roman_everywhere_and_sizes_within_the_decrees_range():
    doc = open_docx(render_compilation(sample.compilation()))
    fonts = doc.styles.element.find(qn("w:docDefaults")).find(".//" + qn("w:rFonts"))
    assert {fonts.get(qn(s)) for s in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs")} == {TNR}
    normal = doc.styles["Normal"].font
    assert normal.name == TNR and normal.size == Pt(14)
    sizes = set()
    for block in blocks(doc):
        paragraphs = (
            [block] if hasattr(block, "runs") else [p for c in block._cells for p in c.paragraphs]
        )
        for p in paragraphs:
            for run in p.runs:
                assert run.font.name in (None, TNR)
                if run.text.strip():
                    sizes.add((run.font.size or normal.size).pt)
    assert sizes <= {11, 12, 13, 14}
    assert 14 in sizes and 11 in sizes  # body and the "Nơi nhận:" entries


def _header_cells(doc):
    table = doc.tables[0]
    cells = [cell for row in table.rows for cell in row.cells]
    return [[p for p in cell.paragraphs if p.text.strip()] for cell in cells]


def test_the_header_is_a_borderless_two_column_table_with_the_decrees_texts():
    doc = open_docx(render_compilation(sample.compilation()))
    issuer, national, number, date = _header_cells(doc)
    assert [p.text for p in issuer] == ["HĐND XÃ TÂN PHÚ AN", "THƯỜNG TRỰC"]
    assert issuer[1].runs[0].bold and not issuer[0].runs[0].bold
    assert [p.text for p in national] == [
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
    ]
    assert national[0].runs[0].bold and national[0].runs[0].font.size == Pt(13)
    assert national[1].runs[0].bold and national[1].runs[0].font.size == Pt(14)
    assert number[0].text.replace("\u00a0", " ").split() == ["Số:", "/BC-HĐND"]
    assert date[0].text == "Tân Phú An, ngày 02 tháng 12 năm 2026"
    assert date[0].runs[0].italic
    assert doc.tables[0]._tbl.tblPr.find(qn("w:tblBorders")) is None
    # the short line under the issuer and the line under the motto are paragraph borders
    for cell in doc.tables[0].rows[0].cells:
        assert cell._tc.xpath(".//w:pBdr/w:bottom")


def test_a_given_number_and_the_kt_signature_variant():
    model = empty_compilation(
        header=header(
            number="12",
            signature=Signature("PHÓ CHỦ TỊCH", deputy_for="Chủ tịch", name="Lê Thị Ký"),
        )
    )
    doc = open_docx(render_compilation(model))
    text = lines(doc)
    assert "Số: 12/BC-HĐND" in text
    sign = table_rows(doc.tables[-1])[0][1].split("\n")
    assert [s for s in sign if s] == [
        "TM. THƯỜNG TRỰC HĐND",
        "KT. CHỦ TỊCH",
        "PHÓ CHỦ TỊCH",
        "Lê Thị Ký",
    ]


def test_title_and_the_closing_blocks_recipients_and_signature():
    doc = open_docx(render_compilation(sample.compilation()))
    text = lines(doc)
    title = text.index("BÁO CÁO")
    assert text[title + 1] == (
        "Tổng hợp ý kiến, kiến nghị của cử tri trước kỳ họp thứ 9,\n"
        "HĐND xã Tân Phú An khóa XXI, nhiệm kỳ 2021–2026"
    )
    recipients, signature = doc.tables[-1].rows[0].cells
    paragraphs = [p for p in recipients.paragraphs if p.text]
    assert paragraphs[0].text == "Nơi nhận:"
    assert paragraphs[0].runs[0].bold and paragraphs[0].runs[0].italic
    assert paragraphs[0].runs[0].font.size == Pt(12)
    assert [p.text for p in paragraphs[1:]] == [
        "- UBND xã;",
        "- Ban Thường trực Ủy ban MTTQ Việt Nam xã;",
        "- Các đại biểu HĐND xã;",
        "- Lưu: VT.",
    ]
    assert {r.font.size for p in paragraphs[1:] for r in p.runs} == {Pt(11)}
    signed = [p.text for p in signature.paragraphs if p.text]
    assert signed == ["TM. THƯỜNG TRỰC HĐND", "CHỦ TỊCH", "Trần Văn Mẫu"]
    assert blocks(doc)[-1]._element is doc.tables[-1]._tbl  # the signature block ends it


def test_page_numbers_from_the_second_page_in_the_top_margin():
    section = open_docx(render_compilation(sample.compilation())).sections[0]
    assert section.different_first_page_header_footer
    header_xml = section.header._element.xml
    assert "PAGE" in header_xml and "fldChar" in header_xml
    assert "PAGE" not in section.first_page_header._element.xml


def _entries():
    """Items as the workflow would list them: unordered, with committee and field."""
    economy, society = "Ban Kinh tế - Ngân sách", "Ban Văn hóa - Xã hội"
    return [
        (society, "Giáo dục", CompiledItem("Sửa nhà vệ sinh trường mẫu giáo", ("Thôn 3",), 2)),
        (economy, "Đất đai", CompiledItem("Cấp giấy chứng nhận quyền sử dụng đất", ("Thôn 2",))),
        (economy, "Giao thông", CompiledItem("Sửa đường liên thôn.", ("Thôn 1", "Thôn 3"), 3)),
        (society, "Y tế", CompiledItem("Hướng dẫn gia hạn bảo hiểm y tế", ())),
        (economy, "Giao thông", CompiledItem("Nạo vét kênh mương", ("Thôn 2",), 2)),
    ]


def _sections(committees, fields):
    sections = []
    for committee, entries in group_by(_entries(), lambda e: e[0], committees):
        by_field = group_by(entries, lambda e: e[1], fields)
        sections.append(
            CommitteeSection(
                committee,
                tuple(FieldSection(name, tuple(e[2] for e in es)) for name, es in by_field),
            )
        )
    return tuple(sections)


def test_items_grouped_by_committee_in_profile_order_then_field_with_running_stt():
    sections = _sections(
        ["Ban Kinh tế - Ngân sách", "Ban Văn hóa - Xã hội"], ["Giao thông", "Đất đai", "Giáo dục"]
    )
    model = empty_compilation(meetings=3, voters_attending=1250, sections=sections)
    text = lines(open_docx(render_compilation(model)))
    start = next(i for i, t in enumerate(text) if t.startswith("I. "))
    end = next(i for i, t in enumerate(text) if t.startswith("Trên đây"))
    assert text[start:end] == [
        "I. LĨNH VỰC DO BAN KINH TẾ - NGÂN SÁCH THEO DÕI",
        "Giao thông",
        "1. Sửa đường liên thôn (Thôn 1, Thôn 3; 3 lượt cử tri).",
        "2. Nạo vét kênh mương (Thôn 2; 2 lượt cử tri).",
        "Đất đai",
        "3. Cấp giấy chứng nhận quyền sử dụng đất (Thôn 2; 1 lượt cử tri).",
        "II. LĨNH VỰC DO BAN VĂN HÓA - XÃ HỘI THEO DÕI",
        "Giáo dục",
        "4. Sửa nhà vệ sinh trường mẫu giáo (Thôn 3; 2 lượt cử tri).",
        "Y tế",
        "5. Hướng dẫn gia hạn bảo hiểm y tế (1 lượt cử tri).",
    ]
    intro = next(t for t in text if t.startswith("Thực hiện"))
    assert "3 hội nghị tiếp xúc cử tri, với 1.250 lượt cử tri tham dự" in intro
    assert "có 9 lượt ý kiến, kiến nghị" in intro  # 2 + 1 + 3 + 1 + 2
    assert "còn 5 ý kiến, kiến nghị đề nghị" in intro
    assert not any("TRẢ LỜI TRỰC TIẾP" in t for t in text)  # nothing was answered on the spot


def test_committee_headings_are_bold_and_fields_bold_italic():
    doc = open_docx(render_compilation(sample.compilation()))
    paragraphs = {p.text: p for p in body_paragraphs(doc)}
    heading = paragraphs["I. LĨNH VỰC DO BAN KINH TẾ - NGÂN SÁCH THEO DÕI"]
    assert all(r.bold for r in heading.runs)
    field = paragraphs["Giao thông, thủy lợi"]
    assert all(r.bold and r.italic for r in field.runs)


def test_the_answered_on_spot_section_follows_the_committees():
    model = sample.compilation()
    text = lines(open_docx(render_compilation(model)))
    heading = text.index("III. Ý KIẾN ĐÃ ĐƯỢC TRẢ LỜI TRỰC TIẾP TẠI HỘI NGHỊ TIẾP XÚC CỬ TRI")
    assert text.index("II. LĨNH VỰC DO BAN VĂN HÓA - XÃ HỘI THEO DÕI") < heading
    assert text[heading + 1] == (
        "1. Hỏi thời gian chi trả trợ cấp cho người cao tuổi tháng 12 (Thôn 2; 1 lượt cử tri)."
    )
    assert text[heading + 2] == (
        "Công chức Văn hóa - Xã hội đã trả lời: Trợ cấp tháng 12 được chi trả tại nhà văn hóa "
        "các thôn từ ngày 05/12/2026."
    )
    intro = next(t for t in text if t.startswith("Thực hiện"))
    assert "từ ngày 24/11/2026 đến ngày 27/11/2026" in intro
    assert "còn 7 ý kiến, kiến nghị; trong đó 1 ý kiến đã được trả lời trực tiếp" in intro
    assert "6 ý kiến, kiến nghị đề nghị" in intro


def test_a_session_with_only_on_spot_answers_has_them_as_section_i():
    model = empty_compilation(
        answered_on_spot=(SpotAnswer("Hỏi lịch họp", "Trưởng thôn", "Thứ Bảy", ("Thôn 4",)),)
    )
    text = lines(open_docx(render_compilation(model)))
    assert "I. Ý KIẾN ĐÃ ĐƯỢC TRẢ LỜI TRỰC TIẾP TẠI HỘI NGHỊ TIẾP XÚC CỬ TRI" in text
    assert any("tất cả đã được trả lời trực tiếp tại hội nghị" in t for t in text)


def test_an_empty_session_renders_a_short_honest_report():
    doc = open_docx(render_compilation(empty_compilation(first_meeting=dt.date(2026, 11, 24))))
    text = lines(doc)
    intro = next(t for t in text if t.startswith("Thực hiện"))
    assert "2 hội nghị tiếp xúc cử tri, với 80 lượt cử tri tham dự" in intro
    assert intro.endswith("Không có ý kiến, kiến nghị nào của cử tri gửi đến kỳ họp thứ 9.")
    assert not any(t.startswith(("I. ", "1. ", "Trên đây")) for t in text)
    assert "BÁO CÁO" in text and "TM. THƯỜNG TRỰC HĐND" in "\n".join(text)
    no_meetings = lines(open_docx(render_compilation(empty_compilation(meetings=0))))
    assert "Không có ý kiến, kiến nghị nào của cử tri gửi đến kỳ họp thứ 9." in no_meetings
    assert not any("hội nghị tiếp xúc cử tri, với" in t for t in no_meetings)


def test_a_committee_without_items_is_left_out_and_the_numbering_closes_up():
    sections = (
        CommitteeSection("Ban Pháp chế", (FieldSection("An ninh", ()),)),
        *_sections(["Ban Kinh tế - Ngân sách", "Ban Văn hóa - Xã hội"], []),
    )
    text = lines(open_docx(render_compilation(empty_compilation(sections=sections))))
    headings = [t for t in text if t.endswith("THEO DÕI")]
    assert headings == [
        "I. LĨNH VỰC DO BAN KINH TẾ - NGÂN SÁCH THEO DÕI",
        "II. LĨNH VỰC DO BAN VĂN HÓA - XÃ HỘI THEO DÕI",
    ]
    assert not any("An ninh" in t or "PHÁP CHẾ" in t for t in text)
