"""Demo billing: a year of history (ltc/history.py: the invoices the history deals' milestones
drafted, issued and paid at their planned moments, some late), then the deposit invoices
drafted when the current demo contracts were signed, issued by finance (one of them weeks
ago, so it is overdue) and one paid, and a hand-made invoice long past due; so the work
queue, the aging report, DSO and the KPI trends have something to show. Invoices are issued
in date order (numbers are gapless by issue date). Idempotent: runs only while no invoice
has been issued."""

import datetime
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.utils import timezone

from customers.models import Account
from ltc import history

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
    if finance is None or Invoice.objects.exclude(number=None).exists():
        out.write(f"Invoices: {Invoice.objects.count()}\n")
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
    plan = {deal.company: deal for deal in history.deals()}
    drafts = Invoice.objects.filter(
        status=InvoiceStatus.DRAFT,
        milestone__isnull=False,
        contract__opportunity__lead__company__in=list(plan),
    ).select_related("milestone", "contract__opportunity__lead")
    for invoice in drafts:
        deal = plan[invoice.contract.opportunity.lead.company]
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
        events.append((issued_at, invoice.pk, _issue_and_pay(invoice, finance, issued_at, paid_at)))
    return events


def _issue_and_pay(invoice, finance, issued_at, paid_at):
    def action():
        with history.frozen(issued_at):
            issued = services.invoice_issue(
                obj=invoice, user=finance, data={"issue_date": issued_at.date().isoformat()}
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
    partly paid, another issued and paid today."""
    events = []
    stamp = timezone.make_aware(datetime.datetime.combine(today, datetime.time(0, 0)))
    account = Account.objects.order_by("pk").first()
    if account is not None:

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
            services.invoice_issue(
                obj=invoice,
                user=finance,
                data={"issue_date": (today - datetime.timedelta(days=100)).isoformat()},
            )

        events.append((stamp - datetime.timedelta(days=100), 0, old))
    history_companies = [deal.company for deal in history.deals()]
    drafts = list(
        Invoice.objects.filter(status=InvoiceStatus.DRAFT)
        .exclude(contract__opportunity__lead__company__in=history_companies)
        .order_by("pk")
    )
    if drafts:

        def late():
            # issued 40 days ago with 30-day terms: 10 days past due, a fifth paid
            issued = services.invoice_issue(
                obj=drafts[0],
                user=finance,
                data={"issue_date": (today - datetime.timedelta(days=40)).isoformat()},
            )
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
    if len(drafts) > 1:

        def paid():
            issued = services.invoice_issue(obj=drafts[1], user=finance, data={})
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
