"""Existing deals take their amount and currency from their quote: the accepted one (latest
version) where there is one, else the latest approved (approved or sent) quote. Open and won
opportunities only; a lost deal keeps what it was lost at."""

from django.db import migrations

OPEN_OR_WON = ["qualification", "needs_analysis", "proposal", "negotiation", "won"]


def forwards(apps, schema_editor):
    Opportunity = apps.get_model("opportunities", "Opportunity")
    Quote = apps.get_model("opportunities", "Quote")
    quotes = (
        Quote.objects.filter(
            opportunity__stage__in=OPEN_OR_WON, status__in=["accepted", "approved", "sent"]
        )
        .order_by("opportunity_id", "version")
        .values_list("opportunity_id", "status", "total", "currency")
    )
    chosen: dict[int, tuple] = {}
    for opportunity_id, status, total, currency in quotes.iterator():
        accepted = status == "accepted"
        current = chosen.get(opportunity_id)
        # Later versions win within a rank; an accepted quote outranks an approved one.
        if current is None or accepted or not current[0]:
            chosen[opportunity_id] = (accepted, total, currency)
    for opportunity_id, (_accepted, total, currency) in chosen.items():
        Opportunity.objects.filter(pk=opportunity_id).exclude(
            amount=total, currency=currency
        ).update(amount=total, currency=currency)


class Migration(migrations.Migration):
    dependencies = [("opportunities", "0002_role_permissions")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
