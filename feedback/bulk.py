"""Bulk actions on the tickets list: run a transition (each record checked as a single one),
tag, export the selection."""

from django.utils.translation import gettext_lazy as _

from ltc.bulk import BulkList, register

from .selectors import ticket_list

TICKETS = register(
    BulkList(
        name="tickets",
        label=_("Tickets"),
        queryset=lambda user: ticket_list(user=user),
        export="tickets",
    )
)
