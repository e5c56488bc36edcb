"""Spreadsheet imports shared by every entity: reading, headers, the row report, the two
modes, and the background job with its progress.

- **Reading** (`read_records`, `scanned`): CSV (UTF-8, UTF-8 with BOM, GBK/GB18030, UTF-16;
  comma, semicolon or tab) and XLSX, streamed, within the limits of ltc/uploads.py.
- **Headers** (`Importer.header_map`): a column is known by its name (`tax_id`, `tax id`), its
  aliases in English and Chinese, and the model field's label in every language of the site
  (so the columns of an export in either language import again). A trailing unit in
  brackets ("金额(元)") and a required-mark (`*`) are ignored.
- **Report** (`ImportReport`): every bad row with all its reasons, lines numbered as the user
  sees them (the header is line 1).
- **Modes**: by default a file with any bad row creates nothing; with `only_good_rows` the
  good rows are created and the bad ones skipped. Either way in one transaction.
- **Job** (`ltc.models.ImportJob`, `queue_import`, `run_job`): the upload is stored and a
  Celery task on the "imports" queue checks and imports it, recording rows checked / total on
  the job; the page polls it (htmx) and ends in the report.

Each entity's importer is a small subclass of `Importer` in its own app's `importers.py`
(`IMPORTERS = (...)`), found the way roles.policies finds policies. The lead importer
(leads/importer.py) reads files with the same functions and keeps its own job model and COPY
bulk path.
"""

from __future__ import annotations

import csv
import datetime
import io
import logging
import re
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from decimal import Decimal, InvalidOperation
from functools import cache
from importlib import import_module
from importlib.util import find_spec
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from django.apps import apps
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from roles.policies import can, require

from . import uploads
from .money import default_currency

if TYPE_CHECKING:
    from django.contrib.auth.models import User

log = logging.getLogger(__name__)

MAX_ROWS = 100_000
PROGRESS_EVERY = 500  # lines between two progress reports
CHUNK_SIZE = 2000  # keys per look-up query
DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d")


@dataclass
class RowError:
    row: int  # line number as the user sees it; the header is line 1
    reasons: list[str]
    duplicate: bool = False


@dataclass
class ImportReport:
    total: int = 0  # data rows (blank lines not counted)
    created: int = 0
    duplicates: int = 0  # rows flagged as duplicates
    good: int = 0  # rows without any problem
    errors: list[RowError] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)

    @property
    def bad(self) -> int:
        return len(self.errors)

    @property
    def ok(self) -> bool:
        return not self.errors


class FileProblem(Exception):
    """The file as a whole cannot be read; reported as an error on line 1."""


# --- reading ---------------------------------------------------------------------------------
# The file is read as a stream: its size is checked first, an XLSX archive's table of contents
# before the workbook is parsed, and CSV text is decoded and split line by line, so memory
# stays flat whatever the file holds (ltc/uploads.py has the limits).

READ_CHUNK = 64 * 1024


def open_file(file):
    """(binary stream, file name) of a path, an uploaded file or any file-like object."""
    if isinstance(file, str | Path):
        path = Path(file)
        return path.open("rb"), path.name
    name = str(getattr(file, "name", "") or "")
    if hasattr(file, "seek"):
        file.seek(0)
    if isinstance(file.read(0), str):  # a text stream (tests, scripts): bounded by the caller
        return io.BytesIO(file.read().encode("utf-8")), name
    return file, name


def check_size(stream) -> None:
    try:
        uploads.validate_upload_size(stream)
    except ValidationError as exc:
        raise FileProblem(exc.messages[0]) from exc


