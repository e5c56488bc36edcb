from django.db import migrations

from roles.migration_utils import grant, revoke

GRANTS = {'sales_support': ['add_product','change_product','view_product'], 'operations': ['add_product','change_product','view_product'], 'marketing': ['view_product'], 'sales': ['view_product'], 'finance': ['view_product'], 'service': ['view_product'], 'manager': ['view_product']}


def forwards(apps, schema_editor):
    grant(apps, schema_editor, "catalog", GRANTS)


def backwards(apps, schema_editor):
    revoke(apps, schema_editor, "catalog", GRANTS)


class Migration(migrations.Migration):
    dependencies = [("catalog", "0001_initial"), ("roles", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
