"""Spreadsheet exports (CSV and XLSX) of every list, declared once per entity.

Each app declares, next to its lists, one `Export` per entity in `<app>/exports.py`: its
columns (a stable `key`, a translatable header, how to read the value, its kind) and the
joins that keep the query count fixed. The list page (`?export=csv|xlsx`), the API
(`GET /api/v1/<resource>/export/?export=csv|xlsx`) and the bulk "export the selection"
all write through `Export.response`, always on the queryset the list itself built (role
visibility, then the list's own filters), so an export never holds a row the list would
not show. Importers read the same declarations (`Export.columns`, `Column.key`,
`Column.label`) to map headers back, in English or Chinese.

Formula safety: a cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage return is
read by Excel, LibreOffice and WPS as a formula (`=HYPERLINK(...)`, `@SUM(...)`), so a name
typed by a customer could run in the reader's spreadsheet. Every text cell goes through
`safe_cell`, which puts an apostrophe in front of such a value: it is shown as text, never
evaluated. Numbers, dates and Decimals are written as they are (a negative amount stays a
number): amounts are numeric XLSX cells and plain decimal text in CSV (never `1E+3`), with
the currency in a column of its own.

Size: CSV streams (StreamingHttpResponse over the queryset's chunked iterator); XLSX is
written by openpyxl in write-only mode into a temporary file that is streamed back, so
memory stays flat. An export holds at most MAX_ROWS rows; a larger selection is refused
with a message asking for narrower filters (counted with a LIMIT, never a full COUNT).
"""

from __future__ import annotations

import csv
import datetime
import io
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
MAX_ROWS = 100_000
CHUNK = 2000
FORMATS = ("csv", "xlsx")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


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


def _csv_text(value):
    """A cell as CSV text: Decimals in plain notation, dates in ISO form, booleans 1/0."""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, datetime.date):
        return (
            value.isoformat(sep=" ") if isinstance(value, datetime.datetime) else value.isoformat()
        )
    return value


def csv_rows(header: Sequence, rows: Iterable[Iterable]) -> Iterable[str]:
    """The lines of a CSV file, BOM first (Excel then reads UTF-8 Chinese text)."""
    writer = csv.writer(_Echo())
    yield "\ufeff"
    yield writer.writerow(safe_row(header))
    for row in rows:
        yield writer.writerow([_csv_text(v) for v in safe_row(row)])


