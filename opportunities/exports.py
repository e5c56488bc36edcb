"""The columns of the opportunity and quote exports (lists, API, bulk, importers).

Chain links: the lead an opportunity came from, its quotes, contracts and their orders
(read through reverse relations prefetched once per chunk, so queries stay fixed)."""

from django.utils.translation import gettext_lazy as _

from ltc.exports import Column, Export, register
from roles.policies import can


def _contracts(o):
    return [c.number or c.pk for c in o.contracts.all()]


def _orders(o):
    return [order.number or order.pk for c in o.contracts.all() for order in c.orders.all()]


OPPORTUNITIES = register(
    Export(
        name="opportunities",
        title=_("Opportunities"),
        select_related=("account", "contact", "owner", "solution_owner"),
        prefetch_related=("quotes", "contracts__orders"),
        only_for=lambda user: can(user, "opportunities.export"),
        columns=(
            Column("id", _("ID"), "pk", "number"),
            Column("name", _("Name"), "name"),
            Column("account_id", _("Account ID"), "account_id", "number"),
            Column("account", _("Account"), "account.name"),
            Column("contact", _("Contact"), "contact.name"),
            Column("stage", _("Stage"), "get_stage_display"),
            Column("amount", _("Amount"), "amount", "money"),
            Column("currency", _("Currency"), "currency"),
            Column("probability", _("Probability %"), "probability", "number"),
            Column("weighted", _("Weighted"), "weighted_amount", "money"),
            Column("expected_close", _("Expected close"), "expected_close_date", "date"),
            Column("owner", _("Owner"), "owner.get_username"),
            Column("solution_owner", _("Solution owner"), "solution_owner.get_username"),
            Column("next_step", _("Next step"), "next_step"),
            Column("lead_id", _("Lead ID"), "lead_id", "number"),
            Column("quotes", _("Quotes"), lambda o: [q.pk for q in o.quotes.all()], "ids"),
            Column("contracts", _("Contracts"), _contracts, "ids"),
            Column("orders", _("Orders"), _orders, "ids"),
        ),
    )
)

QUOTES = register(
    Export(
        name="quotes",
        title=_("Quotes"),
        select_related=("opportunity__account", "created_by"),
        prefetch_related=("contracts",),
        columns=(
            Column("id", _("ID"), "pk", "number"),
            Column("version", _("Version"), "version", "number"),
            Column("opportunity_id", _("Opportunity ID"), "opportunity_id", "number"),
            Column("opportunity", _("Opportunity"), "opportunity.name"),
            Column("account", _("Account"), "opportunity.account.name"),
            Column("status", _("Status"), "get_status_display"),
            Column("total", _("Total"), "total", "money"),
            Column("currency", _("Currency"), "currency"),
            Column("valid_until", _("Valid until"), "valid_until", "date"),
            Column(
                "contracts",
                _("Contracts"),
                lambda q: [c.number or c.pk for c in q.contracts.all()],
                "ids",
            ),
        ),
    )
)
