from django.db import migrations

from roles.migration_utils import grant, revoke

READ = ["view_order", "view_orderline", "view_shipment", "view_shipmentline"]
GRANTS = {
    "sales": READ + ["change_order"],
    "operations": READ + ["change_order", "add_shipment", "add_shipmentline"],
    "service": READ,
    "manager": READ,
}


def forwards(apps, schema_editor):
    grant(apps, schema_editor, "orders", GRANTS)


def backwards(apps, schema_editor):
    revoke(apps, schema_editor, "orders", GRANTS)


class Migration(migrations.Migration):
    dependencies = [("orders", "0001_initial"), ("roles", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
