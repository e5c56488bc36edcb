"""The columns of the account and contact list pages (listviews): the pages draw the first
ones themselves; the others read what the exports read. Sorts only on indexed fields (or the
list's own order)."""

from django.utils.translation import gettext_lazy as _

from listviews.lists import ListColumn, ListSpec, from_export, register

from .exports import ACCOUNTS, CONTACTS
from .forms import AccountFilterForm, ContactFilterForm

ACCOUNT_LIST = register(
    ListSpec(
        name="accounts",
        title=_("Accounts"),
        url_name="customers:account-list",
        model="customers.Account",
        filter_form=AccountFilterForm,
        columns=(
            ListColumn("name", _("Account"), sort="name"),
            from_export(ACCOUNTS, "industry", sort="industry", default=True),
            from_export(ACCOUNTS, "phone", default=True),
            ListColumn("owner", _("Owner")),
            ListColumn("credit_limit", _("Credit limit"), numeric=True),
            from_export(ACCOUNTS, "tax_id"),
            from_export(ACCOUNTS, "email"),
            from_export(ACCOUNTS, "website"),
            from_export(ACCOUNTS, "address"),
        ),
    )
)

CONTACT_LIST = register(
    ListSpec(
        name="contacts",
        title=_("Contacts"),
        url_name="customers:contact-list",
        model="customers.Contact",
        filter_form=ContactFilterForm,
        columns=(
            ListColumn("name", _("Name"), sort="name"),
            ListColumn("account", _("Account")),
            ListColumn("email", _("Email")),
            from_export(CONTACTS, "phone", default=True),
            ListColumn("role", _("Role")),
            from_export(CONTACTS, "title"),
            from_export(CONTACTS, "language"),
        ),
    )
)
