"""Bulk actions on the invoices list: run a transition (each record checked as a single one),
tag, export the selection."""

from django.utils.translation import gettext_lazy as _

from ltc.bulk import BulkList, register

from .selectors import invoice_list

INVOICES = register(
    BulkList(
        name="invoices",
        label=_("Invoices"),
        queryset=lambda user: invoice_list(user=user),
        export="invoices",
    )
)
