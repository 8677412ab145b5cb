"""(Re)build the bundled Word templates: python -m bot.documents.build_templates [DIR].

The templates are ordinary .docx files with docxtpl (Jinja) placeholders, so a commune can open
one in Word, change the wording or the layout, keep the placeholders, and put it in its own
template folder (see README.md beside this file). This script is how the bundled ones are made;
tests check the committed files are what it builds.
"""

from __future__ import annotations

import io
import sys
import zipfile
from pathlib import Path

from docx.document import Document as DocumentObject
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT

from bot.documents.layout import (
    CENTER,
    LEFT,
    clear,
    grid_table,
    merged_row,
    new_document,
    para,
    plain_table,
    rule,
    tag,
)
from bot.documents.render import BUNDLED_DIR

PORTRAIT_WIDTH = 16.5  # cm between the margins of an A4 page (210 - 30 - 15 mm)
LANDSCAPE_WIDTH = 25.2  # 297 - 30 - 15 mm
HEADER_COLS = [6.0, 10.5]
SIGN_COLS = [7.0, 9.5]


def centred(cell, text: str, style: str = "", size: float = 13, before: float = 0):
    return para(cell, [(text, style)], size=size, align=CENTER, first_line=None, after=0,
                before=before, line=1.0)  # fmt: skip


def header_block(doc: DocumentObject) -> None:
    """Issuing body and number on the left, national name, motto, place and date on the right."""
    table = plain_table(doc, 2, HEADER_COLS)
    left, right = (clear(c) for c in table.rows[0].cells)
    tag(left, "{%p if issuer_parent %}")
    centred(left, "{{ issuer_parent }}")
    tag(left, "{%p endif %}")
    centred(left, "{{ issuer_name }}", "b")
    rule(left, 2.2, HEADER_COLS[0])
    centred(right, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "b")
    centred(right, "Độc lập - Tự do - Hạnh phúc", "b", size=14)
    rule(right, 6.4, HEADER_COLS[1])
    left, right = (clear(c) for c in table.rows[1].cells)
    centred(left, "{{ number_line }}", before=6)
    centred(right, "{{ place_date }}", "i", size=14, before=6)


def title_block(doc: DocumentObject, kind: str, subject: str) -> None:
    """The type ("BÁO CÁO") and subject, bold and centred, with a short line under them."""
    para(doc, [(kind, "b")], align=CENTER, first_line=None, before=18, after=0, line=1.0)
    para(doc, [(subject, "b")], align=CENTER, first_line=None, after=2, line=1.0)
    rule(doc, 4.0, PORTRAIT_WIDTH)
    para(doc, "", first_line=None, after=6)


def heading(doc: DocumentObject, text: str, style: str = "b") -> None:
    para(doc, [(text, style)], before=6, keep_next=True)


def signature_block(doc: DocumentObject) -> None:
    """Recipients ("Nơi nhận:") left, the signature right (Phụ lục I, ô 9a and 7a–7c)."""
    para(doc, "", first_line=None, after=0)
    table = plain_table(doc, 1, SIGN_COLS)
    left, right = (clear(c) for c in table.rows[0].cells)
    para(left, [("Nơi nhận:", "bi")], size=12, align=LEFT, first_line=None, after=0, line=1.0)
    tag(left, "{%p for line in recipients %}")
    para(left, "{{ line }}", size=11, align=LEFT, first_line=None, after=0, line=1.0)
    tag(left, "{%p endfor %}")
    tag(right, "{%p for line in signature_lines %}")
    centred(right, "{{ line }}", "b", size=14)
    tag(right, "{%p endfor %}")
    for _ in range(4):
        centred(right, "", size=14)
    centred(right, "{{ signer_name }}", "b", size=14)


def compilation() -> DocumentObject:
    doc = new_document("Báo cáo tổng hợp ý kiến, kiến nghị của cử tri")
    header_block(doc)
    title_block(
        doc,
        "BÁO CÁO",
        "Tổng hợp ý kiến, kiến nghị của cử tri trước kỳ họp thứ {{ session.number }},\n"
        "{{ session.council }} {{ session.term }}",
    )
    para(doc, "{{ intro }}")
    tag(doc, "{%p if not empty %}")
    tag(doc, "{%p for c in committees %}")
    heading(doc, "{{ c.roman }}. LĨNH VỰC DO {{ c.name_upper }} THEO DÕI")
    tag(doc, "{%p for f in c.fields %}")
    heading(doc, "{{ f.name }}", "bi")
    tag(doc, "{%p for i in f.items %}")
    para(doc, "{{ i.stt }}. {{ i.summary }} ({{ i.source }}).")
    tag(doc, "{%p endfor %}")
    tag(doc, "{%p endfor %}")
    tag(doc, "{%p endfor %}")
    tag(doc, "{%p if on_spot %}")
    heading(
        doc, "{{ on_spot_roman }}. Ý KIẾN ĐÃ ĐƯỢC TRẢ LỜI TRỰC TIẾP TẠI HỘI NGHỊ TIẾP XÚC CỬ TRI"
    )
    tag(doc, "{%p for a in on_spot %}")
    para(doc, "{{ a.stt }}. {{ a.summary }} ({{ a.source }}).", after=2, keep_next=True)
    para(doc, [("{{ a.answered_by }} đã trả lời: ", "i"), ("{{ a.answer }}", "i")])
    tag(doc, "{%p endfor %}")
    tag(doc, "{%p endif %}")
    para(
        doc,
        "Trên đây là báo cáo tổng hợp ý kiến, kiến nghị của cử tri trước {{ session.name }}. "
        "Thường trực HĐND đề nghị Ủy ban nhân dân xã và các cơ quan có liên quan xem xét, "
        "giải quyết, trả lời cử tri và báo cáo kết quả tại kỳ họp./.",
    )
    tag(doc, "{%p endif %}")
    signature_block(doc)
    return doc


