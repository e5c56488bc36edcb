"""The columns of the account and contact exports (lists, API, bulk, importers)."""

from django.utils.translation import gettext_lazy as _

from ltc.exports import Column, Export, register

ACCOUNTS = register(
    Export(
        name="accounts",
        title=_("Accounts"),
        select_related=("owner",),
        columns=(
            Column("id", _("ID"), "pk", "number"),
            Column("name", _("Account"), "name"),
            Column("industry", _("Industry"), "get_industry_display"),
            Column("tax_id", _("Tax ID"), "tax_id"),
            Column("phone", _("Phone"), "phone"),
            Column("email", _("Email"), "email"),
            Column("website", _("Website"), "website"),
            Column("address", _("Address"), "address"),
            Column("owner", _("Owner"), "owner.get_username"),
            Column("credit_limit", _("Credit limit"), "credit_limit", "money"),
            Column("currency", _("Currency"), "currency"),
            Column("notes", _("Notes"), "notes"),
        ),
    )
)

CONTACTS = register(
    Export(
        name="contacts",
        title=_("Contacts"),
        select_related=("account",),
        columns=(
            Column("id", _("ID"), "pk", "number"),
            Column("name", _("Name"), "name"),
            Column("account_id", _("Account ID"), "account_id", "number"),
            Column("account", _("Account"), "account.name"),
            Column("account_tax_id", _("Account tax ID"), "account.tax_id"),
            Column("title", _("Job title"), "title"),
            Column("email", _("Email"), "email"),
            Column("phone", _("Phone"), "phone"),
            Column("is_primary", _("Primary"), "is_primary", "bool"),
            Column("is_billing", _("Billing"), "is_billing", "bool"),
            Column("language", _("Language"), "language"),
            Column("notes", _("Notes"), "notes"),
        ),
    )
)
