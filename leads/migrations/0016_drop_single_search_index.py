"""Lead searches use the (owner_id, search_text) GIN index of 0013 alone: a multicolumn GIN
index serves a condition on either column, and a search over every lead reads the same
trigram posting lists from it. The single-column trigram index of 0011 was a second copy of
them that every insert kept up to date. Measured at 1M leads: a 20,000-row COPY 2.8-3.1 s with
both, 2.1-2.5 s with one; the index scans of 'nova', 'nova tech', '上海星河' and 'wang wei'
as fast on either (3.8 vs 4.7 ms, 18 vs 17 ms, 1.3 vs 0.9 ms, 46 vs 53 ms); 222 MB less."""

from django.db import migrations

from ltc.searchtext import trigram_index_sql

CREATE, DROP = trigram_index_sql("leads_lead", "lead_search_text_trgm_idx")


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


class Migration(migrations.Migration):
    dependencies = [("leads", "0015_search_statistics")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
