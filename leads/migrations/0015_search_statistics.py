"""A finer histogram of the search column (PostgreSQL), so the planner estimates a common
term's matches: see ltc.searchtext.STATISTICS."""

from django.db import migrations

from ltc.searchtext import statistics_operation


class Migration(migrations.Migration):
    dependencies = [("leads", "0014_custom_values")]

    operations = [statistics_operation("leads_lead")]
