"""`manage.py seed_demo` seeds a year of history in every stage: back-dated transition-log
rows across twelve months, records whose own dates match, deals carried from lead to paid
invoices; a second run adds nothing."""

from __future__ import annotations

import datetime
import io

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db.models import Count
from django.db.models.functions import TruncMonth
from django.utils import timezone

from billing.models import Invoice, Payment
from feedback.models import Survey
from leads.models import Lead
from ltc.models import TransitionLog
from orders.models import Order

pytestmark = pytest.mark.django_db


def counts():
    return (
        TransitionLog.objects.count(),
        Lead.objects.count(),
        Invoice.objects.count(),
        Payment.objects.count(),
        Survey.objects.exclude(answered_at=None).count(),
    )


def test_seed_demo_has_a_year_of_history_and_is_idempotent():
    call_command("seed_demo", stdout=io.StringIO())
    now = timezone.now()
    year_ago = now - datetime.timedelta(days=366)
    months = (
        TransitionLog.objects.filter(at__gte=year_ago, at__lt=now)
        .annotate(month=TruncMonth("at"))
        .values("month")
        .annotate(n=Count("pk"))
    )
    assert len(months) >= 12
    assert not TransitionLog.objects.filter(at__gt=now).exists()
    # every stage has back-dated work, with the records' own dates in step with the log
    old = now - datetime.timedelta(days=180)
    assert Lead.objects.filter(created_at__lt=old, status="converted").exists()
    accepted = Order.objects.filter(status="accepted", accepted_on__lt=old.date())
    assert accepted.exists()
    for order in accepted[:3]:
        entry = TransitionLog.objects.get(
            content_type=ContentType.objects.get_for_model(Order),
            object_id=order.pk,
            transition="accept",
        )
        assert timezone.localtime(entry.at).date() == order.accepted_on
    paid = Invoice.objects.filter(status="paid", paid_at__lt=old)
    assert paid.count() >= 10
    assert Payment.objects.filter(date__lt=old.date()).exists()
    assert Survey.objects.filter(answered_at__lt=old).exists()
    # deals accepted and paid in full have completed their contracts; none is left signed
    # though done
    from billing.services import contract_is_done
    from contracts.models import Contract

    assert Contract.objects.filter(status="completed", orders__in=accepted).exists()
    assert not [c for c in Contract.objects.filter(status="signed") if contract_is_done(c)]
    before = counts()
    call_command("seed_demo", stdout=io.StringIO())
    assert counts() == before
