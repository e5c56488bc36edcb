"""The lead search index also holds the owner (PostgreSQL): one GIN index on (owner_id,
search_text) replaces the trigram index on search_text alone. A salesperson's search and its
count then read the keys that are both theirs and matching in one index scan (at a million
leads, the owner's 100,000 rows no longer have to be intersected with the term's matches),
and a search over every lead uses the same index as before. The table keeps one trigram
index, so writes cost what they did."""

from django.db import migrations

from ltc.searchtext import trigram_index_sql

CREATE, DROP = trigram_index_sql("leads_lead", "lead_owner_search_trgm_idx", lead_column="owner_id")
OLD_CREATE, OLD_DROP = trigram_index_sql("leads_lead", "lead_search_text_trgm_idx")


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS btree_gin")
    schema_editor.execute(CREATE)
    schema_editor.execute(OLD_DROP)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(OLD_CREATE)
    schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("leads", "0012_owner_filter_index")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
