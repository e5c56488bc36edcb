"""One search column each for accounts and contacts (ltc/searchtext.py) with one GIN trigram
index (PostgreSQL), replacing the per-field trigram indexes of 0004 on those fields. The
account name keeps its own: the contacts search also matches the account's name."""

import django.db.models.functions.text
from django.db import migrations, models

from ltc.searchtext import trigram_index_sql

TABLES = {"customers_account": "account", "customers_contact": "contact"}
# Per-field indexes the search columns replace (customers_account.name stays).
OLD = {"customers_account": ("email", "phone", "tax_id"), "customers_contact": ("name", "email", "phone")}


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for table, short in TABLES.items():
        schema_editor.execute(trigram_index_sql(table, f"{short}_search_text_trgm_idx")[0])
        for column in OLD[table]:
            schema_editor.execute(f"DROP INDEX IF EXISTS {table}_{column}_trgm_idx")


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table, short in TABLES.items():
        schema_editor.execute(trigram_index_sql(table, f"{short}_search_text_trgm_idx")[1])
        for column in OLD[table]:
            schema_editor.execute(
                f"CREATE INDEX IF NOT EXISTS {table}_{column}_trgm_idx ON {table} "
                f'USING gin (UPPER("{column}"::text) gin_trgm_ops)'
            )


class Migration(migrations.Migration):

    dependencies = [
        ('customers', '0005_duplicate_keys'),
    ]

    operations = [
        migrations.AddField(
            model_name='account',
            name='search_text',
            field=models.GeneratedField(db_persist=True, expression=django.db.models.functions.text.Lower(django.db.models.functions.text.Concat('name', models.Value('\n'), 'tax_id', models.Value('\n'), 'email', models.Value('\n'), 'phone', output_field=models.TextField())), output_field=models.TextField()),
        ),
        migrations.AddField(
            model_name='contact',
            name='search_text',
            field=models.GeneratedField(db_persist=True, expression=django.db.models.functions.text.Lower(django.db.models.functions.text.Concat('name', models.Value('\n'), 'email', models.Value('\n'), 'phone', output_field=models.TextField())), output_field=models.TextField()),
        ),
        migrations.RunPython(forwards, backwards, elidable=False),
    ]
