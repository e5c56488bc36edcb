from django.db import migrations

from roles.migration_utils import grant, revoke

GRANTS = {'marketing': ['add_account','change_account','view_account','add_contact','change_contact','view_contact'], 'sales': ['add_account','change_account','view_account','add_contact','change_contact','view_contact'], 'sales_support': ['view_account','view_contact'], 'operations': ['view_account','view_contact'], 'finance': ['view_account','view_contact'], 'service': ['view_account','view_contact'], 'manager': ['view_account','view_contact']}


def forwards(apps, schema_editor):
    grant(apps, schema_editor, "customers", GRANTS)


def backwards(apps, schema_editor):
    revoke(apps, schema_editor, "customers", GRANTS)


class Migration(migrations.Migration):
    dependencies = [("customers", "0001_initial"), ("roles", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
