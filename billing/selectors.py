"""Role-aware reads of billing records, shared by pages and the API (DESIGN.md, record
visibility).

finance and the manager (read-only): every invoice, payment, credit note and bank line.
sales: the invoices of accounts they own (or their team's, as team lead) and of contracts
they own, status only (no edit). marketing: invoices without money fields. Others: none.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import (
    BooleanField,
    Count,
    DecimalField,
    ExpressionWrapper,
    F,
    Q,
    QuerySet,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from ltc.money import ZERO
from ltc.summaries import by_currency, list_url, sees_none
from roles.permissions import has_role, team_member_ids

from .models import (
    OPEN_STATES,
    BankStatementLine,
    CreditNote,
    Invoice,
    Payment,
    PaymentStatus,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import User

MONEY_ROLES = ("finance", "manager")
MONEY = DecimalField(max_digits=14, decimal_places=2)


# What every role that sees an invoice reads; the rest is for finance and the manager.
INVOICE_STATUS_FIELDS = [
    "id",
    "number",
    "status",
    "account",
    "account_name",
    "contract",
    "issue_date",
    "due_date",
]


def sees_money(user: User) -> bool:
    """May see amounts of invoices and payments (finance, manager, superuser)."""
    return bool(
        user and user.is_authenticated and (user.is_superuser or has_role(user, *MONEY_ROLES))
    )


def invoice_visibility(user: User) -> Q | None:
    if not user.is_authenticated:
        return Q(pk__in=[])
    if sees_money(user) or has_role(user, "marketing"):
        return None
    if has_role(user, "sales"):
        team = team_member_ids(user)
        return Q(account__owner_id__in=team) | Q(contract__owner_id__in=team)
    return Q(pk__in=[])


def invoice_list(*, user: User) -> QuerySet[Invoice]:
    qs = Invoice.objects.select_related("account", "contract", "milestone")
    rule = invoice_visibility(user)
    return qs if rule is None else qs.filter(rule)


def _finance_only(qs, user: User):
    return qs if sees_money(user) else qs.none()


def payment_list(*, user: User) -> QuerySet[Payment]:
    return _finance_only(Payment.objects.select_related("account"), user)


def credit_note_list(*, user: User) -> QuerySet[CreditNote]:
    return _finance_only(CreditNote.objects.select_related("invoice", "invoice__account"), user)


def bank_line_list(*, user: User) -> QuerySet[BankStatementLine]:
    return _finance_only(BankStatementLine.objects.select_related("statement"), user)


def account_invoices_summary(*, record, user: User, limit: int) -> dict | None:
    """The account's invoices the viewer may see, with the open balance and the overdue
    amount by currency for finance and the manager only (roles that see amounts); others get
    the invoices' numbers, states and dates (three queries)."""
    if sees_none(invoice_visibility(user)):
        return None
    money = sees_money(user)
    today = timezone.localdate()
    qs = invoice_list(user=user).filter(account=record)
    is_open = Q(status__in=OPEN_STATES)
    is_overdue = is_open & Q(due_date__lt=today)
    counts = qs.aggregate(
        count=Count("pk"), open=Count("pk", filter=is_open), overdue=Count("pk", filter=is_overdue)
    )
    open_balance = overdue_amount = None
    if money:
        sums = list(
            qs.filter(is_open)
            .order_by()
            .values("currency")
            .annotate(
                open=Sum("balance"),
                overdue=Coalesce(Sum("balance", filter=Q(due_date__lt=today)), ZERO),
            )
            .order_by("currency")
        )
        open_balance = by_currency(sums, "open")
        overdue_amount = by_currency(sums, "overdue")
    shown = (
        {"shown_total": F("total"), "shown_balance": F("balance")}
        if money
        else {"shown_total": Value(None, MONEY), "shown_balance": Value(None, MONEY)}
    )
    items = qs.annotate(
        is_overdue=ExpressionWrapper(is_overdue, output_field=BooleanField()), **shown
    ).order_by("-created_at", "-pk")[:limit]
    return {
        **counts,
        "money": money,
        "open_balance": open_balance,
        "overdue_amount": overdue_amount,
        "items": list(items),
        "list_url": list_url("billing:invoice-list", record),
    }


def account_payments_summary(*, record, user: User, limit: int) -> dict | None:
    """The account's payments with the amount received by currency (reversed ones left
    out): finance and the manager only (two queries)."""
    if not sees_money(user):
        return None
    qs = payment_list(user=user).filter(account=record)
    sums = list(
        qs.exclude(status=PaymentStatus.REVERSED)
        .order_by()
        .values("currency")
        .annotate(amount=Sum("amount"), n=Count("pk"))
        .order_by("currency")
    )
    return {
        "count": qs.count(),
        "received": by_currency(sums),
        "items": list(qs.order_by("-date", "-pk")[:limit]),
        "list_url": list_url("billing:payment-list", record),
    }
