"""The GIN index (jsonb_path_ops) on a record's `custom` column, PostgreSQL only.

It serves the containment filter of custom fields (`custom @> '{"industry": "制造业"}'`,
customfields.filters); other databases filter without it, so the migration step is a no-op
there."""

from __future__ import annotations

from django.db import migrations


def custom_index(table: str, name: str) -> migrations.RunPython:
    def create(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(
                f'CREATE INDEX IF NOT EXISTS "{name}" ON "{table}" '
                'USING gin ("custom" jsonb_path_ops)'
            )

    def drop(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(f'DROP INDEX IF EXISTS "{name}"')

    return migrations.RunPython(create, drop, elidable=False)
