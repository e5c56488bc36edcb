"""The columns of the invoice and payment list pages (listviews): the page draws the first
ones itself; the others read what the export reads. Amounts only for the roles that see
money. Sorts only on indexed fields."""

from django.utils.translation import gettext_lazy as _

from listviews.lists import ListColumn, ListSpec, from_export, register
from roles.permissions import has_role

from .exports import INVOICES, PAYMENTS
from .forms import InvoiceFilterForm, PaymentFilterForm
from .selectors import sees_money

INVOICE_LIST = register(
    ListSpec(
        name="invoices",
        title=_("Invoices"),
        url_name="billing:invoice-list",
        filter_form=InvoiceFilterForm,
        only_for=lambda user: sees_money(user) or has_role(user, "sales", "marketing"),
        columns=(
            ListColumn("number", _("Invoice"), sort="number"),
            ListColumn("status", _("Status"), sort="status"),
            ListColumn("issued", _("Issued")),
            ListColumn("due", _("Due"), sort="due_date"),
            ListColumn("total", _("Total"), numeric=True, when=sees_money),
            ListColumn("balance", _("Balance"), numeric=True, when=sees_money),
            ListColumn("created", _("Created"), sort="created_at", default=False),
            from_export(INVOICES, "contract"),
            from_export(INVOICES, "subtotal"),
            from_export(INVOICES, "tax"),
            from_export(INVOICES, "amount_paid"),
        ),
    )
)

PAYMENT_LIST = register(
    ListSpec(
        name="payments",
        title=_("Payments"),
        url_name="billing:payment-list",
        filter_form=PaymentFilterForm,
        only_for=sees_money,
        columns=(
            ListColumn("payment", _("Payment"), sort="pk"),
            ListColumn("status", _("Status"), sort="status"),
            ListColumn("date", _("Date")),
            ListColumn("reference", _("Reference"), sort="reference"),
            ListColumn("amount", _("Amount"), numeric=True),
            ListColumn("unallocated", _("Unallocated"), numeric=True),
            ListColumn("created", _("Created"), sort="created_at", default=False),
            from_export(PAYMENTS, "method"),
            from_export(PAYMENTS, "allocated"),
            from_export(PAYMENTS, "invoices"),
        ),
    )
)