APPENDIX_COLS = [1.3, 10.2, 4.0, 1.9, 4.9, 2.9]  # = LANDSCAPE_WIDTH
APPENDIX_HEAD = [
    "STT",
    "Nội dung ý kiến, kiến nghị",
    "Địa bàn",
    "Số lượt cử tri",
    "Cơ quan chủ trì giải quyết",
    "Thời hạn trả lời",
]


def appendix() -> DocumentObject:
    doc = new_document("Phụ lục danh mục ý kiến, kiến nghị của cử tri", landscape=True)
    para(doc, [("Phụ lục", "b")], align=CENTER, first_line=None, after=0, line=1.0)
    para(
        doc,
        [("DANH MỤC Ý KIẾN, KIẾN NGHỊ CỦA CỬ TRI TRƯỚC {{ session.name_upper }}", "b")],
        align=CENTER,
        first_line=None,
        after=0,
        line=1.0,
    )
    para(doc, [("{{ attached_note }}", "i")], align=CENTER, first_line=None, after=2, line=1.0)
    rule(doc, 4.0, LANDSCAPE_WIDTH)
    para(doc, "", first_line=None, after=6)
    table = grid_table(doc, 10, APPENDIX_COLS)
    for cell, text in zip(table.rows[0].cells, APPENDIX_HEAD, strict=True):
        centred(clear(cell), text, "b", size=13, before=3).paragraph_format.space_after = 3
        cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
    row_tags = {1: "{%tr for s in sections %}", 3: "{%tr for r in s.rows %}", 5: "{%tr endfor %}"}
    row_tags |= {6: "{%tr endfor %}", 7: "{%tr if empty %}", 9: "{%tr endif %}"}
    for index, text in row_tags.items():
        tag(merged_row(table, index), text)
    sect = merged_row(table, 2)
    para(sect, [("{{ s.roman }}. {{ s.name_upper }}", "b")], size=13, first_line=None, after=0)
    cells = [clear(c) for c in table.rows[4].cells]
    values = ["{{ r.stt }}", "{{ r.summary }}", "{{ r.villages }}", "{{ r.voters }}"]
    values += ["{{ r.responsible }}", "{{ r.due }}"]
    for i, (cell, value) in enumerate(zip(cells, values, strict=True)):
        align = LEFT if i in (1, 2, 4) else CENTER
        para(cell, value, size=13, align=align, first_line=None, before=2, after=2, line=1.0)
    para(
        merged_row(table, 8),
        "Không có ý kiến, kiến nghị nào cần chuyển giải quyết.",
        size=13,
        align=CENTER,
        first_line=None,
        before=2,
        after=2,
    )
    return doc


TALLY_COLS = [1.2, 3.9, 1.6, 2.45, 2.45, 2.45, 2.45]  # = PORTRAIT_WIDTH
TALLY_HEAD = [
    "STT",
    "Lĩnh vực",
    "Tổng số",
    "Đã giải quyết",
    "Đang giải quyết",
    "Đã giải thích, cung cấp thông tin",
    "Chưa giải quyết",
]
TALLY_KEYS = ["total", "resolved", "in_progress", "explained", "unresolved"]


def _tally_table(doc: DocumentObject) -> None:
    table = grid_table(doc, 5, TALLY_COLS)
    for cell, text in zip(table.rows[0].cells, TALLY_HEAD, strict=True):
        centred(clear(cell), text, "b", size=12, before=2).paragraph_format.space_after = 2
        cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
    tag(merged_row(table, 1), "{%tr for t in committee_tallies %}")
    rows = [("{{ t.stt }}", "{{ t.name }}", "t", ""), ("", "{{ overall_tally.name }}", "", "b")]
    for index, (stt, name, var, style) in zip((2, 4), rows, strict=True):
        cells = [clear(c) for c in table.rows[index].cells]
        prefix = var or "overall_tally"
        values = [stt, name] + [f"{{{{ {prefix}.{key} }}}}" for key in TALLY_KEYS]
        for i, (cell, value) in enumerate(zip(cells, values, strict=True)):
            para(cell, [(value, style)], size=12, align=LEFT if i == 1 else CENTER,
                 first_line=None, before=2, after=2, line=1.0)  # fmt: skip
    tag(merged_row(table, 3), "{%tr endfor %}")


