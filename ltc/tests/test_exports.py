"""Cells that a spreadsheet would run as a formula are written as text."""

import csv
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from ltc.exports import csv_rows, safe_cell, xlsx_bytes

ATTACKS = ['=HYPERLINK("http://x","y")', "+1+1", "-2+3", "@SUM(A1:A2)", "\tx", "\rx"]


@pytest.mark.parametrize("value", ATTACKS)
def test_formula_starts_are_escaped(value):
    assert safe_cell(value) == "'" + value


@pytest.mark.parametrize("value", ["Acme", "", "a=b", "京东", 5, Decimal("-3.50"), None])
def test_ordinary_values_are_left_alone(value):
    assert safe_cell(value) == ("" if value is None else value)


def test_csv_rows_escape_header_and_cells():
    text = "".join(csv_rows(["=h"], [[v] for v in ATTACKS] + [[Decimal("-1.00")]]))
    cells = [row[0] for row in csv.reader(io.StringIO(text.lstrip("\ufeff")))]
    assert cells[0] == "'=h"
    assert cells[1:-1] == ["'" + v for v in ATTACKS]
    assert cells[-1] == "-1.00"


def test_xlsx_cells_are_text_never_formulas():
    data = xlsx_bytes(["name", "amount"], [[v, Decimal("-1.5")] for v in ATTACKS])
    sheet = load_workbook(io.BytesIO(data)).active
    rows = list(sheet.iter_rows(min_row=2))
    # XML stores a carriage return as a line feed; the apostrophe still leads.
    assert [r[0].value for r in rows] == ["'" + v.replace("\r", "\n") for v in ATTACKS]
    assert all(r[0].data_type == "s" for r in rows)
    assert all(r[1].value == -1.5 for r in rows)
