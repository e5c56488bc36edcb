"""The columns of the ticket list page (listviews): the page draws the first ones itself;
the others read what the export reads. Sorts only on indexed fields."""

from django.utils.translation import gettext_lazy as _

from listviews.lists import ListColumn, ListSpec, from_export, register

from .exports import TICKETS
from .forms import TicketFilterForm

TICKET_LIST = register(
    ListSpec(
        name="tickets",
        title=_("Tickets"),
        url_name="feedback:ticket-list",
        model="feedback.Ticket",
        filter_form=TicketFilterForm,
        columns=(
            ListColumn("subject", _("Ticket")),
            ListColumn("status", _("Status"), sort="status"),
            from_export(TICKETS, "priority", default=True),
            ListColumn("account", _("Account")),
            ListColumn("handled_by", _("Handled by")),
            ListColumn("created", _("Created"), sort="created_at"),
            from_export(TICKETS, "category"),
            from_export(TICKETS, "contact"),
            from_export(TICKETS, "order"),
            from_export(TICKETS, "first_response"),
            from_export(TICKETS, "resolved"),
        ),
    )
)