def sniff_encoding(stream) -> tuple[str, int, bool]:
    """(encoding, number of line breaks, has any text) in one streamed pass."""
    import codecs

    stream.seek(0)
    head = stream.read(4)
    stream.seek(0)
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        candidates = ["utf-16"]  # Excel's "Unicode text"
    else:
        candidates = ["utf-8-sig", "gb18030"]  # Chinese Excel exports: GBK/GB18030
    for encoding in candidates:
        decoder = codecs.getincrementaldecoder(encoding)()
        lines, text = 0, False
        stream.seek(0)
        try:
            while chunk := stream.read(READ_CHUNK):
                decoded = decoder.decode(chunk)
                lines += decoded.count("\n")
                text = text or bool(decoded.strip())
            decoded = decoder.decode(b"", final=True)
            text = text or bool(decoded.strip())
        except UnicodeDecodeError:
            continue
        stream.seek(0)
        return encoding, lines, text
    raise FileProblem(_("The file is neither UTF-8 nor GBK text; save it as CSV UTF-8."))


def csv_records(stream, encoding: str):
    import itertools

    text = io.TextIOWrapper(stream, encoding=encoding, newline="")
    first = text.readline()
    delimiter = max((",", ";", "\t"), key=first.count) if first else ","
    reader = csv.reader(itertools.chain([first], text), delimiter=delimiter)
    previous = 0
    try:
        for record in reader:
            start, previous = previous + 1, reader.line_num
            yield start, record
    except csv.Error as exc:
        if "field larger than field limit" in str(exc):
            raise FileProblem(cell_too_long(previous + 1)) from exc
        raise FileProblem(
            _("Line %(line)d cannot be read as CSV: %(error)s")
            % {"line": previous + 1, "error": exc}
        ) from exc
    finally:
        text.detach()  # leave the caller's stream open


def cell_too_long(line: int) -> str:
    return _("Line %(line)d has a cell longer than %(max)d characters: the file is refused.") % {
        "line": line,
        "max": uploads.limit("IMPORT_MAX_CELL_CHARS"),
    }


def xlsx_records(stream, source):
    from openpyxl import load_workbook

    stream.seek(0)
    try:
        book = load_workbook(stream, read_only=True, data_only=True)
    except Exception as exc:  # corrupt zip, not a workbook, ...
        raise FileProblem(_("The XLSX file cannot be opened: it may be damaged.")) from exc
    try:
        sheet = book.worksheets[0]
        source.estimate = sheet.max_row  # the writer's claim: for the progress bar only
        sheet.reset_dimensions()  # do not trust the stored dimensions of other writers
        rows = sheet.iter_rows(min_row=1, values_only=True)
        number = 0
        while True:
            try:
                values = next(rows)
            except StopIteration:
                return
            except Exception as exc:  # damaged sheet XML
                raise FileProblem(
                    _("Row %(row)d of the XLSX file cannot be read: it may be damaged.")
                    % {"row": number + 1}
                ) from exc
            number += 1
            yield number, list(values)
    finally:
        book.close()


@dataclass
class Source:
    records: Iterator[tuple[int, list]] = field(default_factory=lambda: iter(()))
    estimate: int | None = None  # lines in the file, for the progress bar


def read_records(file) -> Source:
    stream, name = open_file(file)
    check_size(stream)
    stream.seek(0)
    head = stream.read(8)
    stream.seek(0)
    if not head.strip():
        raise FileProblem(_("The file is empty."))
    if head.startswith(b"PK\x03\x04"):
        try:
            uploads.check_archive(stream)
        except ValidationError as exc:
            raise FileProblem(exc.messages[0]) from exc
        source = Source()
        source.records = xlsx_records(stream, source)
        return source
    if head.startswith(b"\xd0\xcf\x11\xe0") or name.lower().endswith(".xls"):
        raise FileProblem(_("Old .xls workbooks are not supported: save the file as XLSX or CSV."))
    if name.lower().endswith(".xlsx"):
        raise FileProblem(_("The XLSX file cannot be opened: it may be damaged."))
    encoding, lines, has_text = sniff_encoding(stream)
    if not has_text:
        raise FileProblem(_("The file is empty."))
    return Source(csv_records(stream, encoding), lines + 1)


