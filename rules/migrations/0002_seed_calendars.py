"""The holiday calendars of 2026 and 2027, as data a manager edits on the settings page.

2026: the State Council's schedule (国务院办公厅关于2026年部分节假日安排的通知, 2025-11-04): every day off, and the weekend days
worked in exchange (调休). 2027: the statutory holidays only (全国年节及纪念日放假办法: New Year's
Day, the Spring Festival eve to its third day, Qingming, May 1–2, Dragon Boat, Mid-Autumn,
October 1–3); its bridging days and 调休 are entered once the State Council publishes them."""

import datetime

from django.db import migrations


def _days(first, last):
    start, end = datetime.date.fromisoformat(first), datetime.date.fromisoformat(last)
    return [str(start + datetime.timedelta(days=n)) for n in range((end - start).days + 1)]


CALENDARS = {
    "CALENDAR.2026": {
        "holidays": sorted(
            _days("2026-01-01", "2026-01-03")
            + _days("2026-02-15", "2026-02-23")
            + _days("2026-04-04", "2026-04-06")
            + _days("2026-05-01", "2026-05-05")
            + _days("2026-06-19", "2026-06-21")
            + _days("2026-09-25", "2026-09-27")
            + _days("2026-10-01", "2026-10-07")
        ),
        "workdays": [
            "2026-01-04",
            "2026-02-14",
            "2026-02-28",
            "2026-05-09",
            "2026-09-20",
            "2026-10-10",
        ],
    },
    "CALENDAR.2027": {
        "holidays": sorted(
            ["2027-01-01"]
            + _days("2027-02-05", "2027-02-08")
            + ["2027-04-05", "2027-05-01", "2027-05-02", "2027-06-09", "2027-09-15"]
            + _days("2027-10-01", "2027-10-03")
        ),
        "workdays": [],
    },
}


def seed(apps, schema_editor):
    Rule = apps.get_model("rules", "Rule")
    for key, value in CALENDARS.items():
        Rule.objects.get_or_create(key=key, defaults={"value": value})


def unseed(apps, schema_editor):
    apps.get_model("rules", "Rule").objects.filter(key__in=CALENDARS).delete()


class Migration(migrations.Migration):
    dependencies = [("rules", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
