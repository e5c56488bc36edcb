"""Spreadsheet exports (CSV and XLSX) that a spreadsheet program cannot be tricked into running.

A cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage return is read by Excel,
LibreOffice and WPS as a formula (`=HYPERLINK(...)`, `@SUM(...)`), so a name typed by a
customer could run in the reader's spreadsheet. Every text cell goes through `safe_cell`,
which puts an apostrophe in front of such a value: it is shown as text, never evaluated.
Numbers, dates and Decimals are written as they are (a negative amount stays a number).
Every export of the project writes through `csv_response` or `xlsx_response`.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

from django.http import HttpResponse, StreamingHttpResponse

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """The value to write into a cell: text that would start a formula gets a leading `'`."""
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def safe_row(row: Iterable) -> list:
    return [safe_cell(value) for value in row]


class _Echo:
    """A file-like object whose write returns the line, so csv.writer can stream."""

    def write(self, value):
        return value


def csv_rows(header: Sequence, rows: Iterable[Iterable]) -> Iterable[str]:
    """The lines of a CSV file, BOM first (Excel then reads UTF-8 Chinese text)."""
    writer = csv.writer(_Echo())
    yield "\ufeff"
    yield writer.writerow(safe_row(header))
    for row in rows:
        yield writer.writerow(safe_row(row))


def csv_response(filename: str, header: Sequence, rows: Iterable[Iterable]):
    """A streamed CSV download: rows are read lazily, so memory stays flat however many."""
    response = StreamingHttpResponse(csv_rows(header, rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def xlsx_bytes(header: Sequence, rows: Iterable[Iterable], *, title: str = "Export") -> bytes:
    """An XLSX workbook of one sheet; every text cell is stored as a string, never a formula."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])

    def cells(row):
        out = []
        for value in safe_row(row):
            cell = WriteOnlyCell(sheet, value=value)
            if isinstance(value, str):
                cell.data_type = "s"  # openpyxl would otherwise take "=..." as a formula
            out.append(cell)
        return out

    sheet.append(cells(header))
    for row in rows:
        sheet.append(cells(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def xlsx_response(filename: str, header: Sequence, rows: Iterable[Iterable], *, title="Export"):
    response = HttpResponse(xlsx_bytes(header, rows, title=title), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
