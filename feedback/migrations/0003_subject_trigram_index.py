"""A trigram index on UPPER(subject) of tickets (PostgreSQL), for the global search's
`subject__icontains` (ltc/trigram.py)."""

from django.db import migrations

from ltc.trigram import upper_trigram_index

FORWARDS, BACKWARDS = upper_trigram_index("feedback_ticket", "subject", "ticket_subject_trgm_idx")


class Migration(migrations.Migration):
    dependencies = [("feedback", "0002_csat_flag_reason")]

    operations = [migrations.RunPython(FORWARDS, BACKWARDS, elidable=False)]
