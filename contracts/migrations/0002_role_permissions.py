from django.db import migrations

from roles.migration_utils import grant, revoke

READ = [
    "view_contract",
    "view_contractline",
    "view_paymentmilestone",
    "view_contractsignoff",
    "view_contractattachment",
]
GRANTS = {
    "sales": READ + ["change_contract", "add_contractattachment"],
    "sales_support": READ
    + [
        "change_contract",
        "change_contractline",
        "delete_contractline",
        "add_paymentmilestone",
        "change_paymentmilestone",
        "delete_paymentmilestone",
        "add_contractattachment",
    ],
    "operations": READ,
    "finance": READ + ["add_contractattachment"],
    "manager": READ,
}


def forwards(apps, schema_editor):
    grant(apps, schema_editor, "contracts", GRANTS)


def backwards(apps, schema_editor):
    revoke(apps, schema_editor, "contracts", GRANTS)


class Migration(migrations.Migration):
    dependencies = [("contracts", "0001_initial"), ("roles", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
