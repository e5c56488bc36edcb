"""The columns of the invoice and payment exports (lists, API, bulk, importers).

Amounts and payment links are read by the roles that see money only (finance, manager);
sales and marketing export the status columns, as the list shows them. Chain links: an
invoice names its contract, payment milestone, payments and credit notes; a payment the
invoices it is allocated to."""

from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _

from ltc.exports import Column, Export, register

from .models import PaymentAllocation
from .selectors import sees_money


def _live(allocations):
    return [a for a in allocations.all() if not a.reversed]


INVOICES = register(
    Export(
        name="invoices",
        title=_("Invoices"),
        select_related=("account", "contract", "milestone"),
        prefetch_related=(
            Prefetch("allocations", queryset=PaymentAllocation.objects.order_by("pk")),
            "credit_notes",
        ),
        columns=(
            Column("id", _("ID"), "pk", "number"),
            Column("number", _("Number"), "number"),
            Column("status", _("Status"), "get_status_display"),
            Column("account_id", _("Account ID"), "account_id", "number"),
            Column("account", _("Account"), "account.name"),
            Column("account_tax_id", _("Account tax ID"), "account.tax_id"),
            Column("contract", _("Contract"), "contract.number"),
            Column("milestone_id", _("Milestone ID"), "milestone_id", "number"),
            Column("issue_date", _("Issued"), "issue_date", "date"),
            Column("due_date", _("Due"), "due_date", "date"),
            Column("currency", _("Currency"), "currency"),
            Column("subtotal", _("Subtotal"), "subtotal", "money", when=sees_money),
            Column("tax", _("Tax"), "tax", "money", when=sees_money),
            Column("total", _("Total"), "total", "money", when=sees_money),
            Column("amount_paid", _("Paid"), "amount_paid", "money", when=sees_money),
            Column("amount_credited", _("Credited"), "amount_credited", "money", when=sees_money),
            Column("balance", _("Balance"), "balance", "money", when=sees_money),
            Column(
                "payments",
                _("Payments"),
                lambda i: sorted({a.payment_id for a in _live(i.allocations)}),
                "ids",
                when=sees_money,
            ),
            Column(
                "credit_notes",
                _("Credit notes"),
                lambda i: [n.number for n in i.credit_notes.all()],
                "ids",
                when=sees_money,
            ),
        ),
    )
)

PAYMENTS = register(
    Export(
        name="payments",
        title=_("Payments"),
        select_related=("account",),
        prefetch_related=(
            Prefetch(
                "allocations",
                queryset=PaymentAllocation.objects.select_related("invoice").order_by("pk"),
            ),
        ),
        only_for=sees_money,
        columns=(
            Column("id", _("ID"), "pk", "number"),
            Column("date", _("Date received"), "date", "date"),
            Column("account_id", _("Account ID"), "account_id", "number"),
            Column("account", _("Account"), "account.name"),
            Column("status", _("Status"), "get_status_display"),
            Column("method", _("Method"), "get_method_display"),
            Column("reference", _("Reference"), "reference"),
            Column("amount", _("Amount"), "amount", "money"),
            Column("allocated", _("Allocated"), "amount_allocated", "money"),
            Column("currency", _("Currency"), "currency"),
            Column(
                "invoices",
                _("Invoices"),
                lambda p: [a.invoice.number or a.invoice_id for a in _live(p.allocations)],
                "ids",
            ),
        ),
    )
)
