"""Overdue marking and dunning: runs twice, sends once; thresholds from LTC["DUNNING_DAYS"]."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.utils import timezone

from billing import dunning, tasks
from billing.models import DunningNotice, Invoice
from billing.tests.factories import issued_invoice, pay
from customers.tests.factories import AccountFactory, ContactFactory
from notifications.models import Notification
from roles.tests.factories import user_with

pytestmark = pytest.mark.django_db


def late_invoice(days_late: int, **kwargs) -> Invoice:
    """Issued with 30-day terms so that it is `days_late` days past due today."""
    issued_on = timezone.localdate() - datetime.timedelta(days=30 + days_late)
    return issued_invoice(issue_date=issued_on, terms=30, **kwargs)


def test_daily_task_twice_marks_and_sends_once(django_capture_on_commit_callbacks):
    owner = user_with("sales")
    finance = user_with("finance")
    account = AccountFactory(owner=owner)
    ContactFactory(account=account, email="ap@customer.example.com", is_billing=True)
    invoice = late_invoice(12, account=account, user=finance)
    not_yet = late_invoice(2, account=account, user=finance)
    current = issued_invoice(account=account, user=finance)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        first = tasks.billing_daily()
    with django_capture_on_commit_callbacks(execute=True):
        second = tasks.billing_daily()
    assert first["overdue"] == 2 and first["dunning"] == 1
    assert second["overdue"] == 0 and second["dunning"] == 0
    invoice.refresh_from_db()
    not_yet.refresh_from_db()
    current.refresh_from_db()
    assert (invoice.status, not_yet.status, current.status) == ("overdue", "overdue", "issued")
    # 12 days late: the 10-day reminder (the highest threshold reached), once
    assert list(DunningNotice.objects.values_list("invoice_id", "days")) == [(invoice.pk, 10)]
    customer_mails = [m for m in mail.outbox if m.to == ["ap@customer.example.com"]]
    assert len(customer_mails) == 1 and invoice.number in customer_mails[0].subject
    keys = set(Notification.objects.values_list("recipient__username", "key"))
    assert keys == {
        (finance.username, f"dunning:{invoice.pk}:10"),
        (owner.username, f"dunning:{invoice.pk}:10"),
    }


def test_next_threshold_sends_again_and_paid_invoices_are_left_alone():
    finance = user_with("finance")
    paid = late_invoice(40, user=finance)  # numbers follow issue dates: the older one first
    invoice = late_invoice(4, user=finance)
    pay(paid, paid.total, user=finance)
    dunning.mark_overdue()
    assert dunning.send_dunning() == 1
    later = timezone.localdate() + datetime.timedelta(days=7)  # 11 days late
    assert dunning.send_dunning(today=later) == 1
    assert dunning.send_dunning(today=later) == 0
    assert sorted(DunningNotice.objects.values_list("days", flat=True)) == [3, 10]
    paid.refresh_from_db()
    assert paid.status == "paid" and not paid.dunning.exists()
    assert invoice.pk in DunningNotice.objects.values_list("invoice_id", flat=True)


def test_partial_payment_of_an_overdue_invoice_keeps_it_overdue():
    finance = user_with("finance")
    invoice = late_invoice(5, user=finance)
    dunning.mark_overdue()
    pay(invoice, "100.00", user=finance)
    invoice.refresh_from_db()
    assert invoice.status == "overdue"
    pay(invoice, invoice.balance, user=finance)
    invoice.refresh_from_db()
    assert invoice.status == "paid"
