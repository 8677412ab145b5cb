"""Building blocks of a Decree 30/2020/NĐ-CP page, used by build_templates.py.

Phụ lục I of the decree: A4, margins top/bottom 20–25 mm, left 30–35 mm, right 15–20 mm; Times New
Roman; the issuing body (parent upright, name bold, caps 12–13 pt) top left with a short line under
it and the number under that; the national name (bold caps 12–13 pt) top right over the motto
(bold 13–14 pt) with a line as long as the motto, the place and date (italic 13–14 pt) centred
under them; the document type (bold caps) and its subject (bold) centred with a short line; the
body 13–14 pt justified; at the end "Nơi nhận:" (bold italic 12 pt, entries 11 pt) on the left
and the signature block (bold caps 13–14 pt) on the right; page numbers centred in the top margin
from the second page on.
"""

from __future__ import annotations

from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.oxml.xmlchemy import BaseOxmlElement
from docx.shared import Cm, Mm, Pt
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph

FONT = "Times New Roman"
BODY_PT = 14
Run = tuple[str, str]  # (text, style letters: "b" bold, "i" italic, "u" caps via upper())

LEFT = WD_ALIGN_PARAGRAPH.LEFT
CENTER = WD_ALIGN_PARAGRAPH.CENTER
JUSTIFY = WD_ALIGN_PARAGRAPH.JUSTIFY


def new_document(title: str, *, landscape: bool = False) -> DocumentObject:
    """An empty A4 document with the decree's margins, fonts and page numbers."""
    doc = Document()
    props = doc.core_properties
    props.title, props.author, props.comments, props.language = title, "", "", "vi-VN"
    section = doc.sections[0]
    if landscape:
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = Mm(297), Mm(210)
    else:
        section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin = Mm(20)
    section.bottom_margin = Mm(20)
    section.left_margin = Mm(30)
    section.right_margin = Mm(15)
    section.header_distance = Mm(10)
    section.footer_distance = Mm(10)
    _set_default_font(doc)
    # page numbers in the top margin, not on the first page (Phụ lục I, I.7)
    section.different_first_page_header_footer = True
    section.first_page_header.is_linked_to_previous = False
    header = section.header.paragraphs[0]
    header.alignment = CENTER
    _page_field(header)
    return doc


def _set_default_font(doc: DocumentObject) -> None:
    """Times New Roman for every script (Word picks the east-Asian slot for some diacritics)."""
    defaults = doc.styles.element.find(qn("w:docDefaults"))
    rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in list(fonts.attrib):
        del fonts.attrib[attr]
    for slot in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(slot), FONT)
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:val"), "vi-VN")
    normal = doc.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(BODY_PT)
    normal.element.rPr.rFonts.set(qn("w:eastAsia"), FONT)
    normal.element.rPr.rFonts.set(qn("w:cs"), FONT)
    fmt = normal.paragraph_format
    fmt.space_before = Pt(0)
    fmt.space_after = Pt(0)
    fmt.line_spacing = 1.0


def _page_field(paragraph: Paragraph) -> None:
    """A PAGE field, 13 pt upright."""
    run = paragraph.add_run()
    run.font.size = Pt(13)
    for kind, text in (("begin", None), ("instr", " PAGE "), ("separate", None), ("end", None)):
        if kind == "instr":
            el = OxmlElement("w:instrText")
            el.set(qn("xml:space"), "preserve")
            el.text = text
        else:
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), kind)
        run._r.append(el)
        if kind == "separate":
            t = OxmlElement("w:t")
            t.text = "2"
            run._r.append(t)


def add_runs(paragraph: Paragraph, runs: list[Run], size: float) -> Paragraph:
    for text, style in runs:
        run = paragraph.add_run(text)
        run.bold = "b" in style
        run.italic = "i" in style
        run.font.size = Pt(size)
    return paragraph


def para(
    container: DocumentObject | _Cell,
    runs: list[Run] | str,
    *,
    size: float = BODY_PT,
    align: int = JUSTIFY,
    first_line: float | None = 1.27,
    before: float = 0,
    after: float = 6,
    line: float = 1.15,
    keep_next: bool = False,
) -> Paragraph:
    """A paragraph of ``runs`` ("text" alone is one upright run)."""
    if isinstance(runs, str):
        runs = [(runs, "")]
    p = container.add_paragraph()
    fmt = p.paragraph_format
    p.alignment = align
    fmt.first_line_indent = Cm(first_line) if first_line else None
    fmt.space_before = Pt(before)
    fmt.space_after = Pt(after)
    fmt.line_spacing = line
    fmt.keep_with_next = keep_next
    return add_runs(p, runs, size)


