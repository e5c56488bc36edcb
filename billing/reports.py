"""Receivables reports: AR aging by account, DSO, the customer statement, and planned vs
invoiced vs collected per payment milestone. Each is a fixed number of SQL queries."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db.models import DecimalField, Q, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from .arithmetic import money
from .models import OPEN_STATES, CreditNote, Invoice, InvoiceStatus, Payment, PaymentStatus

ZERO = Decimal("0.00")
BUCKETS = ("current", "d1_30", "d31_60", "d61_90", "d90_plus")
MONEY = DecimalField(max_digits=16, decimal_places=2)


def _sum(condition: Q):
    return Coalesce(Sum("balance", filter=condition), Value(ZERO), output_field=MONEY)


def aging_buckets(today: datetime.date) -> dict:
    """Days past due of an open balance: current (not yet due), 1–30, 31–60, 61–90, 90+."""

    def past(days):
        return today - datetime.timedelta(days=days)

    return {
        "current": Q(due_date__gte=today),
        "d1_30": Q(due_date__lt=today, due_date__gte=past(30)),
        "d31_60": Q(due_date__lt=past(30), due_date__gte=past(60)),
        "d61_90": Q(due_date__lt=past(60), due_date__gte=past(90)),
        "d90_plus": Q(due_date__lt=past(90)),
    }


def open_invoices():
    return Invoice.objects.filter(status__in=OPEN_STATES, balance__gt=0)


def ar_aging(*, today: datetime.date | None = None, account=None) -> dict:
    """Open balances by account and currency in the aging buckets, computed in one SQL
    query, plus the totals per currency (currencies are never added together)."""
    today = today or timezone.localdate()
    qs = open_invoices()
    if account is not None:
        qs = qs.filter(account=account)
    buckets = aging_buckets(today)
    rows = list(
        qs.values("account_id", "account__name", "currency")
        .annotate(**{name: _sum(cond) for name, cond in buckets.items()}, total=_sum(Q()))
        .order_by("account__name", "account_id", "currency")
    )
    totals: dict[str, dict] = {}
    for row in rows:
        row["account_name"] = row.pop("account__name")
        for name in (*BUCKETS, "total"):
            row[name] = money(row[name])
        bucket = totals.setdefault(row["currency"], {b: ZERO for b in (*BUCKETS, "total")})
        for name in (*BUCKETS, "total"):
            bucket[name] += row[name]
    return {
        "as_of": today,
        "buckets": BUCKETS,
        "rows": rows,
        "totals": [{"currency": c, **v} for c, v in sorted(totals.items())],
    }


def dso(*, today: datetime.date | None = None, days: int = 90) -> list[dict]:
    """DSO per currency (DESIGN.md): open receivables ÷ credit sales in the period × days in
    the period. Credit sales are the invoices issued in the period (not void); the period is
    the `days` days ending today. None when there were no sales."""
    today = today or timezone.localdate()
    start = today - datetime.timedelta(days=days - 1)
    receivables = dict(
        open_invoices()
        .values("currency")
        .annotate(s=Sum("balance"))
        .values_list("currency", "s")
        .order_by()
    )
    sales = dict(
        Invoice.objects.filter(issue_date__gte=start, issue_date__lte=today)
        .exclude(status__in=[InvoiceStatus.DRAFT, InvoiceStatus.VOID])
        .values("currency")
        .annotate(s=Sum("total"))
        .values_list("currency", "s")
        .order_by()
    )
    out = []
    for currency in sorted(set(receivables) | set(sales)):
        open_ar = money(receivables.get(currency) or ZERO)
        sold = money(sales.get(currency) or ZERO)
        value = (open_ar / sold * days).quantize(Decimal("0.1")) if sold else None
        out.append(
            {
                "currency": currency,
                "open_receivables": open_ar,
                "credit_sales": sold,
                "period_days": days,
                "period_start": start,
                "period_end": today,
                "dso": value,
            }
        )
    return out


def customer_statement(account, *, today: datetime.date | None = None) -> dict:
    """Every issued invoice, payment and credit note of the account in date order with the
    running balance per currency, and the aging of what is open."""
    today = today or timezone.localdate()
    invoices = list(
        Invoice.objects.filter(account=account)
        .exclude(status__in=[InvoiceStatus.DRAFT, InvoiceStatus.VOID])
        .order_by("issue_date", "pk")
    )
    payments = list(
        Payment.objects.filter(account=account)
        .exclude(status=PaymentStatus.REVERSED)
        .order_by("date", "pk")
    )
    credits = list(
        CreditNote.objects.filter(invoice__account=account)
        .select_related("invoice")
        .order_by("issue_date", "pk")
    )
    entries = (
        [
            {
                "date": i.issue_date,
                "kind": "invoice",
                "ref": i.number,
                "debit": i.total,
                "credit": ZERO,
                "currency": i.currency,
                "due": i.due_date,
            }
            for i in invoices
        ]
        + [
            {
                "date": p.date,
                "kind": "payment",
                "ref": p.reference or str(p),
                "debit": ZERO,
                "credit": p.amount,
                "currency": p.currency,
                "due": None,
            }
            for p in payments
        ]
        + [
            {
                "date": c.issue_date,
                "kind": "credit_note",
                "ref": f"{c.number} ({c.invoice.number})",
                "debit": ZERO,
                "credit": c.amount,
                "currency": c.invoice.currency,
                "due": None,
            }
            for c in credits
        ]
    )
    order = {"invoice": 0, "credit_note": 1, "payment": 2}
    entries.sort(key=lambda e: (e["currency"], e["date"], order[e["kind"]]))
    running: dict[str, Decimal] = {}
    for entry in entries:
        running[entry["currency"]] = (
            running.get(entry["currency"], ZERO) + entry["debit"] - entry["credit"]
        )
        entry["balance"] = running[entry["currency"]]
    return {
        "account": account,
        "today": today,
        "entries": entries,
        "balances": sorted(running.items()),
        "aging": ar_aging(today=today, account=account),
        "open_invoices": [i for i in invoices if i.status in OPEN_STATES and i.balance > 0],
    }


def milestone_billing(contract) -> list[dict]:
    """Planned vs invoiced vs collected per payment milestone of a contract (two queries).
    invoiced: issued invoices (not void, not draft); drafted: waiting to be issued;
    collected: payments applied to them."""
    milestones = list(contract.milestones.order_by("position", "pk"))
    invoices = Invoice.objects.filter(milestone__in=milestones).exclude(status=InvoiceStatus.VOID)
    by_milestone: dict[int, list[Invoice]] = {}
    for invoice in invoices:
        by_milestone.setdefault(invoice.milestone_id, []).append(invoice)
    rows = []
    for m in milestones:
        mine = by_milestone.get(m.pk, [])
        issued = [i for i in mine if i.status != InvoiceStatus.DRAFT]
        rows.append(
            {
                "milestone": m,
                "name": m.name,
                "trigger": m.get_trigger_display(),
                "planned": m.amount,
                "drafted": sum((i.total for i in mine if i.status == InvoiceStatus.DRAFT), ZERO),
                "invoiced": sum((i.total for i in issued), ZERO),
                "collected": sum((i.amount_paid for i in issued), ZERO),
                "credited": sum((i.amount_credited for i in issued), ZERO),
                "open": sum((i.balance for i in issued), ZERO),
                "invoices": mine,
            }
        )
    return rows
