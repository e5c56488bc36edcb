"""One search column for leads (ltc/searchtext.py) with one GIN trigram index (PostgreSQL),
replacing the four per-field trigram indexes of 0004: the search is one bitmap index scan
instead of four OR'd ones, and a write updates one trigram index instead of four."""

import django.db.models.functions.text
from django.db import migrations, models

from ltc.searchtext import trigram_index_sql

OLD = ("name", "company", "email", "phone")
CREATE, DROP = trigram_index_sql("leads_lead", "lead_search_text_trgm_idx")


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(CREATE)
    for column in OLD:
        schema_editor.execute(f"DROP INDEX IF EXISTS lead_{column}_trgm_idx")


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(DROP)
    for column in OLD:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS lead_{column}_trgm_idx ON leads_lead "
            f'USING gin (UPPER("{column}"::text) gin_trgm_ops)'
        )


class Migration(migrations.Migration):

    dependencies = [
        ('leads', '0010_lead_source_rule'),
    ]

    operations = [
        migrations.AddField(
            model_name='lead',
            name='search_text',
            field=models.GeneratedField(db_persist=True, expression=django.db.models.functions.text.Lower(django.db.models.functions.text.Concat('name', models.Value('\n'), 'company', models.Value('\n'), 'email', models.Value('\n'), 'phone', output_field=models.TextField())), output_field=models.TextField()),
        ),
        migrations.RunPython(forwards, backwards, elidable=False),
    ]
