from django.db import migrations

from roles.migration_utils import grant, revoke

READ = [
    "view_invoice",
    "view_invoiceline",
    "view_payment",
    "view_paymentallocation",
    "view_creditnote",
    "view_bankstatement",
    "view_bankstatementline",
    "view_banklinematch",
    "view_dunningnotice",
]
GRANTS = {
    "finance": READ
    + [
        "add_invoice",
        "change_invoice",
        "add_invoiceline",
        "change_invoiceline",
        "delete_invoiceline",
        "add_payment",
        "add_paymentallocation",
        "add_creditnote",
        "add_bankstatement",
        "change_bankstatementline",
    ],
    "manager": READ,
    "sales": ["view_invoice"],
    "marketing": ["view_invoice"],
}


def forwards(apps, schema_editor):
    grant(apps, schema_editor, "billing", GRANTS)


def backwards(apps, schema_editor):
    revoke(apps, schema_editor, "billing", GRANTS)


class Migration(migrations.Migration):
    dependencies = [("billing", "0001_initial"), ("roles", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
