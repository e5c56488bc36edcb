"""Ordering a list by a custom field (`?sort=custom.<key>`): the value read from the record's
`custom` JSON and cast to the field's type: a number (integer, decimal, a money field's
amount) as a number, a date as a date, yes/no as a boolean, text and a single choice as
text. Empty values (no key, JSON null) are NULL, and the caller orders with nulls_last.

A value that does not read as the field's type (stored under an earlier type of the field)
is NULL too rather than failing the query: the text is cast only when it matches the type's
pattern. The same on PostgreSQL (jsonb operators) and SQLite (JSON_EXTRACT, and the REGEXP
function Django registers on every SQLite connection)."""

from __future__ import annotations

from django.db.models import BooleanField, DateField, DecimalField, F, Func, TextField

from .models import FieldType

NUMBER = r"^-?[0-9]+(\.[0-9]+)?$"
DATE = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"

# type -> (pattern its text must match, PostgreSQL cast, SQLite cast, output field)
KINDS = {
    FieldType.INTEGER: (NUMBER, "numeric", "NUMERIC", DecimalField),
    FieldType.DECIMAL: (NUMBER, "numeric", "NUMERIC", DecimalField),
    FieldType.MONEY: (NUMBER, "numeric", "NUMERIC", DecimalField),
    FieldType.DATE: (DATE, "date", "", DateField),
    FieldType.BOOLEAN: ("", "boolean", "", BooleanField),
    FieldType.TEXT: ("", "", "", TextField),
    FieldType.CHOICE: ("", "", "", TextField),
}
SORTABLE = tuple(KINDS)


def sortable(definition) -> bool:
    return definition.type in SORTABLE


class SortValue(Func):
    """The sort value of one custom field of the listed records (NULL when empty)."""

    def __init__(self, definition):
        self.kind = definition.type
        self.pattern, self.pg_cast, self.sqlite_cast, output = KINDS[definition.type]
        # Keys are slugs (customfields.services checks them), so they are safe in a path.
        self.keys = [definition.key, "amount"] if self.kind == FieldType.MONEY else [definition.key]
        super().__init__(F("custom"), output_field=output())

    def as_sql(self, compiler, connection, **extra_context):
        """SQLite: JSON_EXTRACT gives a JSON string as text, a number as a number, true and
        false as 1 and 0, null (or a missing key) as NULL."""
        column, params = compiler.compile(self.get_source_expressions()[0])
        path = "$" + "".join(f'."{key}"' for key in self.keys)
        value, value_params = f"JSON_EXTRACT({column}, %s)", (*params, path)
        if self.kind == FieldType.BOOLEAN:
            return (
                f"(CASE WHEN JSON_TYPE({column}, %s) IN ('true', 'false') THEN {value} END)",
                (*params, path, *value_params),
            )
        if not self.pattern:
            return value, value_params
        cast = f"CAST({value} AS {self.sqlite_cast})" if self.sqlite_cast else value
        return (
            f"(CASE WHEN CAST({value} AS TEXT) REGEXP %s THEN {cast} END)",
            (*value_params, self.pattern, *value_params),
        )

    def as_postgresql(self, compiler, connection, **extra_context):
        column, params = compiler.compile(self.get_source_expressions()[0])
        *parents, last = self.keys
        json = column + "".join(" -> %s" for _ in parents)
        json_params = (*params, *parents)
        value, value_params = f"({json} ->> %s)", (*json_params, last)
        if self.kind == FieldType.BOOLEAN:
            return (
                f"(CASE WHEN jsonb_typeof({json} -> %s) = 'boolean' THEN {value}::boolean END)",
                (*json_params, last, *value_params),
            )
        if not self.pattern:
            return value, value_params
        return (
            f"(CASE WHEN {value} ~ %s THEN {value}::{self.pg_cast} END)",
            (*value_params, self.pattern, *value_params),
        )
