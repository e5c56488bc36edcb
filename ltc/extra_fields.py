"""Fields a base app adds to the records of every stage (the custom fields), seen by the
engine's exports and imports without the engine importing that app.

A provider is declared in an AppConfig (`record_fields=("app.module.PROVIDER",)`, see
ltc/wiring.py) and offers, for a model and a user:

- `export_columns(model, user)`: extra `ltc.exports.Column`s, only those the user may see;
- `list_columns(model, user)`: (Column, shown by default) for a list page's columns, the
  values shown as the record's page shows them;
- `list_sorts(model, user)`: {column key: expression} of the extra columns a list of `model`
  may be ordered by (optional);
- `import_headers(model)`: header key (ltc.imports.header_key) -> column name of the extra
  columns the import accepts (their names start with the provider's prefix);
- `import_values(model, user, raw)`: (values, reasons) of one row's extra cells
  ({column name: cell}), the values stored on the row as `row.values["custom"]`; a required
  field the user may fill is refused when its cell is empty or its column is missing;
- `template_columns(model, user)`: (header, required, allowed values) of each extra column
  the user may fill, headed in the reader's language, for the import templates.
"""

from __future__ import annotations

from typing import Any

PROVIDERS: list[Any] = []
PREFIX = "custom."  # the names of the extra import columns start with it


def export_columns(model, user) -> list:
    if model is None:
        return []
    return [column for p in PROVIDERS for column in p.export_columns(model, user)]


def list_columns(model, user) -> list[tuple[Any, bool]]:
    """(export Column, shown by default) of each extra field a list of `model` can show."""
    if model is None:
        return []
    return [pair for p in PROVIDERS for pair in p.list_columns(model, user)]


def list_sorts(model, user) -> dict[str, Any]:
    """{column key: expression to order by} of the extra columns `user` may sort a list by."""
    found: dict[str, Any] = {}
    if model is None:
        return found
    for provider in PROVIDERS:
        if hasattr(provider, "list_sorts"):
            found.update(provider.list_sorts(model, user))
    return found


def import_headers(model) -> dict[str, str]:
    found: dict[str, str] = {}
    if model is None:
        return found
    for provider in PROVIDERS:
        found.update(provider.import_headers(model))
    return found


def import_values(model, user, raw: dict) -> tuple[dict, list[str]]:
    values: dict = {}
    reasons: list[str] = []
    for provider in PROVIDERS:
        got, problems = provider.import_values(model, user, raw)
        values.update(got)
        reasons.extend(problems)
    return values, reasons


def template_columns(model, user) -> list[tuple[str, bool, str]]:
    if model is None:
        return []
    return [column for p in PROVIDERS for column in p.template_columns(model, user)]
