from django.db import migrations

from roles.migration_utils import grant, revoke

GRANTS = {'marketing': ['add_lead','change_lead','view_lead'], 'sales': ['add_lead','change_lead','view_lead'], 'manager': ['view_lead']}


def forwards(apps, schema_editor):
    grant(apps, schema_editor, "leads", GRANTS)


def backwards(apps, schema_editor):
    revoke(apps, schema_editor, "leads", GRANTS)


class Migration(migrations.Migration):
    dependencies = [("leads", "0001_initial"), ("roles", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
