"""A trigram index on UPPER(number) of contracts (PostgreSQL), for the global search's
`number__icontains` (ltc/trigram.py)."""

from django.db import migrations

from ltc.trigram import upper_trigram_index

FORWARDS, BACKWARDS = upper_trigram_index(
    "contracts_contract", "number", "contract_number_trgm_idx"
)


class Migration(migrations.Migration):
    dependencies = [("contracts", "0005_drop_owner_grants")]

    operations = [migrations.RunPython(FORWARDS, BACKWARDS, elidable=False)]
