from django.db import migrations

from roles.migration_utils import grant, revoke

QUOTE_READ = ["view_quote", "view_quoteline", "view_quotesignoff"]
GRANTS = {
    "sales": ["add_opportunity", "change_opportunity", "view_opportunity", "view_lostreason"]
    + QUOTE_READ,
    "sales_support": [
        "view_opportunity",
        "view_lostreason",
        "add_quote",
        "change_quote",
        "add_quoteline",
        "change_quoteline",
        "delete_quoteline",
    ]
    + QUOTE_READ,
    "operations": ["view_opportunity"] + QUOTE_READ,
    "finance": QUOTE_READ,
    "manager": [
        "view_opportunity",
        "add_lostreason",
        "change_lostreason",
        "delete_lostreason",
        "view_lostreason",
    ]
    + QUOTE_READ,
}

LOST_REASONS = [
    "Price too high",
    "Lost to a competitor",
    "No budget",
    "No decision / project cancelled",
    "Timing",
    "Product fit",
    "Other",
]


def forwards(apps, schema_editor):
    grant(apps, schema_editor, "opportunities", GRANTS)
    LostReason = apps.get_model("opportunities", "LostReason")
    for position, name in enumerate(LOST_REASONS):
        LostReason.objects.get_or_create(name=name, defaults={"position": position})


def backwards(apps, schema_editor):
    revoke(apps, schema_editor, "opportunities", GRANTS)


class Migration(migrations.Migration):
    dependencies = [("opportunities", "0001_initial"), ("roles", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
