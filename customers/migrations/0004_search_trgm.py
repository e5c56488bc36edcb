"""Trigram indexes for the accounts and contacts search (PostgreSQL only; a no-op elsewhere).

The API search and the list pages filter with `icontains` on name, email and phone (contacts
also on the account's name; the global search also on an account's tax ID), which Django
writes as UPPER(col::text) LIKE UPPER('%term%'): a GIN trigram index on exactly that
expression serves each arm of the OR as a bitmap index scan instead of a sequential scan. Terms under 3 characters yield no trigram and still scan.
"""

from django.db import migrations

INDEXES = {
    "customers_account": ("name", "email", "phone", "tax_id"),
    "customers_contact": ("name", "email", "phone"),
}


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for table, columns in INDEXES.items():
        for column in columns:
            schema_editor.execute(
                f"CREATE INDEX IF NOT EXISTS {table}_{column}_trgm_idx ON {table} "
                f'USING gin (UPPER("{column}"::text) gin_trgm_ops)'
            )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table, columns in INDEXES.items():
        for column in columns:
            schema_editor.execute(f"DROP INDEX IF EXISTS {table}_{column}_trgm_idx")


class Migration(migrations.Migration):
    dependencies = [("customers", "0003_historicalaccount_historicalcontact")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