def scanned(source: Source, progress=None):
    """The records, stopping the file at IMPORT_MAX_SCANNED_ROWS lines (blank ones count:
    three million empty rows are work too) and at the first cell above IMPORT_MAX_CELL_CHARS.
    Reports progress every PROGRESS_EVERY lines."""
    max_rows = uploads.limit("IMPORT_MAX_SCANNED_ROWS")
    max_cell = uploads.limit("IMPORT_MAX_CELL_CHARS")
    count = 0
    for line, cells in source.records:
        count += 1
        if count > max_rows:
            raise FileProblem(
                _("The file has more than %(max)d lines (blank ones included): split it.")
                % {"max": max_rows}
            )
        for cell in cells:
            if isinstance(cell, str) and len(cell) > max_cell:
                raise FileProblem(cell_too_long(line))
        if progress is not None and count % PROGRESS_EVERY == 0:
            progress(count, max(source.estimate or 0, count))
        yield line, cells
    if progress is not None:
        progress(count, count)


# --- cells and headers -----------------------------------------------------------------------


def cell_text(value) -> str:
    if type(value) is str:
        return value.strip()
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # phone numbers typed into Excel become floats
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value).strip()


def is_blank(cells) -> bool:
    return all(cell_text(c) == "" for c in cells)


def header_key(text: str) -> str:
    text = text.replace("\ufeff", "").strip().lower()
    text = re.sub(r"\s*[(（][^)）]*[)）]\s*$", "", text)  # "预算(元)", "Budget (CNY)"
    text = text.rstrip("*＊: ：").replace("_", " ")
    return re.sub(r"\s+", " ", text).strip()


def parse_date(value, reasons):
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = cell_text(value)
    if not text:
        return None
    candidate = re.split(r"[ T]", text, maxsplit=1)[0]
    try:
        return datetime.date.fromisoformat(candidate.replace("/", "-"))
    except ValueError:
        pass
    for fmt in DATE_FORMATS:  # 2026/1/5: not zero-padded
        try:
            return datetime.datetime.strptime(candidate, fmt).date()
        except ValueError:
            continue
    reasons.append(_("“%(value)s” is not a date: use YYYY-MM-DD or YYYY/MM/DD.") % {"value": text})
    return None


# --- cell values -------------------------------------------------------------------------------
MONEY_NOISE = re.compile(r"[,\s¥￥$€£]")
FORMULA_GUARD = re.compile(r"^'(?=[=+\-@\t\r])")  # the apostrophe an export puts before these
TRUE = {"1", "true", "yes", "y", "是", "对", "√", "x"}
FALSE = {"0", "false", "no", "n", "否", "", "-"}


def value_text(value) -> str:
    """A cell as text, without the apostrophe a formula-safe export put in front."""
    return FORMULA_GUARD.sub("", cell_text(value))


def parse_decimal(value, label, reasons, *, places=2, minimum=Decimal(0), maximum=None):
    """A plain decimal (currency signs and thousands separators allowed), or None if blank."""
    if value is None or value_text(value) == "":
        return None
    if isinstance(value, bool):
        reasons.append(
            _("%(field)s “%(value)s” is not a number.") % {"field": label, "value": value}
        )
        return None
    try:
        if isinstance(value, int | float | Decimal):
            amount = Decimal(str(value))
        else:
            amount = Decimal(MONEY_NOISE.sub("", value_text(value)))
        if not amount.is_finite():
            raise InvalidOperation
    except InvalidOperation:
        reasons.append(
            _("%(field)s “%(value)s” is not a number.")
            % {"field": label, "value": value_text(value)}
        )
        return None
    quantum = Decimal(1).scaleb(-places)
    if amount != amount.quantize(quantum):
        reasons.append(
            _("%(field)s may have at most %(places)d decimal places.")
            % {"field": label, "places": places}
        )
        return None
    amount = amount.quantize(quantum)
    if minimum is not None and amount < minimum:
        reasons.append(_("%(field)s cannot be below %(min)s.") % {"field": label, "min": minimum})
        return None
    limit = maximum if maximum is not None else Decimal(10) ** 12
    if amount > limit or (maximum is None and amount >= limit):
        reasons.append(_("%(field)s is too large.") % {"field": label})
        return None
    return amount


