"""Bulk actions on the account and contact lists: give accounts to another salesperson
(a manager), tag (whoever may change the account: marketing, its sales team), export the
selection. Sales take unowned accounts from the public pool rather than by assignment."""

from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from ltc.bulk import BulkList, register
from roles.permissions import users_with_role
from roles.policies import can

from . import services
from .selectors import account_list, contact_list


def _owner_choices(user):
    if not can(user, "customers.assign"):
        return get_user_model().objects.none()
    return users_with_role("sales")


def _assign(*, obj, owner, user):
    return services.account_assign_owner(account=obj, owner=owner, user=user)


ACCOUNTS = register(
    BulkList(
        name="accounts",
        label=_("Accounts"),
        queryset=lambda user: account_list(user=user),
        assign_owner=_assign,
        owner_choices=_owner_choices,
        transitions=False,
        export="accounts",
        tag_allowed=lambda user, account: can(user, "customers.edit", account),
    )
)
CONTACTS = register(
    BulkList(
        name="contacts",
        label=_("Contacts"),
        queryset=lambda user: contact_list(user=user),
        transitions=False,
        export="contacts",
        tag_allowed=lambda user, contact: can(
            user, "customers.edit", contact.account if contact is not None else None
        ),
    )
)
