"""Bulk actions on the account and contact lists: tag, export the selection. (An account's
owner changes through the public pool, not by assignment.)"""

from django.utils.translation import gettext_lazy as _

from ltc.bulk import BulkList, register

from .selectors import account_list, contact_list

ACCOUNTS = register(
    BulkList(
        name="accounts",
        label=_("Accounts"),
        queryset=lambda user: account_list(user=user),
        transitions=False,
        export="accounts",
    )
)
CONTACTS = register(
    BulkList(
        name="contacts",
        label=_("Contacts"),
        queryset=lambda user: contact_list(user=user),
        transitions=False,
        export="contacts",
    )
)
