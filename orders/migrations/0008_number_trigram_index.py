"""A trigram index on UPPER(number) of orders (PostgreSQL), for the global search's
`number__icontains` (ltc/trigram.py)."""

from django.db import migrations

from ltc.trigram import upper_trigram_index

FORWARDS, BACKWARDS = upper_trigram_index("orders_order", "number", "order_number_trgm_idx")


class Migration(migrations.Migration):
    dependencies = [("orders", "0007_shipment_carrier_for_goods_only")]

    operations = [migrations.RunPython(FORWARDS, BACKWARDS, elidable=False)]
