"""The columns of the contract export (list, API, bulk). Chain links: the opportunity and
quote it came from, its orders and invoices."""

from django.utils.translation import gettext_lazy as _

from ltc.exports import Column, Export, register

CONTRACTS = register(
    Export(
        name="contracts",
        title=_("Contracts"),
        select_related=("account", "opportunity", "owner"),
        prefetch_related=("orders", "invoices"),
        columns=(
            Column("id", _("ID"), "pk", "number"),
            Column("number", _("Number"), "number"),
            Column("version", _("Version"), "version", "number"),
            Column("status", _("Status"), "get_status_display"),
            Column("account_id", _("Account ID"), "account_id", "number"),
            Column("account", _("Account"), "account.name"),
            Column("opportunity_id", _("Opportunity ID"), "opportunity_id", "number"),
            Column("opportunity", _("Opportunity"), "opportunity.name"),
            Column("quote_id", _("Quote ID"), "quote_id", "number"),
            Column("total", _("Total"), "total", "money"),
            Column("currency", _("Currency"), "currency"),
            Column("start_date", _("Start date"), "start_date", "date"),
            Column("end_date", _("End date"), "end_date", "date"),
            Column("signed_on", _("Signed on"), "signed_on", "date"),
            Column("owner", _("Owner"), "owner.get_username"),
            Column(
                "orders", _("Orders"), lambda c: [o.number or o.pk for o in c.orders.all()], "ids"
            ),
            Column(
                "invoices",
                _("Invoices"),
                lambda c: [i.number or i.pk for i in c.invoices.all()],
                "ids",
            ),
        ),
    )
)
