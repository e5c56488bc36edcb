"""Limits every upload shares, so that no file can take a worker down.

- Size: every uploaded file is refused above `LTC["UPLOAD_MAX_BYTES"]` (10 MB by default)
  with a message naming both sizes (`validate_upload_size`, `LimitedFileField`).
- Archives: an XLSX file is a zip. Before a parser opens one, `check_archive` reads only its
  table of contents and refuses it when the entries would expand beyond
  `UPLOAD_MAX_EXPANDED_BYTES`, when one entry expands more than `UPLOAD_MAX_ZIP_RATIO` times
  its compressed size (a "zip bomb" of repeated shared strings), or when it holds too many
  entries. zipfile never inflates an entry past the size its header declares, so the sizes
  checked here bound what the parser can be made to read.
- Rows and cells: importers stop at `IMPORT_MAX_SCANNED_ROWS` lines read, blank ones
  included, and refuse a cell longer than `IMPORT_MAX_CELL_CHARS` characters.

The numbers come from settings.LTC and are read at each call (tests lower them).
"""

from __future__ import annotations

import zipfile

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

MB = 1024 * 1024
DEFAULTS = {
    "UPLOAD_MAX_BYTES": 10 * MB,
    "UPLOAD_MAX_EXPANDED_BYTES": 64 * MB,
    "UPLOAD_MAX_ZIP_RATIO": 100,
    "UPLOAD_MAX_ZIP_ENTRIES": 1000,
    "IMPORT_MAX_SCANNED_ROWS": 100_000,
    "IMPORT_MAX_CELL_CHARS": 32_767,  # Excel's own limit for one cell
}
# Entries smaller than this may compress as well as they like: the ratio guards big ones.
RATIO_FLOOR_BYTES = MB
ZIP_MAGIC = b"PK\x03\x04"


def limit(name: str) -> int:
    return int(settings.LTC.get(name, DEFAULTS[name]))


def file_size(file) -> int:
    size = getattr(file, "size", None)
    if size is not None:
        return int(size)
    position = file.tell()
    file.seek(0, 2)
    size = file.tell()
    file.seek(position)
    return size


def validate_upload_size(file) -> None:
    """Refuse a file above UPLOAD_MAX_BYTES (a Django validator: forms and DRF alike)."""
    maximum = limit("UPLOAD_MAX_BYTES")
    size = file_size(file)
    if size > maximum:
        raise ValidationError(
            _("The file is %(size)s; a file may be at most %(max)s.")
            % {"size": filesizeformat(size), "max": filesizeformat(maximum)},
            code="file_too_big",
        )


def validate_text_size(text: str) -> None:
    """The same limit for a file sent as text in a JSON body."""
    maximum = limit("UPLOAD_MAX_BYTES")
    size = len(text.encode("utf-8"))
    if size > maximum:
        raise ValidationError(
            _("The text is %(size)s; it may be at most %(max)s.")
            % {"size": filesizeformat(size), "max": filesizeformat(maximum)},
            code="file_too_big",
        )


def is_zip(file) -> bool:
    position = file.tell()
    head = file.read(4)
    file.seek(position)
    return head == ZIP_MAGIC


def check_archive(file) -> None:
    """Refuse a zip (XLSX) whose contents would expand too far, before anything parses it."""
    position = file.tell()
    try:
        file.seek(0)
        try:
            entries = zipfile.ZipFile(file).infolist()
        except (zipfile.BadZipFile, OSError, EOFError) as exc:
            raise ValidationError(
                _("The file cannot be opened as an XLSX workbook: it may be damaged."),
                code="bad_archive",
            ) from exc
    finally:
        file.seek(position)
    if len(entries) > limit("UPLOAD_MAX_ZIP_ENTRIES"):
        raise ValidationError(
            _("The workbook holds %(n)d parts; at most %(max)d are accepted.")
            % {"n": len(entries), "max": limit("UPLOAD_MAX_ZIP_ENTRIES")},
            code="archive_too_big",
        )
    expanded = sum(entry.file_size for entry in entries)
    maximum = limit("UPLOAD_MAX_EXPANDED_BYTES")
    if expanded > maximum:
        raise ValidationError(
            _("The workbook expands to %(size)s when opened; at most %(max)s is accepted.")
            % {"size": filesizeformat(expanded), "max": filesizeformat(maximum)},
            code="archive_too_big",
        )
    ratio = limit("UPLOAD_MAX_ZIP_RATIO")
    for entry in entries:
        if entry.file_size > RATIO_FLOOR_BYTES and entry.file_size > ratio * max(
            entry.compress_size, 1
        ):
            raise ValidationError(
                _(
                    "The workbook part %(part)s expands %(ratio)d times its stored size "
                    "(at most %(max)d): it is refused as a compression bomb."
                )
                % {
                    "part": entry.filename,
                    "ratio": entry.file_size // max(entry.compress_size, 1),
                    "max": ratio,
                },
                code="archive_ratio",
            )


def validate_spreadsheet_upload(file) -> None:
    """Size, then (for XLSX) the archive check: for files the server parses."""
    validate_upload_size(file)
    if hasattr(file, "seek") and is_zip(file):
        check_archive(file)


class LimitedFileField(forms.FileField):
    """A FileField that refuses files above the upload limit with a clear message."""

    default_validators = [validate_upload_size]


class SpreadsheetFileField(forms.FileField):
    """A FileField for CSV/XLSX files the server parses: size and archive checks."""

    default_validators = [validate_spreadsheet_upload]
