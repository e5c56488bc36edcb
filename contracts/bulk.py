"""Bulk actions on the contracts list: run a transition (each record checked as a single one),
tag, export the selection."""

from django.utils.translation import gettext_lazy as _

from ltc.bulk import BulkList, register

from .selectors import contract_list

CONTRACTS = register(
    BulkList(
        name="contracts",
        label=_("Contracts"),
        queryset=lambda user: contract_list(user=user),
        export="contracts",
    )
)
