"""Trigram indexes for `icontains` on one column (PostgreSQL; a no-op elsewhere).

Django writes `field__icontains=term` as `UPPER(col::text) LIKE UPPER('%term%')`; a GIN
trigram index on exactly that expression serves it as a bitmap index scan instead of reading
the whole table. The global search (search/selectors.py) matches record numbers, names and
subjects this way. Terms under 3 characters yield no trigram and still scan."""

from __future__ import annotations

from collections.abc import Callable


def upper_trigram_index(table: str, column: str, name: str) -> tuple[Callable, Callable]:
    """(forwards, backwards) for migrations.RunPython: the index on UPPER(column)."""

    def forwards(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        schema_editor.execute(
            f'CREATE INDEX IF NOT EXISTS "{name}" ON "{table}" '
            f'USING gin (UPPER("{column}"::text) gin_trgm_ops)'
        )

    def backwards(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        schema_editor.execute(f'DROP INDEX IF EXISTS "{name}"')

    return forwards, backwards
