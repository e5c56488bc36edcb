"""A trigram index on UPPER(name) of opportunities (PostgreSQL), for the global search's
`name__icontains` (ltc/trigram.py)."""

from django.db import migrations

from ltc.trigram import upper_trigram_index

FORWARDS, BACKWARDS = upper_trigram_index(
    "opportunities_opportunity", "name", "opportunity_name_trgm_idx"
)


class Migration(migrations.Migration):
    dependencies = [("opportunities", "0007_opportunity_source_rule")]

    operations = [migrations.RunPython(FORWARDS, BACKWARDS, elidable=False)]
