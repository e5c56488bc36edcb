"""Overdue invoices and dunning (DESIGN.md: invoices past due → mark_overdue; reminders at
configurable days past due; finance and the account owner notified). Idempotent: a
DunningNotice row per invoice and threshold (unique) and notifications.services.notify keys make a
second run send nothing."""

from __future__ import annotations

import datetime
import logging

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop
from django_fsm import ConcurrentTransition, TransitionNotAllowed

from ltc.faults import fault_point
from ltc.transitions import perform_transition
from notifications import outbox
from notifications.messages import Message, Money
from notifications.services import notify
from roles.permissions import users_with_role
from rules import accessors as rule_values

from .models import DunningNotice, Invoice, InvoiceStatus

log = logging.getLogger(__name__)
S = InvoiceStatus


def mark_overdue(*, today=None) -> int:
    """issued / partially paid, past the due date with a balance → overdue (system)."""
    today = today or timezone.localdate()
    count = 0
    due = Invoice.objects.filter(
        status__in=[S.ISSUED, S.PARTIALLY_PAID], due_date__lt=today, balance__gt=0
    ).order_by("due_date", "pk")
    for invoice in due.iterator(chunk_size=200):
        try:
            perform_transition(obj=invoice, name="mark_overdue", user=None, system=True)
        except (TransitionNotAllowed, ConcurrentTransition, ValidationError):
            continue  # paid or changed meanwhile
        count += 1
    return count


def thresholds() -> list[int]:
    return rule_values.dunning_days()


def _email(address: str, invoice: Invoice, days: int):
    """The reminder to the billing contact, written to the outbox in the notice's transaction
    (the DunningNotice row and the email commit together, so a re-run sends nothing twice)."""
    outbox.queue_email(
        to=[address],
        subject=_("Reminder: invoice %(number)s is %(days)s days past due")
        % {"number": invoice.number, "days": days},
        body=_(
            "Dear customer,\n\nour invoice %(number)s of %(issued)s over %(total)s "
            "%(currency)s "
            "was due on %(due)s. The open balance is %(balance)s %(currency)s. Please pay it "
            "or tell us if anything is wrong.\n"
        )
        % {
            "number": invoice.number,
            "issued": invoice.issue_date,
            "total": invoice.total,
            "currency": invoice.currency,
            "due": invoice.due_date,
            "balance": invoice.balance,
        },
    )


def send_dunning(*, today=None) -> int:
    """For each overdue invoice, the highest threshold it has reached: once per invoice and
    threshold, a reminder to the billing contact, and a notice to finance and the owner."""
    from .services import billing_address

    today = today or timezone.localdate()
    days_list = thresholds()
    if not days_list:
        return 0
    first = today - datetime.timedelta(days=days_list[0])
    overdue = (
        Invoice.objects.filter(status=S.OVERDUE, balance__gt=0, due_date__lte=first)
        .select_related("account", "account__owner")
        .order_by("due_date", "pk")
    )
    finance = list(users_with_role("finance"))
    sent = 0
    for invoice in overdue.iterator(chunk_size=200):
        late = (today - invoice.due_date).days
        days = max(d for d in days_list if d <= late)
        address = billing_address(invoice)
        try:
            with transaction.atomic():
                DunningNotice.objects.create(invoice=invoice, days=days, sent_to=address)
                people = list(finance)
                if invoice.account.owner and invoice.account.owner not in people:
                    people.append(invoice.account.owner)
                for person in people:
                    notify(
                        recipient=person,
                        key=f"dunning:{invoice.pk}:{days}",
                        title=Message(
                            gettext_noop(
                                "Invoice %(number)s of %(account)s is %(days)s days past due"
                            ),
                            number=invoice.number,
                            account=invoice.account,
                            days=late,
                        ),
                        body=Message(
                            gettext_noop(
                                "Open balance %(balance)s; a reminder was sent to %(to)s."
                            ),
                            balance=Money(invoice.balance, invoice.currency),
                            to=address or gettext_lazy("nobody (no billing contact)"),
                        ),
                        url=invoice.get_absolute_url(),
                    )
                if address:
                    _email(address, invoice, late)
                fault_point("dunning")
        except IntegrityError:
            continue  # already sent for this threshold
        sent += 1
    return sent
