"""A write-only XLSX workbook a council office can paste and print: streamed, bounded memory.

openpyxl's write-only mode writes each row to a temporary file as it is appended, so an export
of 100,000 petitions holds one page of rows (and the shared strings), not the whole sheet.
``StreamedBook`` is blocking; the dashboard uses it in a child process (``bot.xlsx_export``),
never on the event loop, not even in a thread of its process. Each sheet: an STT column
first, real date and number cells (``DD/MM/YYYY``, ``0.0%``), column widths, a frozen header
row repeated on every printed page, A4 landscape fitted to the page width. Text is never a
formula (``FORMULA_STARTS``: written as text with Excel's quote prefix) and loses the
characters XML cannot hold.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from copy import copy
from dataclasses import dataclass, field
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

DATE_FORMAT = "DD/MM/YYYY"
PERCENT_FORMAT = "0.0%"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")


class Percent(float):
    """A share written as a percentage cell (0.5 → 50.0%)."""


def xlsx_text(value: str) -> str:
    """``value`` without the characters an XLSX (XML 1.0) file cannot contain."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    value = ILLEGAL_CHARACTERS_RE.sub("", value)
    # Lone surrogates and U+FFFE/U+FFFF are not XML characters either.
    return "".join(c for c in value if not ("\ud800" <= c <= "\udfff" or c in "\ufffe\uffff"))


@dataclass
class Column:
    header: str
    width: float
    wrap: bool = False


@dataclass
class Sheet:
    """One sheet being written; ``styles`` are the cell templates of its columns."""

    ws: WriteOnlyWorksheet
    columns: Sequence[Column]
    stt: bool = True  # the first column numbers the rows
    rows: int = 0  # data rows written (the STT of the last one)
    styles: dict[str, WriteOnlyCell] = field(default_factory=dict)


class StreamedBook:
    """The workbook; create it, add sheets, append pages of rows, then ``save``."""

    def __init__(self) -> None:
        self.book = Workbook(write_only=True)

    def sheet(self, title: str, columns: Sequence[Column], *, stt: bool = True) -> Sheet:
        """A new sheet with its header row, widths and print set-up (STT column first)."""
        ws = self.book.create_sheet(title)
        cols = [Column("STT", 6), *columns] if stt else list(columns)
        for index, column in enumerate(cols, start=1):
            ws.column_dimensions[get_column_letter(index)].width = column.width
        ws.page_setup.orientation = "landscape"
        ws.page_setup.paperSize = "9"  # A4 (Worksheet.PAPERSIZE_A4)
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0  # as many pages tall as it takes
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        ws.print_options.gridLines = True
        ws.print_title_rows = "1:1"  # the header row on every printed page
        ws.freeze_panes = "A2"
        sheet = Sheet(ws, cols, stt)
        sheet.styles = _templates(ws)
        header = []
        for column in cols:
            cell = WriteOnlyCell(ws, value=xlsx_text(column.header))
            cell.font = Font(bold=True)
            cell.alignment = Alignment(wrap_text=True, vertical="center")
            header.append(cell)
        ws.append(header)
        return sheet

    def append(self, sheet: Sheet, rows: Iterable[Sequence[Any]]) -> None:
        """Append data rows (an STT is put before each when the sheet has that column)."""
        for values in rows:
            sheet.rows += 1
            line = [sheet.rows, *values] if sheet.stt else list(values)
            sheet.ws.append(
                [_cell(sheet, col, value) for col, value in zip(sheet.columns, line, strict=False)]
            )

    def save(self, path: str) -> None:
        self.book.save(path)


def _templates(ws: WriteOnlyWorksheet) -> dict[str, WriteOnlyCell]:
    out = {}
    for name, fmt, wrap, bold in (
        ("date", DATE_FORMAT, False, False),
        ("percent", PERCENT_FORMAT, False, False),
        ("wrap", None, True, False),
        ("bold", None, False, True),
    ):
        cell = WriteOnlyCell(ws)
        if fmt:
            cell.number_format = fmt
        if wrap:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        if bold:
            cell.font = Font(bold=True)
        out[name] = cell
    return out


class Bold(str):
    """A text cell written in bold (a title line of the summary)."""

    __slots__ = ()


def _styled(sheet: Sheet, name: str, value: Any) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet.ws, value=value)
    cell._style = copy(sheet.styles[name]._style)
    return cell


def _cell(sheet: Sheet, column: Column, value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        raise TypeError("export a date, not a datetime (the day in Vietnam)")
    if isinstance(value, dt.date):
        return _styled(sheet, "date", value)
    if isinstance(value, Percent):
        return _styled(sheet, "percent", float(value))
    if not isinstance(value, str):
        return value
    text = xlsx_text(value)
    bold = isinstance(value, Bold)
    if text.startswith(FORMULA_STARTS):
        cell = _styled(sheet, "wrap", None) if column.wrap else WriteOnlyCell(sheet.ws)
        cell.value = text
        cell.data_type = "s"  # never a formula, whatever the text starts with
        cell.quotePrefix = True  # and not after a double-click + Enter either
        return cell
    if bold:
        return _styled(sheet, "bold", text)
    if column.wrap:
        return _styled(sheet, "wrap", text)
    return text
