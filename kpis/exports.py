"""The dashboard as XLSX or CSV: the overview table and every chart's table. Text cells
that a spreadsheet would read as a formula (starting with = + - @, tab or CR) are escaped
with a leading apostrophe; numbers stay numbers."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

from django.http import HttpResponse
from django.utils.translation import gettext as _

from . import dashboard

DANGEROUS = ("=", "+", "-", "@", "\t", "\r")


def safe(value):
    if value is None:
        return ""
    if isinstance(value, (int, float, Decimal)):
        return value
    text = str(value)
    return "'" + text if text.startswith(DANGEROUS) else text


def _change(c):
    return "" if c is None else f"{c['value']:+} {c['unit']}"


def sheets(user, f) -> list[tuple[str, list[list]]]:
    kw = {"team": f.team, "owner": f.owner, "currency": f.currency}
    head = [_("KPI"), _("Unit"), _("Currency"), _("This period"), _("Previous period (环比)"),
            _("Change"), _("Same period last year (同比)"), _("Change"), _("Numerator"),
            _("Denominator")]  # fmt: skip
    overview = [[_("Period"), f"{f.period.start} – {f.period.end}"], head]
    for section in dashboard.overview(user, f.period, **kw):
        overview.append([str(section["label"])])
        for r in section["rows"]:
            overview.append(
                [
                    str(r["label"]),
                    str(r["unit"]),
                    r["currency"],
                    r["value"],
                    r["previous"],
                    _change(r["change_previous"]),
                    r["year_ago"],
                    _change(r["change_year_ago"]),
                    r["numerator"],
                    r["denominator"],
                ]  # fmt: skip
            )
    out = [(_("Overview"), overview)]
    for chart in dashboard.charts(user, f.period, **kw):
        table = [[str(chart["title"])], ["", *chart["table"]["headers"]]]
        for row in chart["table"]["rows"]:
            table.append([row["label"], *row["cells"]])
        out.append((chart["id"], table))
    return out


def dashboard_export(user, f, fmt: str) -> HttpResponse:
    name = f"kpis-{f.period.start}-{f.period.end}"
    data = sheets(user, f)
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        for title, rows in data:
            writer.writerow([safe(title)])
            for row in rows:
                writer.writerow([safe(v) for v in row])
            writer.writerow([])
        response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
        return response
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)
    for title, rows in data:
        sheet = book.create_sheet(str(title)[:31].replace("/", "-"))
        for row in rows:
            sheet.append([safe(v) for v in row])
    buffer = io.BytesIO()
    book.save(buffer)
    response = HttpResponse(
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
    return response
