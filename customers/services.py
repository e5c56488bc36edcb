from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from ltc.records import require_visible

from .models import Account, Contact
from .selectors import account_can_edit

ACCOUNT_FIELDS = (
    "name",
    "industry",
    "website",
    "phone",
    "email",
    "address",
    "tax_id",
    "credit_limit",
    "currency",
    "notes",
    "owner",
)
CONTACT_FIELDS = (
    "account",
    "name",
    "title",
    "email",
    "phone",
    "is_primary",
    "is_billing",
    "language",
    "notes",
)


@transaction.atomic
def account_save(*, user, account: Account | None = None, **fields) -> Account:
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
def contact_save(*, user, contact: Contact | None = None, **fields) -> Contact:
    account = fields.get("account") or (contact.account if contact else None)
    require_visible(user, account=fields.get("account"))
    if not account_can_edit(user=user, account=account):
        raise PermissionDenied(_("You may not edit contacts of this account."))
    contact = contact or Contact()
    for key, value in fields.items():
        if key in CONTACT_FIELDS:
            setattr(contact, key, value)
    contact.full_clean()
    contact.save()
    return contact
