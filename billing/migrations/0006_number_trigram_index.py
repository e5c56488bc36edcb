"""A trigram index on UPPER(number) of invoices (PostgreSQL), for the global search's
`number__icontains` (ltc/trigram.py)."""

from django.db import migrations

from ltc.trigram import upper_trigram_index

FORWARDS, BACKWARDS = upper_trigram_index("billing_invoice", "number", "invoice_number_trgm_idx")


class Migration(migrations.Migration):
    dependencies = [("billing", "0005_invoiceline_milestone_text")]

    operations = [migrations.RunPython(FORWARDS, BACKWARDS, elidable=False)]
