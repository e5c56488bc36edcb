"""Demo billing: the deposit invoices drafted when the demo contracts were signed, issued by
finance (one of them weeks ago, so it is overdue) and one paid; a hand-made invoice long past
due; so the work queue, the aging report and DSO have something to show. Idempotent: each
demo invoice is registered under a demo key and made once."""

import datetime
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.utils import timezone

from contracts.demo import DEALS
from customers.demo import ACCOUNTS, account_key
from customers.models import Account
from ltc.demo_records import demo_mark, demo_object
from opportunities.demo import opportunity_key
from opportunities.models import Opportunity

from . import dunning, services
from .models import Invoice, InvoiceStatus


def seed(out):
    finance = get_user_model().objects.filter(username="finance").first()
    if finance is None:
        return
    today = timezone.localdate()
    account = demo_object(account_key(ACCOUNTS[0][0]), Account)
    if account is not None and demo_object("invoice:old", Invoice) is None:
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
        demo_mark("invoice:old", old)
    deals = [demo_object(opportunity_key(name), Opportunity) for name, _a, _t in DEALS]
    drafts = list(
        Invoice.objects.filter(
            status=InvoiceStatus.DRAFT, contract__opportunity__in=[d for d in deals if d]
        ).order_by("pk")
    )
    if drafts and demo_object("invoice:late", Invoice) is None:
        # issued 40 days ago with 30-day terms: 10 days past due
        late = services.invoice_issue(
            obj=drafts[0],
            user=finance,
            data={"issue_date": (today - datetime.timedelta(days=40)).isoformat()},
        )
        demo_mark("invoice:late", late)
        drafts = drafts[1:]
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
    if drafts and demo_object("invoice:paid", Invoice) is None:
        paid = services.invoice_issue(obj=drafts[0], user=finance, data={})
        demo_mark("invoice:paid", paid)
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
