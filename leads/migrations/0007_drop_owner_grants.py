"""Remove the guardian grants that only repeat what the visibility rule already gives (owner):
leads.selectors.lead_visibility covers those people by its own rule, and grants stay for
real shares only, so a user's grants are few and found by the user index."""

from django.db import migrations
from django.db.models import F


def drop_redundant_grants(apps, schema_editor):
    grants = apps.get_model("leads", "LeadUserObjectPermission").objects
    grants.filter(user_id=F("content_object__owner_id")).delete()


class Migration(migrations.Migration):
    dependencies = [
        ('leads', '0006_lead_import'),
    ]

    operations = [migrations.RunPython(drop_redundant_grants, migrations.RunPython.noop)]
