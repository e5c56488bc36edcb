"""The demo history's clock and plan: `frozen` moves every reader of Django's clock (now,
localdate, field defaults) and nothing else; `step` runs a transition at its moment only
when that moment has come and the record's state allows it."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from leads.tests.factories import lead_in
from ltc import history
from ltc.models import TransitionLog

pytestmark = pytest.mark.django_db

WHEN = timezone.make_aware(datetime.datetime(2025, 3, 4, 10, 30))


def test_frozen_moves_now_localdate_and_field_defaults_then_restores():
    before = timezone.now()
    with history.frozen(WHEN):
        assert timezone.now() == WHEN
        assert timezone.localdate() == timezone.localtime(WHEN).date()
        lead = lead_in("new")
        assert lead.created_at == WHEN
    assert timezone.now() >= before
    assert lead_in("new").created_at >= before


def test_step_runs_at_its_moment_and_logs_it_there():
    lead = lead_in("new")
    lead = history.step(lead, "start_work", lead.owner or _sales(lead), WHEN)
    assert lead.status == "working"
    entry = TransitionLog.objects.get(object_id=lead.pk, transition="start_work")
    assert entry.at == WHEN


def test_step_skips_a_moment_to_come_and_a_state_it_cannot_leave():
    lead = lead_in("new")
    user = _sales(lead)
    later = timezone.now() + datetime.timedelta(days=2)
    assert history.step(lead, "start_work", user, later).status == "new"
    assert history.step(lead, "qualify", user, WHEN).status == "new"  # not from new
    assert not TransitionLog.objects.filter(object_id=lead.pk).exists()


def test_the_plan_spans_a_year_and_is_the_same_every_time():
    today = datetime.date(2026, 6, 15)
    plan = history.deals(today)
    assert plan == history.deals(today)
    months = {(d.start.year, d.start.month) for d in plan}
    assert len(months) >= history.HISTORY_MONTHS
    assert min(d.start.date() for d in plan) >= today - datetime.timedelta(days=366)
    assert any(d.wins for d in plan) and any(not d.wins for d in plan)


def _sales(lead):
    from guardian.shortcuts import assign_perm

    from leads.models import Lead
    from roles.tests.factories import user_with

    user = user_with("sales")
    Lead.objects.filter(pk=lead.pk).update(owner=user)
    assign_perm("leads.view_lead", user, lead)
    lead.refresh_from_db()
    return user
