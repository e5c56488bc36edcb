"""Demo billing: the deposit invoices drafted when the demo contracts were signed, issued by
finance (one of them weeks ago, so it is overdue) and one paid; a hand-made invoice long past
due; so the work queue, the aging report and DSO have something to show. Idempotent: runs
only while no invoice has been issued."""

import datetime
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.utils import timezone

from customers.models import Account

from . import dunning, services
from .models import Invoice, InvoiceStatus


def seed(out):
    finance = get_user_model().objects.filter(username="finance").first()
    if finance is None or Invoice.objects.exclude(number=None).exists():
        out.write(f"Invoices: {Invoice.objects.count()}\n")
        return
    today = timezone.localdate()
    account = Account.objects.order_by("pk").first()
    if account is not None:
        old = services.invoice_create(
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
            obj=old,
            user=finance,
            data={"issue_date": (today - datetime.timedelta(days=100)).isoformat()},
        )
    drafts = list(Invoice.objects.filter(status=InvoiceStatus.DRAFT).order_by("pk"))
    if drafts:
        # issued 40 days ago with 30-day terms: 10 days past due
        late = services.invoice_issue(
            obj=drafts[0],
            user=finance,
            data={"issue_date": (today - datetime.timedelta(days=40)).isoformat()},
        )
        services.payment_record(
            user=finance,
            account=late.account,
            amount=(late.total * Decimal("0.2")).quantize(Decimal("0.01")),
            currency=late.currency,
            reference="DEMO-PART",
            allocations=[
                {
                    "invoice": late.pk,
                    "amount": (late.total * Decimal("0.2")).quantize(Decimal("0.01")),
                }
            ],
        )
    if len(drafts) > 1:
        paid = services.invoice_issue(obj=drafts[1], user=finance, data={})
        services.payment_record(
            user=finance,
            account=paid.account,
            amount=paid.total,
            currency=paid.currency,
            reference=paid.number,
            allocations=[{"invoice": paid.pk, "amount": paid.total}],
        )
    dunning.mark_overdue()
    out.write(f"Invoices: {Invoice.objects.count()}\n")
