"""Invoices and payments made through the services, as finance would."""

from __future__ import annotations

import datetime
from decimal import Decimal

from billing import services
from billing.models import Invoice
from customers.tests.factories import AccountFactory
from roles.tests.factories import user_with


def finance_user():
    return user_with("finance")


def draft_invoice(*, account=None, user=None, lines=None, terms=30, currency=None) -> Invoice:
    user = user or finance_user()
    account = account or AccountFactory()
    lines = lines or [
        {"description": "Consulting", "quantity": "2", "unit_price": "500.00", "tax_rate": "13"}
    ]
    return services.invoice_create(
        user=user, account=account, lines=lines, payment_terms_days=terms, currency=currency
    )


def issued_invoice(*, user=None, issue_date: datetime.date | None = None, **kwargs) -> Invoice:
    """Issued today (or on `issue_date`); total 1130.00 with the default line."""
    user = user or finance_user()
    invoice = draft_invoice(user=user, **kwargs)
    data = {"issue_date": issue_date.isoformat()} if issue_date else {}
    return services.invoice_issue(obj=invoice, user=user, data=data)


def pay(invoice: Invoice, amount, *, user=None, **kwargs):
    user = user or finance_user()
    return services.payment_record(
        user=user,
        account=invoice.account,
        amount=Decimal(str(amount)),
        currency=invoice.currency,
        allocations=[{"invoice": invoice.pk, "amount": str(amount)}],
        **kwargs,
    )


def invoice_in(state: str, *, account=None, **kwargs) -> Invoice:
    """An invoice already in `state` (fixture shortcut: the figures are consistent, the state
    is set directly; the rules are tested through the services)."""
    from django.utils import timezone

    if state == "draft":
        return draft_invoice(account=account, **kwargs)
    invoice = issued_invoice(account=account, **kwargs)
    if state == "issued":
        return invoice
    fields = {"status": state}
    if state == "partially_paid":
        fields.update(amount_paid=Decimal("100.00"), balance=invoice.total - Decimal("100.00"))
    elif state == "paid":
        fields.update(amount_paid=invoice.total, balance=Decimal("0.00"), paid_at=timezone.now())
    elif state == "overdue":
        fields.update(due_date=timezone.localdate() - datetime.timedelta(days=5))
    elif state == "void":
        fields.update(void_reason="test", voided_at=timezone.now())
    Invoice.objects.filter(pk=invoice.pk).update(**fields)
    invoice.refresh_from_db()
    return invoice
