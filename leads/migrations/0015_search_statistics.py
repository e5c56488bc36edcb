"""A finer histogram of the search column (PostgreSQL), so the planner estimates a common
term's matches: see ltc.searchtext.STATISTICS."""

from django.db import migrations

from ltc.searchtext import statistics_sql

TABLES = ("leads_lead",)


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        schema_editor.execute(statistics_sql(table)[0])
        # Built now rather than at autovacuum's next ANALYZE, which a table that seldom
        # changes may not see for long (5 s for a million leads).
        schema_editor.execute(f'ANALYZE "{table}" ("search_text")')


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        schema_editor.execute(statistics_sql(table)[1])


class Migration(migrations.Migration):
    dependencies = [("leads", "0014_custom_values")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
