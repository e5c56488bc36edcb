"""Demo billing: a year of history (ltc/history.py: the invoices the history deals' milestones
drafted, issued and paid at their planned moments, some late), then the deposit invoices
drafted when the current demo contracts were signed, issued by finance (one of them weeks
ago, so it is overdue) and one paid, and a hand-made invoice long past due; so the work
queue, the aging report, DSO and the KPI trends have something to show. Invoices are issued
in date order (numbers are gapless by issue date). Idempotent: the history deals are reached
through their leads' demo keys and only their drafts are issued; each present-day invoice is
registered under a demo key and made once."""

import datetime
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.utils import timezone

from contracts.demo import DEALS
from customers.demo import ACCOUNTS, account_key
from customers.models import Account
from leads.models import Lead
from ltc import history
from ltc.demo_records import demo_mark, demo_object
from opportunities.demo import opportunity_key
from opportunities.models import Opportunity

from . import dunning, services
from .models import Invoice, InvoiceStatus

# milestone trigger -> the plan's issue and payment steps (ltc/history.py)
HISTORY_STEPS = {
    "on_signing": ("issue_signing", "pay_signing", False),
    "on_delivery": ("issue_delivery", "pay_delivery", True),
    "on_acceptance": ("issue_acceptance", "pay_acceptance", True),
}


def seed(out):
    finance = get_user_model().objects.filter(username="finance").first()
    if finance is None:
        return
    today = timezone.localdate()
    events = _history_events(finance) + _current_events(finance, today)
    # Issue dates only move forward within a year: run everything in date order.
    for _when, _order, action in sorted(events, key=lambda e: (e[0], e[1])):
        action()
    dunning.mark_overdue()
    out.write(f"Invoices: {Invoice.objects.count()}\n")


def _history_events(finance) -> list:
    events = []
    for deal in history.deals():
        lead = demo_object(history.lead_key(deal), Lead)
        if lead is None:
            continue
        drafts = Invoice.objects.filter(
            status=InvoiceStatus.DRAFT, milestone__isnull=False, contract__opportunity__lead=lead
        ).select_related("milestone")
        for invoice in drafts:
            issue_step, pay_step, after_delivery = HISTORY_STEPS.get(
                invoice.milestone.trigger, (None, None, False)
            )
            if issue_step is None:
                continue
            shift = deal.late_delivery_days if after_delivery else 0
            issued_at = deal.at(issue_step, shift)
            paid_at = deal.at(pay_step, shift + deal.late_payment_days)
            if not history.due(issued_at):
                continue
            action = _issue_and_pay(invoice, finance, issued_at, paid_at)
            events.append((issued_at, invoice.pk, action))
    return events


def _issue_and_pay(invoice, finance, issued_at, paid_at):
    def action():
        with history.frozen(issued_at):
            issued = services.invoice_issue(
                obj=Invoice.objects.get(pk=invoice.pk),
                user=finance,
                data={"issue_date": issued_at.date().isoformat()},
            )
        if not history.due(paid_at):
            return
        with history.frozen(paid_at):
            services.payment_record(
                user=finance,
                account=issued.account,
                amount=issued.total,
                currency=issued.currency,
                date=paid_at.date(),
                reference=f"{issued.number}",
                allocations=[{"invoice": issued.pk, "amount": issued.total}],
            )

    return action


def _current_events(finance, today) -> list:
    """The present-day demo: a hand-made invoice 100 days old, a deposit 40 days old and
    partly paid, another issued and paid today; each made once, under its demo key."""
    events = []
    stamp = timezone.make_aware(datetime.datetime.combine(today, datetime.time(0, 0)))
    account = demo_object(account_key(ACCOUNTS[0][0]), Account)
    if account is not None and demo_object("invoice:old", Invoice) is None:

        def old():
            invoice = services.invoice_create(
                user=finance,
                account=account,
                currency=account.currency,
                lines=[
                    {
                        "description": "年度维护服务 / Annual maintenance",
                        "quantity": "1",
                        "unit_price": "12000.00",
                        "tax_rate": "6",
                    }
                ],
            )
            issued = services.invoice_issue(
                obj=invoice,
                user=finance,
                data={"issue_date": (today - datetime.timedelta(days=100)).isoformat()},
            )
            demo_mark("invoice:old", issued)

        events.append((stamp - datetime.timedelta(days=100), 0, old))
    deals = [demo_object(opportunity_key(name), Opportunity) for name, _a, _t in DEALS]
    drafts = list(
        Invoice.objects.filter(
            status=InvoiceStatus.DRAFT, contract__opportunity__in=[d for d in deals if d]
        ).order_by("pk")
    )
    if drafts and demo_object("invoice:late", Invoice) is None:
        late_draft = drafts.pop(0)

        def late():
            # issued 40 days ago with 30-day terms: 10 days past due, a fifth paid
            issued = services.invoice_issue(
                obj=Invoice.objects.get(pk=late_draft.pk),
                user=finance,
                data={"issue_date": (today - datetime.timedelta(days=40)).isoformat()},
            )
            demo_mark("invoice:late", issued)
            part = (issued.total * Decimal("0.2")).quantize(Decimal("0.01"))
            services.payment_record(
                user=finance,
                account=issued.account,
                amount=part,
                currency=issued.currency,
                reference="DEMO-PART",
                allocations=[{"invoice": issued.pk, "amount": part}],
            )

        events.append((stamp - datetime.timedelta(days=40), 0, late))
    if drafts and demo_object("invoice:paid", Invoice) is None:
        paid_draft = drafts.pop(0)

        def paid():
            issued = services.invoice_issue(
                obj=Invoice.objects.get(pk=paid_draft.pk), user=finance, data={}
            )
            demo_mark("invoice:paid", issued)
            services.payment_record(
                user=finance,
                account=issued.account,
                amount=issued.total,
                currency=issued.currency,
                reference=issued.number,
                allocations=[{"invoice": issued.pk, "amount": issued.total}],
            )

        events.append((stamp + datetime.timedelta(hours=23), 0, paid))
    return events