def parse_bool(value, label, reasons) -> bool:
    text = value_text(value).lower()
    if text in TRUE:
        return True
    if text in FALSE:
        return False
    reasons.append(
        _("%(field)s “%(value)s” is not yes or no (use 1/0, yes/no or 是/否).")
        % {"field": label, "value": value_text(value)}
    )
    return False


def choice_map(choices) -> dict[str, str]:
    """Lower-case value, value with spaces, and label in every language → value."""
    mapping: dict[str, str] = {}
    for value, label in choices:
        mapping[str(value).lower()] = value
        mapping[str(value).replace("_", " ").lower()] = value
        for code, _name in settings.LANGUAGES:
            with translation.override(code):
                mapping[str(label).strip().lower()] = value
    return mapping


def chunks(items: list, size: int = CHUNK_SIZE):
    for start in range(0, len(items), size):
        yield items[start : start + size]


# --- columns and importers ---------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    """One column of an entity's file. `field` names the model field whose label (in every
    language) is also accepted as the header; `allowed` describes the values for the
    template and the page."""

    name: str
    aliases: tuple[str, ...] = ()
    required: bool = False
    field: str | None = None
    allowed: str | Promise | Callable[[], str] = ""

    def allowed_text(self) -> str:
        allowed = self.allowed() if callable(self.allowed) else self.allowed
        return str(allowed)


@dataclass
class Row:
    line: int
    raw: dict
    values: dict = field(default_factory=dict)
    reasons: list[str] = field(default_factory=list)
    duplicate: bool = False


class Importer:
    """An entity's import. Subclasses declare the columns and implement `check` (one row),
    optionally `check_all` (set-based checks over every row: duplicates against the database
    and within the file) and `create` (the good rows, inside the import's transaction)."""

    entity: ClassVar[str]  # slug in URLs and the API: "accounts"
    label: ClassVar[str | Promise]  # "Accounts"
    policy: ClassVar[str]  # roles.policies name
    model: ClassVar[Any]
    columns: ClassVar[tuple[Column, ...]]
    example_rows: ClassVar[tuple[tuple, ...]] = ()
    list_url: ClassVar[str] = ""  # where the created records are listed (url name)
    do_not_call_in_templates: ClassVar[bool] = True  # pages get the class itself
    # The export of the same entity (ltc.exports): its headers, in every language, are
    # accepted for the columns whose key names one of ours (`export_keys` renames a key), so
    # an export imports again; its computed columns (ids, weighted amounts, links) are
    # reported as ignored.
    export: ClassVar[str] = ""
    export_keys: ClassVar[dict[str, str]] = {}

    def __init__(self, user: User):
        self.user = user

    # --- declared -------------------------------------------------------------------------
    @classmethod
    def allowed(cls, user) -> bool:
        return can(user, cls.policy)

    @classmethod
    def header_map(cls) -> dict[str, str]:
        """Header → column name; "" for a header of the entity's export that is not one of
        our columns (ids, computed figures, links), which is then ignored. Precedence, from
        the lowest: the model fields' labels, our names and aliases, the export's headers
        (exactly what an export of the list writes, in every language)."""
        from . import extra_fields

        # The extra fields' columns (custom fields, by key or label in either language) have
        # the lowest precedence: an entity's own column of the same name wins.
        mapping: dict[str, str] = dict(extra_fields.import_headers(cls.model))
        labels: dict[str, str] = {}
        exported: dict[str, str] = {}
        names = {c.name for c in cls.columns}
        for code, _name in settings.LANGUAGES:
            with translation.override(code):
                for column in cls.columns:
                    if column.field:
                        label = str(cls.model._meta.get_field(column.field).verbose_name)
                        labels.setdefault(header_key(label), column.name)
                for export_column in cls.export_columns():
                    name = cls.export_keys.get(export_column.key, export_column.key)
                    exported.setdefault(
                        header_key(str(export_column.label)), name if name in names else ""
                    )
        mapping.update(labels)
        for column in cls.columns:
            mapping[header_key(column.name)] = column.name
            for alias in column.aliases:
                mapping[header_key(alias)] = column.name
        mapping.update(exported)
        return mapping

    @classmethod
    def export_columns(cls) -> list:
        """The columns of the entity's export declaration, if there is one."""
        exports = getattr(import_module(f"{__package__}.exports"), "registry", None)
        if not cls.export or exports is None:
            return []
        spec = exports().get(cls.export)
        return list(spec.columns) if spec is not None else []

    @classmethod
    def required_columns(cls) -> list[str]:
        return [c.name for c in cls.columns if c.required]

    def label_of(self, name: str) -> str:
        column = next(c for c in self.columns if c.name == name)
        if column.field:
            return str(self.model._meta.get_field(column.field).verbose_name).capitalize()
        return name.replace("_", " ").capitalize()

    # --- per entity -----------------------------------------------------------------------
    def check(self, row: Row) -> None:
        raise NotImplementedError

    def check_all(self, rows: list[Row]) -> None:
        """Set-based checks over every row (they run inside the import's transaction)."""

    def check_extra(self, row: Row) -> None:
        """The row's extra columns (custom fields, ltc/extra_fields.py): read and checked into
        `row.values["custom"]`, which `create` puts on the record."""
        from . import extra_fields

        extra = {n: v for n, v in row.raw.items() if n.startswith(extra_fields.PREFIX)}
        values, problems = extra_fields.import_values(self.model, self.user, extra)
        row.reasons.extend(problems)  # a required field is refused even without its column
        if extra:
            row.values["custom"] = values

    def create(self, rows: list[Row]) -> int:
        raise NotImplementedError

    # --- helpers for subclasses -----------------------------------------------------------
    def text(self, row: Row, name: str, *, required=False) -> str:
        value = value_text(row.raw.get(name))
        column = next(c for c in self.columns if c.name == name)
        limit = None
        if column.field:
            limit = getattr(self.model._meta.get_field(column.field), "max_length", None)
        if limit and len(value) > limit:
            row.reasons.append(
                _("%(field)s is longer than %(max)d characters.")
                % {"field": self.label_of(name), "max": limit}
            )
        if required and not value:
            row.reasons.append(_("%(field)s is required.") % {"field": self.label_of(name)})
        return value

    def currency(self, row: Row, name: str = "currency") -> str:
        currencies = settings.LTC["CURRENCIES"]
        value = value_text(row.raw.get(name)).upper()
        if value and value not in currencies:
            row.reasons.append(
                _("Unknown currency “%(value)s”: use one of %(choices)s.")
                % {"value": value, "choices": ", ".join(currencies)}
            )
        return value or default_currency()

    def choice(self, row: Row, name: str, choices, default=""):
        value = value_text(row.raw.get(name))
        if not value:
            return default
        cache = self.__dict__.setdefault("_choice_maps", {})
        key = (name, tuple(v for v, _label in choices))
        if key not in cache:  # labels in every language, built once per import
            cache[key] = choice_map(choices)
        found = cache[key].get(value.lower())
        if found is None:
            row.reasons.append(
                _("%(field)s “%(value)s” is not allowed: use one of %(choices)s.")
                % {
                    "field": self.label_of(name),
                    "value": value,
                    "choices": ", ".join(str(v) for v, _label in choices),
                }
            )
            return default
        return found

    def flag_in_file(self, rows: list[Row], key: Callable[[Row], str], what: str) -> None:
        """A row repeating an earlier row's key is bad."""
        first: dict[str, int] = {}
        for row in rows:
            value = key(row)
            if not value:
                continue
            earlier = first.setdefault(value, row.line)
            if earlier != row.line:
                row.reasons.append(
                    _("Duplicate of line %(line)d (same %(what)s).")
                    % {"line": earlier, "what": what}
                )
                row.duplicate = True


# --- registry ------------------------------------------------------------------------------------


@cache
def registry() -> dict[str, type[Importer]]:
    """Every app's `importers.IMPORTERS`, by entity slug, in the order of INSTALLED_APPS."""
    found: dict[str, type[Importer]] = {}
    for config in apps.get_app_configs():
        module_name = f"{config.name}.importers"
        if find_spec(module_name) is None:
            continue
        for importer in getattr(import_module(module_name), "IMPORTERS", ()):
            if importer.entity in found:
                raise ValueError(f"importer {importer.entity} is declared twice")
            found[importer.entity] = importer
    return found


def get_importer(entity: str) -> type[Importer]:
    try:
        return registry()[entity]
    except KeyError as exc:
        raise LookupError(entity) from exc


def importers_for(user) -> list[type[Importer]]:
    return [importer for importer in registry().values() if importer.allowed(user)]


# --- templates -----------------------------------------------------------------------------------


def template_columns(importer: type[Importer], user=None) -> list[tuple[str, bool, str]]:
    """(header, required, allowed values) of every column of the templates: the entity's
    own, then the extra fields `user` may fill (custom fields, under their label in the
    reader's language)."""
    from . import extra_fields

    own = [(c.name, c.required, c.allowed_text()) for c in importer.columns]
    if user is None:
        return own
    mapping = importer.header_map()
    # A field whose label is also one of the entity's own headers would be read as that
    # column: it is left out (the field is still imported under its key).
    extra = [
        column
        for column in extra_fields.template_columns(importer.model, user)
        if mapping.get(header_key(column[0]), "").startswith(extra_fields.PREFIX)
    ]
    return own + extra


def template_header(importer: type[Importer], user=None) -> list[str]:
    return [
        name + ("*" if required else "") for name, required, _a in template_columns(importer, user)
    ]


def allowed_rows(importer: type[Importer], user=None) -> list[list[str]]:
    """(column, required, allowed values) for every column: the template's second part."""
    return [
        [name, _("required") if required else _("optional"), allowed]
        for name, required, allowed in template_columns(importer, user)
    ]


def template_csv(importer: type[Importer], user=None) -> bytes:
    """Header and example rows; then the allowed values as lines starting with `#`, which
    the importer skips. With `user`, the custom fields they may fill are columns too."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(template_header(importer, user))
    for row in importer.example_rows:
        writer.writerow(row)
    for name, required, allowed in allowed_rows(importer, user):
        writer.writerow([f"# {name} ({required}): {allowed}"])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def template_xlsx(importer: type[Importer], user=None) -> bytes:
    """Sheet 1: header and example rows (the importer reads only this sheet); sheet 2: each
    column with whether it is required and its allowed values. With `user`, the custom
    fields they may fill are columns too."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = str(importer.label)[:31]
    sheet.append(template_header(importer, user))
    for row in importer.example_rows:
        sheet.append(list(row))
    help_sheet = book.create_sheet(_("Allowed values")[:31])
    help_sheet.append([_("Column"), _("Required"), _("Allowed values")])
    for values in allowed_rows(importer, user):
        help_sheet.append(values)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


# --- running an import ---------------------------------------------------------------------------


def _columns(importer: type[Importer], header: list, report: ImportReport):
    mapping = importer.header_map()
    columns: dict[str, int] = {}
    problems: list[str] = []
    for index, cell in enumerate(header):
        title = cell_text(cell)
        if not title:
            continue
        name = mapping.get(header_key(title))
        if not name:
            report.ignored_columns.append(title)
        elif name in columns:
            problems.append(_("Two columns mean “%(field)s”: keep one.") % {"field": name})
        else:
            columns[name] = index
    for name in importer.required_columns():
        if name not in columns:
            problems.append(_("The file has no “%(column)s” column.") % {"column": name})
    return columns, problems


def _comment(cells) -> bool:
    first = cell_text(cells[0]) if cells else ""
    return first.startswith("#")


def _lock(entity: str) -> None:
    """One import per entity checks and creates at a time (PostgreSQL advisory lock), so two
    files cannot both pass the duplicate check with the same record."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [f"ltc-import:{entity}"])


def run_import(
    importer_class: type[Importer], *, file, user: User, only_good_rows=False, progress=None
) -> ImportReport:
    """Check every row of the file and create the good ones in one transaction: all of them
    only when none is bad, unless `only_good_rows`. `progress(checked, total)` is called as
    lines are read."""
    require(user, importer_class.policy)
    importer = importer_class(user)
    report = ImportReport()
    try:
        source = read_records(file)
        records = iter(scanned(source, progress))
        header_line, header = next(
            ((line, cells) for line, cells in records if not is_blank(cells)), (1, None)
        )
        if header is None:
            raise FileProblem(_("The file is empty."))
        columns, problems = _columns(importer_class, header, report)
        if problems:
            report.total = sum(1 for _line, cells in records if not is_blank(cells))
            report.errors.append(RowError(row=header_line, reasons=problems))
            return report
        rows: list[Row] = []
        for line, cells in records:
            if is_blank(cells) or _comment(cells):
                continue
            raw = {name: (cells[i] if i < len(cells) else None) for name, i in columns.items()}
            rows.append(Row(line=line, raw=raw))
            if len(rows) > MAX_ROWS:
                raise FileProblem(
                    _("The file has more than %(max)d rows: split it.") % {"max": MAX_ROWS}
                )
    except FileProblem as exc:
        report.errors = [RowError(row=1, reasons=[str(exc)])]
        return report

    report.total = len(rows)
    if not rows:
        report.errors = [RowError(row=header_line, reasons=[_("The file has no data rows.")])]
        return report
    with transaction.atomic():
        _lock(importer_class.entity)
        for row in rows:
            importer.check(row)
            importer.check_extra(row)
        importer.check_all(rows)
        good = [row for row in rows if not row.reasons]
        report.good = len(good)
        report.duplicates = sum(1 for row in rows if row.duplicate)
        report.errors = [
            RowError(row=row.line, reasons=row.reasons, duplicate=row.duplicate)
            for row in rows
            if row.reasons
        ]
        if good and (only_good_rows or not report.errors):
            report.created = importer.create(good)
    return report


def report_as_dict(report: ImportReport) -> dict:
    """The report as stored on the job (JSON) and shown by the page and the API."""
    data = asdict(report)
    data["bad"] = report.bad
    data["ok"] = report.ok
    return data


# --- background jobs -----------------------------------------------------------------------------


def queue_import(*, entity: str, user: User, file, only_good_rows=False, language=""):
    """Store the upload as an ImportJob and queue its task after commit; returns at once.
    The caller has checked the file's size and archive (uploads.SpreadsheetFileField)."""
    from .models import ImportJob
    from .tasks import import_run

    importer = get_importer(entity)
    require(user, importer.policy)
    uploads.validate_spreadsheet_upload(file)
    name = Path(str(getattr(file, "name", "") or entity)).name[:255]
    job = ImportJob(
        entity=entity,
        user=user,
        file_name=name,
        only_good_rows=only_good_rows,
        language=language[:10],
    )
    job.file.save(name, file, save=False)
    job.save()
    transaction.on_commit(lambda: import_run.delay(job.pk), robust=True)
    return job


def run_job(job_id: int) -> None:
    """The task's work: read the stored file, record progress, store the report. Runs once:
    a job already started (a redelivered task) is left alone."""
    from .models import ImportJob

    if not ImportJob.objects.filter(pk=job_id, started_at__isnull=True).update(
        started_at=timezone.now()
    ):
        return
    job = ImportJob.objects.select_related("user").get(pk=job_id)

    def progress(checked: int, total: int) -> None:
        ImportJob.objects.filter(pk=job_id).update(rows_checked=checked, rows_total=total)

    try:
        with (
            translation.override(job.language or settings.LANGUAGE_CODE),
            job.file.open("rb") as stream,
        ):
            report = run_import(
                get_importer(job.entity),
                file=stream,
                user=job.user,
                only_good_rows=job.only_good_rows,
                progress=progress,
            )
        ImportJob.objects.filter(pk=job_id).update(
            report=report_as_dict(report), finished_at=timezone.now()
        )
    except Exception as exc:
        log.exception("%s import %s failed", job.entity, job_id)
        ImportJob.objects.filter(pk=job_id).update(
            error=str(exc)[:1000] or exc.__class__.__name__, finished_at=timezone.now()
        )
    finally:
        job.file.delete(save=False)
        ImportJob.objects.filter(pk=job_id).update(file="")
