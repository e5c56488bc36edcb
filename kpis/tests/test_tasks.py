"""The nightly rollup task, the command, the beat schedule, and role families."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.utils import timezone
from rest_framework.test import APIClient

from kpis.models import KpiSnapshot
from kpis.tasks import kpi_rollup_nightly
from leads.tests.factories import LeadFactory
from roles.tests.factories import user_with

pytestmark = pytest.mark.django_db


def test_beat_runs_the_rollup_nightly_and_the_digest_on_monday_morning():
    schedule = settings.CELERY_BEAT_SCHEDULE
    nightly = schedule["kpi-rollup-nightly"]
    assert nightly["task"] == "kpis.tasks.kpi_rollup_nightly"
    digest = schedule["kpi-weekly-digest"]["schedule"]
    assert digest.hour == {9} and digest.minute == {0} and digest.day_of_week == {1}


def test_nightly_task_recomputes_the_trailing_35_days():
    owner = user_with("sales")
    today = timezone.localdate()
    now = timezone.now()
    inside = LeadFactory(owner=owner, created_at=now - datetime.timedelta(days=30))
    LeadFactory(owner=owner, created_at=now - datetime.timedelta(days=40))
    stale = KpiSnapshot.objects.create(
        day=today - datetime.timedelta(days=3), owner=owner, metric="funnel_leads",
        numerator=99, denominator=99,
    )  # fmt: skip
    kpi_rollup_nightly()
    leads = KpiSnapshot.objects.filter(metric="funnel_leads")
    assert list(leads.values_list("day", "numerator")) == [
        (timezone.localdate(inside.created_at), Decimal(1))
    ]
    assert not KpiSnapshot.objects.filter(pk=stale.pk).exists()


def test_command_backfills_a_range_and_refuses_bad_dates():
    owner = user_with("sales")
    LeadFactory(owner=owner, created_at=timezone.now() - datetime.timedelta(days=100))
    day = timezone.localdate() - datetime.timedelta(days=100)
    call_command("kpi_rollup", "--from", (day - datetime.timedelta(days=1)).isoformat(),
                 "--to", (day + datetime.timedelta(days=1)).isoformat())  # fmt: skip
    assert KpiSnapshot.objects.filter(metric="funnel_leads").count() == 1
    with pytest.raises(CommandError):
        call_command("kpi_rollup", "--from", "2026-02-30", "--to", "2026-03-01")
    with pytest.raises(CommandError):
        call_command("kpi_rollup", "--from", "2026-03-02", "--to", "2026-03-01")
    call_command("kpi_rollup", "--months", "1", "--if-empty")  # snapshots exist: nothing
    assert KpiSnapshot.objects.filter(metric="funnel_leads").count() == 1


def test_roles_see_their_family_of_metrics_for_everyone():
    seller = user_with("sales")
    for metric, currency in (("collected", "CNY"), ("win_rate", ""), ("csat", "")):
        KpiSnapshot.objects.create(day=datetime.date(2026, 3, 2), owner=seller, metric=metric,
                                   currency=currency, numerator=1, denominator=1)  # fmt: skip

    def seen(role, metric):
        client = APIClient()
        client.force_authenticate(user_with(role))
        r = client.get(
            "/api/v1/kpis/", {"metric": metric, "from": "2026-03-01", "to": "2026-03-31"}
        )
        assert r.status_code == 200
        return len(r.json()["values"])

    assert seen("finance", "collected") == 1
    assert seen("finance", "win_rate") == 0
    assert seen("service", "csat") == 1
    assert seen("service", "collected") == 0
    assert seen("marketing", "win_rate") == 0
    assert seen("manager", "win_rate") == 1
