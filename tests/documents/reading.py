"""Reading a generated .docx back the way a person reads it: paragraphs and tables in order."""

from __future__ import annotations

import io
import zipfile

from docx import Document
from docx.document import Document as DocumentObject
from docx.table import Table
from docx.text.paragraph import Paragraph


def open_docx(data: bytes) -> DocumentObject:
    return Document(io.BytesIO(data))


def blocks(doc: DocumentObject) -> list[Paragraph | Table]:
    """Body paragraphs and tables in document order."""
    out: list[Paragraph | Table] = []
    for child in doc.element.body.iterchildren():
        if child.tag.endswith("}p"):
            out.append(Paragraph(child, doc))
        elif child.tag.endswith("}tbl"):
            out.append(Table(child, doc))
    return out


def lines(doc: DocumentObject) -> list[str]:
    """Every non-empty paragraph's text, table cells included (row by row), in order."""
    out = []
    for block in blocks(doc):
        if isinstance(block, Paragraph):
            out.append(block.text)
        else:
            for row in block.rows:
                seen = set()
                for cell in row.cells:
                    if id(cell._tc) in seen:  # a merged cell appears once per grid column
                        continue
                    seen.add(id(cell._tc))
                    out.extend(p.text for p in cell.paragraphs)
    return [line for line in out if line.strip()]


def body_paragraphs(doc: DocumentObject) -> list[Paragraph]:
    return [b for b in blocks(doc) if isinstance(b, Paragraph) and b.text.strip()]


def all_xml_text(data: bytes) -> str:
    """Every XML part of the package, to check a string appears nowhere at all."""
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return "".join(
            z.read(name).decode("utf-8") for name in z.namelist() if name.endswith(".xml")
        )


def table_rows(table: Table) -> list[list[str]]:
    rows = []
    for row in table.rows:
        cells, seen = [], set()
        for cell in row.cells:
            if id(cell._tc) in seen:
                continue
            seen.add(id(cell._tc))
            cells.append(cell.text.strip())
        rows.append(cells)
    return rows