def tag(container: DocumentObject | _Cell, text: str) -> Paragraph:
    """A paragraph holding only a docxtpl block tag ({%p for … %}); it vanishes when rendered."""
    return para(container, text, first_line=None, after=0, line=1.0, size=10)


def rule(container: DocumentObject | _Cell, length_cm: float, width_cm: float) -> Paragraph:
    """A centred horizontal line ``length_cm`` long in a column ``width_cm`` wide.

    Drawn as the bottom border of an empty 4-pt paragraph whose indents make it that long, so it
    stays in place when Word or LibreOffice reflows the page.
    """
    p = container.add_paragraph()
    side = max((width_cm - length_cm) / 2, 0)
    fmt = p.paragraph_format
    fmt.left_indent = Cm(side)
    fmt.right_indent = Cm(side)
    fmt.space_before = Pt(0)
    fmt.space_after = Pt(0)
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = Pt(4)
    borders = OxmlElement("w:pBdr")
    borders.append(_border("w:bottom", "6", space="1"))
    p._p.get_or_add_pPr().insert_element_before(borders, *_PPR_AFTER_BORDER)
    return p


# the elements a paragraph's, a table's and a row's properties may hold after the one we insert
# (WordprocessingML fixes their order; Word refuses a file with them out of order)
_PPR_AFTER_BORDER = (
    "w:shd", "w:tabs", "w:suppressAutoHyphens", "w:kinsoku", "w:wordWrap", "w:overflowPunct",
    "w:topLinePunct", "w:autoSpaceDE", "w:autoSpaceDN", "w:bidi", "w:adjustRightInd",
    "w:snapToGrid", "w:spacing", "w:ind", "w:contextualSpacing", "w:mirrorIndents",
    "w:suppressOverlap", "w:jc", "w:textDirection", "w:textAlignment", "w:textboxTightWrap",
    "w:outlineLvl", "w:divId", "w:cnfStyle", "w:rPr", "w:sectPr", "w:pPrChange",
)  # fmt: skip
_TBLPR_AFTER_BORDERS = ("w:shd", "w:tblLayout", "w:tblCellMar", "w:tblLook")
_TRPR_AFTER_CANTSPLIT = ("w:trHeight", "w:tblHeader", "w:tblCellSpacing", "w:jc", "w:hidden")
_TRPR_AFTER_HEADER = ("w:tblCellSpacing", "w:jc", "w:hidden")


def _border(tag: str, size: str, space: str = "0") -> BaseOxmlElement:
    el = OxmlElement(tag)
    for key, value in (
        ("w:val", "single"),
        ("w:sz", size),
        ("w:space", space),
        ("w:color", "000000"),
    ):
        el.set(qn(key), value)
    return el


def plain_table(doc: DocumentObject, rows: int, widths_cm: list[float]) -> Table:
    """A borderless table with fixed column widths (the header and the signature block)."""
    table = doc.add_table(rows=rows, cols=len(widths_cm))
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    _fix_widths(table, widths_cm)
    return table


def grid_table(doc: DocumentObject, rows: int, widths_cm: list[float]) -> Table:
    """A table with single black borders, the first row repeated on every page, rows unsplit."""
    table = plain_table(doc, rows, widths_cm)
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        borders.append(_border(f"w:{edge}", "4"))
    table._tbl.tblPr.insert_element_before(borders, *_TBLPR_AFTER_BORDERS)
    for row in table.rows:
        row._tr.get_or_add_trPr().insert_element_before(
            OxmlElement("w:cantSplit"), *_TRPR_AFTER_CANTSPLIT
        )
    table.rows[0]._tr.get_or_add_trPr().insert_element_before(
        OxmlElement("w:tblHeader"), *_TRPR_AFTER_HEADER
    )
    return table


def _fix_widths(table: Table, widths_cm: list[float]) -> None:
    width = table._tbl.tblPr.find(qn("w:tblW"))
    width.set(qn("w:w"), str(round(sum(widths_cm) * 567)))
    width.set(qn("w:type"), "dxa")
    for col, w in zip(table.columns, widths_cm, strict=True):
        col.width = Cm(w)
        for cell in col.cells:
            cell.width = Cm(w)


def clear(cell: _Cell) -> _Cell:
    """Remove the empty paragraph a new cell starts with, so ``para`` adds the first one."""
    for p in list(cell.paragraphs):
        p._p.getparent().remove(p._p)
    return cell


def merged_row(table: Table, row: int) -> _Cell:
    """Merge a row's cells into one and return it (cleared)."""
    cells = table.rows[row].cells
    return clear(cells[0].merge(cells[-1]))
