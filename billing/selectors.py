"""Role-aware reads of billing records, shared by pages and the API (DESIGN.md, record
visibility).

finance and the manager (read-only): every invoice, payment, credit note and bank line.
sales: the invoices of accounts they own (or their team's, as team lead) and of contracts
they own, status only (no edit). marketing: invoices without money fields. Others: none.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet

from roles.permissions import has_role, team_member_ids

from .models import BankStatementLine, CreditNote, Invoice, Payment

if TYPE_CHECKING:
    from django.contrib.auth.models import User

MONEY_ROLES = ("finance", "manager")


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