def csv_response(filename: str, header: Sequence, rows: Iterable[Iterable]):
    """A streamed CSV download: rows are read lazily, so memory stays flat however many."""
    response = StreamingHttpResponse(csv_rows(header, rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _write_xlsx(target, header: Sequence, rows: Iterable[Iterable], *, title: str) -> None:
    """Write a one-sheet workbook to `target` in write-only mode (rows are not kept in
    memory); every text cell is stored as a string, never a formula."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=str(title)[:31])

    def cells(row):
        out = []
        for value in safe_row(row):
            cell = WriteOnlyCell(sheet, value=value)
            if isinstance(value, str):
                cell.data_type = "s"  # openpyxl would otherwise take "=..." as a formula
            elif isinstance(value, datetime.datetime):
                cell.number_format = "yyyy-mm-dd hh:mm"
            elif isinstance(value, datetime.date):
                cell.number_format = "yyyy-mm-dd"
            out.append(cell)
        return out

    sheet.append(cells(header))
    for row in rows:
        sheet.append(cells(row))
    workbook.save(target)


def xlsx_bytes(header: Sequence, rows: Iterable[Iterable], *, title: str = "Export") -> bytes:
    """An XLSX workbook of one sheet, in memory (small exports and tests)."""
    buffer = io.BytesIO()
    _write_xlsx(buffer, header, rows, title=title)
    return buffer.getvalue()


def xlsx_response(filename: str, header: Sequence, rows: Iterable[Iterable], *, title="Export"):
    """An XLSX download written to a temporary file and streamed from it."""
    spool = tempfile.TemporaryFile()
    _write_xlsx(spool, header, rows, title=title)
    spool.seek(0)
    response = FileResponse(spool, content_type=XLSX_TYPE, as_attachment=True, filename=filename)
    return response


# --- declarations -----------------------------------------------------------------------------
def _read(obj, path: str):
    """`a.b.c` on obj; None as soon as a link is missing."""
    value = obj
    for part in path.split("."):
        if value is None:
            return None
        value = getattr(value, part)
        if callable(value) and not hasattr(value, "all"):
            value = value()
    return value


def _local_naive(value: datetime.datetime) -> datetime.datetime:
    """A datetime in the server's time zone without tzinfo (XLSX stores no time zones)."""
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return value.replace(tzinfo=None, microsecond=0)


@dataclass(frozen=True)
class Column:
    """One column of an export.

    key: stable machine name (never translated; importers and API clients match on it);
    label: the header, a lazy translation rendered in the caller's language;
    value: an attribute path on the record (`account.name`, `get_status_display`) or a
    callable(record) -> value;
    kind: text | number | money | date | datetime | bool | ids (a list of linked
    numbers/ids joined with ", ");
    when: callable(user) -> bool, for a column only some roles may read (amounts).
    """

    key: str
    label: Any
    value: str | Callable[[Any], Any]
    kind: str = "text"
    when: Callable[[Any], bool] | None = None

    def read(self, obj):
        raw = self.value(obj) if callable(self.value) else _read(obj, self.value)
        if raw is None or raw == "":
            return None
        if self.kind in ("money", "number"):
            return (
                raw
                if isinstance(raw, (int, Decimal)) and not isinstance(raw, bool)
                else Decimal(str(raw))
            )
        if self.kind == "datetime":
            return _local_naive(raw)
        if self.kind == "bool":
            return bool(raw)
        if self.kind == "ids":
            return ", ".join(str(v) for v in raw) or None
        if self.kind == "date":
            return raw
        return str(raw)


@dataclass(frozen=True)
class Export:
    """The export of one entity: its columns and the joins that keep queries fixed."""

    name: str  # also the file name: accounts.csv
    title: Any  # the sheet title, lazily translated
    columns: tuple[Column, ...]
    select_related: tuple[str, ...] = ()
    prefetch_related: tuple[Any, ...] = ()
    only_for: Callable[[Any], bool] | None = field(default=None, compare=False)

    def allowed(self, user) -> bool:
        return self.only_for is None or bool(self.only_for(user))

    def columns_for(self, user, model=None) -> list[Column]:
        """The columns `user` may read; with the rows' `model`, also the fields a base app
        adds to that model's records (the custom fields, ltc/extra_fields.py)."""
        from . import extra_fields

        own = [c for c in self.columns if c.when is None or c.when(user)]
        return own + extra_fields.export_columns(model, user)

    def header(self, user, model=None) -> list[str]:
        return [str(c.label) for c in self.columns_for(user, model)]

    def keys(self) -> list[str]:
        return [c.key for c in self.columns]

    def prepare(self, queryset):
        if self.select_related:
            queryset = queryset.select_related(*self.select_related)
        # The export's own prefetches only: the list endpoint's (for its serializer) are
        # dropped, the columns read nothing else.
        queryset = queryset.prefetch_related(None)
        if self.prefetch_related:
            queryset = queryset.prefetch_related(*self.prefetch_related)
        return queryset

    def rows(self, queryset, user) -> Iterator[list]:
        """The rows of `queryset` (in its own order), read in chunks."""
        columns = self.columns_for(user, queryset.model)
        for obj in self.prepare(queryset).iterator(chunk_size=CHUNK):
            yield [c.read(obj) for c in columns]

    def response(self, queryset, fmt: str, user):
        """The download of `queryset`; raises TooLarge beyond MAX_ROWS rows."""
        check_size(queryset)
        header = self.header(user, queryset.model)
        stamp = timezone.localdate().isoformat()
        filename = f"{self.name}-{stamp}.{fmt}"
        if fmt == "xlsx":
            return xlsx_response(filename, header, self.rows(queryset, user), title=self.title)
        return csv_response(filename, header, self.rows(queryset, user))


class TooLarge(Exception):
    """More rows than an export may hold."""

    def __init__(self):
        super().__init__(
            _("An export holds at most %(max)s rows; narrow the filters and export in parts.")
            % {"max": f"{MAX_ROWS:,}"}
        )


def check_size(queryset) -> None:
    """Refuse a selection beyond MAX_ROWS; counts with a LIMIT, so at most MAX_ROWS + 1
    index entries are read."""
    if queryset.order_by()[: MAX_ROWS + 1].count() > MAX_ROWS:
        raise TooLarge


def requested_format(params) -> str | None:
    """`csv` or `xlsx` when the query string asks for an export, else None."""
    fmt = params.get("export")
    return fmt if fmt in FORMATS else None


def selected(queryset, params):
    """The rows of `queryset` whose ids are listed in `ids` (the bulk "export the
    selection"); the whole queryset without it. Ids outside it are simply not there."""
    raw = params.getlist("ids") if hasattr(params, "getlist") else params.get("ids", [])
    parts = [p.strip() for chunk in raw for p in str(chunk).split(",")]
    ids = [int(p) for p in parts if p.isdigit() and len(p) <= 18]  # a database integer
    return queryset.filter(pk__in=ids) if ids else queryset


def export_page(request, spec: Export, queryset):
    """For a list view: the download when the query string asks for one, else None.

    Call it after the view built its queryset (visibility, then the list's own filters).
    A refusal (role or size) sends the user back to the list with the message."""
    from django.contrib import messages
    from django.core.exceptions import PermissionDenied
    from django.shortcuts import redirect

    fmt = requested_format(request.GET)
    if fmt is None:
        return None
    if not spec.allowed(request.user):
        raise PermissionDenied
    try:
        return spec.response(selected(queryset, request.GET), fmt, request.user)
    except TooLarge as exc:
        messages.error(request, str(exc))
        params = request.GET.copy()
        params.pop("export", None)
        return redirect(f"{request.path}?{params.urlencode()}")


def registry() -> dict[str, Export]:
    """Every declared export by name (each app's `exports` module is loaded once)."""
    from ltc.discovery import discover

    discover("exports")
    return dict(_REGISTRY)


_REGISTRY: dict[str, Export] = {}


def register(spec: Export) -> Export:
    _REGISTRY[spec.name] = spec
    return spec


def download_bytes(response) -> bytes:
    """The whole body of an export response (streamed or not)."""
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return response.content


def read_table(data: bytes, fmt: str) -> list[list]:
    """The rows (header first) of an exported file, as written: CSV cells as text, XLSX
    cells with their types. Round-trip tests and importers read exports back with it."""
    if fmt == "xlsx":
        from openpyxl import load_workbook

        sheet = load_workbook(io.BytesIO(data), read_only=True).active
        return [["" if v is None else v for v in row] for row in sheet.iter_rows(values_only=True)]
    text = data.decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))
