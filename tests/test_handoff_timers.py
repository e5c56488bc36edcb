"""Every hand-off of DESIGN.md runs on the one timer mechanism (ltc/timers.py), and each
reminds once and escalates once."""

import datetime

import pytest
from django.utils import timezone

from billing.models import Invoice
from billing.tests.factories import draft_invoice
from contracts.models import Contract
from contracts.tests.factories import contract_in, draft_contract
from ltc import timers
from notifications.models import Notification
from roles.permissions import users_with_role
from roles.tests.factories import user_with

pytestmark = pytest.mark.django_db
HOUR = datetime.timedelta(hours=1)


def test_every_hand_off_has_a_timer():
    assert {
        "lead_assignment",
        "lead_first_touch",
        "opportunity_quote",
        "quote_sign_off",
        "contract_review",
        "order_fulfilment",
        "invoice_issue",
        "ticket_first_response",
    } <= set(timers.TIMERS)


def fires_once(name, *, late_by):
    """Remind at the target, escalate past target × factor, then nothing more."""
    timer = timers.TIMERS[name]
    now = timezone.now()
    first = timers.check(timer, now=now + late_by)
    again = timers.check(timer, now=now + late_by)
    later = timers.check(timer, now=now + late_by + timer.escalate_after)
    last = timers.check(timer, now=now + late_by + timer.escalate_after)
    return first, again, later, last


def test_contract_review_reminds_finance_then_escalates_once():
    finance = user_with("finance", username="fin")
    boss = user_with("manager", username="boss")
    contract = contract_in("in_review")
    Contract.objects.filter(pk=contract.pk).update(submitted_at=timezone.now() - 25 * HOUR)
    first, again, later, last = fires_once("contract_review", late_by=datetime.timedelta(0))
    assert first == {"reminded": 1, "escalated": 0}
    assert again == {"reminded": 0, "escalated": 0}
    assert later == {"reminded": 0, "escalated": 1}
    assert last == {"reminded": 0, "escalated": 0}
    assert (
        Notification.objects.filter(recipient=finance, key__startswith="handoff-remind:").count()
        == 1
    )
    assert (
        Notification.objects.filter(recipient=boss, key__startswith="handoff-escalate:").count()
        == 1
    )


def test_invoice_issue_after_a_milestone_reminds_finance_once():
    finance = user_with("finance", username="fin")
    user_with("manager")
    contract = draft_contract()
    invoice = draft_invoice(account=contract.account)
    Invoice.objects.filter(pk=invoice.pk).update(
        milestone=contract.milestones.first(), created_at=timezone.now() - 30 * HOUR
    )
    people = users_with_role("finance").count()  # draft_invoice brings its own finance user
    first, again, later, last = fires_once("invoice_issue", late_by=datetime.timedelta(0))
    assert (first["reminded"], again["reminded"]) == (people, 0)
    assert (later["escalated"], last["escalated"]) == (1, 0)
    assert Notification.objects.filter(recipient=finance).count() == 1


def test_by_hand_drafts_are_not_hand_offs():
    user_with("finance")
    invoice = draft_invoice()
    Invoice.objects.filter(pk=invoice.pk).update(created_at=timezone.now() - 30 * HOUR)
    assert timers.check(timers.TIMERS["invoice_issue"]) == {"reminded": 0, "escalated": 0}


def test_the_check_task_runs_every_timer_and_where_work_waits_lists_them():
    from ltc.tasks import check_handoff_timers

    assert set(check_handoff_timers()) == set(timers.TIMERS)
    assert {row["name"] for row in timers.where_work_waits()} == set(timers.TIMERS)
