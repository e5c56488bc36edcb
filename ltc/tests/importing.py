"""Helpers for the import tests of every app: files in memory, a report by line."""

from __future__ import annotations

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from ltc.imports import get_importer, run_import


def csv_file(text: str, name="data.csv", encoding="utf-8") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode(encoding), content_type="text/csv")


def xlsx_file(rows, name="data.xlsx") -> SimpleUploadedFile:
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


def run(entity: str, user, file, *, only_good_rows=False):
    return run_import(get_importer(entity), file=file, user=user, only_good_rows=only_good_rows)


def by_line(report) -> dict[int, str]:
    """Line → all its reasons joined, for assertions on a reason's words."""
    return {error.row: " | ".join(error.reasons) for error in report.errors}
