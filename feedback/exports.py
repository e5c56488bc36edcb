"""The columns of the ticket and survey exports (lists, API, bulk). Chain links: the
account, contact and order a ticket concerns; the ticket or order a survey follows."""

from django.utils.translation import gettext_lazy as _

from ltc.exports import Column, Export, register

TICKETS = register(
    Export(
        name="tickets",
        title=_("Tickets"),
        select_related=("account", "contact", "order", "assignee"),
        columns=(
            Column("id", _("ID"), "pk", "number"),
            Column("subject", _("Subject"), "subject"),
            Column("category", _("Category"), "get_category_display"),
            Column("priority", _("Priority"), "get_priority_display"),
            Column("status", _("Status"), "get_status_display"),
            Column("handled_by", _("Handled by"), "assigned_role"),
            Column("assignee", _("Assignee"), "assignee.get_username"),
            Column("account_id", _("Account ID"), "account_id", "number"),
            Column("account", _("Account"), "account.name"),
            Column("contact", _("Contact"), "contact.name"),
            Column("order_id", _("Order ID"), "order_id", "number"),
            Column("order", _("Order"), "order.number"),
            Column("created", _("Created"), "created_at", "datetime"),
            Column("first_response", _("First response"), "first_response_at", "datetime"),
            Column("resolved", _("Resolved"), "resolved_at", "datetime"),
        ),
    )
)

SURVEYS = register(
    Export(
        name="surveys",
        title=_("Surveys"),
        select_related=("account", "contact"),
        columns=(
            Column("id", _("ID"), "pk", "number"),
            Column("kind", _("Kind"), "get_kind_display"),
            Column("account_id", _("Account ID"), "account_id", "number"),
            Column("account", _("Account"), "account.name"),
            Column("contact", _("Contact"), "contact.name"),
            Column("ticket_id", _("Ticket ID"), "ticket_id", "number"),
            Column("order_id", _("Order ID"), "order_id", "number"),
            Column("sent_to", _("Sent to"), "email"),
            Column("language", _("Language"), "language"),
            Column("sent", _("Sent"), "sent_at", "datetime"),
            Column("answered", _("Answered"), "answered_at", "datetime"),
            Column("score", _("Score"), "score", "number"),
            Column("comment", _("Comment"), "comment"),
        ),
    )
)