def results() -> DocumentObject:
    doc = new_document("Báo cáo kết quả giải quyết ý kiến, kiến nghị của cử tri")
    header_block(doc)
    title_block(
        doc,
        "BÁO CÁO",
        "Kết quả giải quyết ý kiến, kiến nghị của cử tri gửi đến kỳ họp thứ "
        "{{ session.number }},\n{{ session.council }} {{ session.term }}",
    )
    tag(doc, "{%p if empty %}")
    para(
        doc,
        "Không có ý kiến, kiến nghị nào của cử tri được chuyển đến các cơ quan có thẩm quyền "
        "giải quyết trước kỳ họp thứ {{ session.number }}.",
    )
    tag(doc, "{%p else %}")
    para(
        doc,
        "Thường trực HĐND đã chuyển {{ total }} ý kiến, kiến nghị của cử tri đến Ủy ban nhân "
        "dân xã và các cơ quan có liên quan xem xét, giải quyết. "
        "{% if as_of %}Tính đến {{ as_of }}, kết quả{% else %}Kết quả{% endif %} như sau:",
    )
    heading(doc, "I. KẾT QUẢ CHUNG")
    para(doc, "{{ summary }}")
    _tally_table(doc)
    para(doc, "", first_line=None, after=0)
    heading(doc, "II. KẾT QUẢ GIẢI QUYẾT CỤ THỂ")
    tag(doc, "{%p for s in sections %}")
    heading(doc, "{{ s.number }}. Lĩnh vực do {{ s.name }} theo dõi")
    tag(doc, "{%p for i in s.items %}")
    para(
        doc,
        [
            ("{{ i.stt }}. {{ i.summary }} ({{ i.source }})", ""),
            ("{% if i.repeated %} — ý kiến nêu lại, lần đầu tại kỳ họp thứ "
             "{{ i.first_raised }}{% endif %}.", "i"),
        ],
        after=2,
        keep_next=True,
    )  # fmt: skip
    para(doc, [("Cơ quan trả lời: ", "i"), ("{{ i.responsible }}.", "")], after=2)
    para(doc, [("Nội dung trả lời: ", "i"), ("{{ i.answer }}", "")], after=2)
    para(doc, [("Kết quả: ", "i"), ("{{ i.result }}.", "b")])
    tag(doc, "{%p endfor %}")
    tag(doc, "{%p endfor %}")
    heading(doc, "III. Ý KIẾN, KIẾN NGHỊ CỬ TRI NÊU NHIỀU LẦN, CHƯA ĐƯỢC GIẢI QUYẾT DỨT ĐIỂM")
    tag(doc, "{%p if repeated %}")
    tag(doc, "{%p for r in repeated %}")
    para(
        doc,
        "{{ r.n }}. {{ r.summary }} ({{ r.source }}): nêu lần đầu tại kỳ họp thứ "
        "{{ r.first_raised }}; cơ quan giải quyết: {{ r.responsible }}; kết quả: {{ r.result }} "
        "(mục II, số {{ r.stt }}).",
    )
    tag(doc, "{%p endfor %}")
    tag(doc, "{%p else %}")
    para(doc, "Không có ý kiến, kiến nghị nào nêu từ các kỳ họp trước còn chưa được giải quyết.")
    tag(doc, "{%p endif %}")
    para(
        doc,
        "Trên đây là báo cáo kết quả giải quyết ý kiến, kiến nghị của cử tri gửi đến "
        "{{ session.name }}. Thường trực HĐND đề nghị các cơ quan có liên quan tiếp tục giải "
        "quyết dứt điểm các ý kiến, kiến nghị đang giải quyết và chưa giải quyết./.",
    )
    tag(doc, "{%p endif %}")
    signature_block(doc)
    return doc


BUILDERS = {"compilation.docx": compilation, "appendix.docx": appendix, "results.docx": results}


def _reproducible(doc: DocumentObject) -> bytes:
    """The .docx with fixed zip timestamps, so rebuilding an unchanged template changes no byte."""
    raw = io.BytesIO()
    doc.save(raw)
    out = io.BytesIO()
    with zipfile.ZipFile(raw) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=(2020, 3, 5, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(fixed, src.read(info.filename))
    return out.getvalue()


def build(directory: Path = BUNDLED_DIR) -> list[Path]:
    """Write the three templates into ``directory``; return their paths."""
    directory.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, builder in BUILDERS.items():
        path = directory / name
        path.write_bytes(_reproducible(builder()))
        paths.append(path)
    return paths


if __name__ == "__main__":
    for path in build(Path(sys.argv[1]) if len(sys.argv) > 1 else BUNDLED_DIR):
        print(path)
