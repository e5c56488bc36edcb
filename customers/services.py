from __future__ import annotations

from typing import TYPE_CHECKING, TypedDict, Unpack

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from .models import Account, Contact
from .selectors import account_can_edit

if TYPE_CHECKING:
    from decimal import Decimal

    from django.contrib.auth.models import User


class AccountFields(TypedDict, total=False):
    name: str
    industry: str
    website: str
    phone: str
    email: str
    address: str
    tax_id: str
    credit_limit: Decimal | None
    currency: str
    notes: str
    owner: User | None


class ContactFields(TypedDict, total=False):
    account: Account
    name: str
    title: str
    email: str
    phone: str
    is_primary: bool
    is_billing: bool
    language: str
    notes: str


ACCOUNT_FIELDS = tuple(AccountFields.__annotations__)
CONTACT_FIELDS = tuple(ContactFields.__annotations__)


@transaction.atomic
def account_save(
    *, user: User, account: Account | None = None, **fields: Unpack[AccountFields]
) -> Account:
    if not account_can_edit(user=user, account=account):
        raise PermissionDenied(_("You may not edit this account."))
    account = account or Account(owner=user)
    for key, value in fields.items():
        if key in ACCOUNT_FIELDS:
            setattr(account, key, value)
    account.full_clean()
    account.save()
    return account


@transaction.atomic
def contact_save(
    *, user: User, contact: Contact | None = None, **fields: Unpack[ContactFields]
) -> Contact:
    account = fields.get("account") or (contact.account if contact else None)
    if not account_can_edit(user=user, account=account):
        raise PermissionDenied(_("You may not edit contacts of this account."))
    contact = contact or Contact()
    for key, value in fields.items():
        if key in CONTACT_FIELDS:
            setattr(contact, key, value)
    contact.full_clean()
    contact.save()
    return contact
