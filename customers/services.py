from __future__ import annotations

from typing import TYPE_CHECKING, TypedDict, Unpack

from django.apps import apps
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from simple_history.models import HistoricalChanges

from customfields.services import apply_values
from ltc.duplicates import DuplicateError
from ltc.records import require_visible
from roles.policies import require

from .duplicates import customer_matches
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
# Fields a merge copies from the merged record where the kept one has none.
MERGED_FIELDS = frozenset(ACCOUNT_FIELDS + CONTACT_FIELDS) - {"owner", "account"}


@transaction.atomic
def account_save(
    *,
    user: User,
    account: Account | None = None,
    confirm_duplicate: bool | None = None,
    custom: dict | None = None,
    **fields: Unpack[AccountFields],
) -> Account:
    """Create or edit an account. A new account whose company name, email or phone matches an
    existing account or contact is refused with the matches (DuplicateError, 409) when the
    person creating it has not confirmed (`confirm_duplicate=False`: the page and the API);
    None skips the check (the demo, internal callers)."""
    if not account_can_edit(user=user, account=account):
        raise PermissionDenied(_("You may not edit this account."))
    if account is None and confirm_duplicate is False:
        matches = customer_matches(
            user=user,
            name=fields.get("name", ""),
            email=fields.get("email", ""),
            phone=fields.get("phone", ""),
        )
        if matches:
            raise DuplicateError(matches)
    account = account or Account(owner=user)
    for key, value in fields.items():
        if key in ACCOUNT_FIELDS:
            setattr(account, key, value)
    if custom is not None:
        apply_values(account, custom, user=user, partial=account.pk is not None)
    account.full_clean()
    account.save()
    return account


@transaction.atomic
def account_assign_owner(*, user: User, account: Account, owner: User) -> Account:
    """A manager gives an account to another salesperson (a seller leaving, territories
    redrawn). The new owner must be an active salesperson; the account is locked while its
    owner changes. (Sales take unowned accounts from the public pool instead.)"""
    from roles.permissions import has_role

    require(user, "customers.assign")
    require_visible(user, account=account)
    if not (owner.is_active and has_role(owner, "sales")):
        raise ValidationError({"owner": [_("Choose an active salesperson.")]})
    locked = Account.objects.select_for_update().get(pk=account.pk)
    if locked.owner_id != owner.pk:
        locked.owner = owner
        locked.save(update_fields=["owner", "updated_at"])
    return locked


@transaction.atomic
def contact_save(
    *,
    user: User,
    contact: Contact | None = None,
    custom: dict | None = None,
    **fields: Unpack[ContactFields],
) -> Contact:
    account = fields.get("account") or (contact.account if contact else None)
    require_visible(user, account=fields.get("account"))
    if not account_can_edit(user=user, account=account):
        raise PermissionDenied(_("You may not edit contacts of this account."))
    contact = contact or Contact()
    for key, value in fields.items():
        if key in CONTACT_FIELDS:
            setattr(contact, key, value)
    if custom is not None:
        apply_values(contact, custom, user=user, partial=contact.pk is not None)
    contact.full_clean()
    contact.save()
    return contact


def _move_reverse_relations(model, source, target) -> int:
    """Point every record of every installed app that refers to `source` at `target`:
    foreign keys and one-to-ones (Django's relation registry), many-to-many rows (a row
    `target` already has is dropped) and generic relations (content type + object id, e.g.
    activities). History tables keep what they recorded."""
    moved = 0
    # Hidden relations too (related_name="+", e.g. an order's account).
    reverse = [
        f for f in model._meta.get_fields(include_hidden=True) if f.auto_created and not f.concrete
    ]
    for rel in reverse:
        related = rel.related_model
        if issubclass(related, HistoricalChanges):
            continue
        if rel.many_to_many:
            through = rel.through if hasattr(rel, "through") else rel.field.remote_field.through
            own = next(f for f in through._meta.fields if f.related_model is model)
            other = next(
                f
                for f in through._meta.fields
                if f.is_relation and f is not own and f.name != "id" and f.related_model
            )
            present = through._base_manager.filter(**{own.name: target}).values(other.attname)
            through._base_manager.filter(
                **{own.name: source, f"{other.attname}__in": present}
            ).delete()
            moved += through._base_manager.filter(**{own.name: source}).update(**{own.name: target})
        else:
            name = rel.field.name
            moved += related._base_manager.filter(**{name: source}).update(**{name: target})
    content_type = ContentType.objects.get_for_model(model)
    for other_model in apps.get_models():
        for generic in other_model._meta.private_fields:
            if isinstance(generic, GenericForeignKey):
                moved += other_model._base_manager.filter(
                    **{generic.ct_field: content_type, generic.fk_field: source.pk}
                ).update(**{generic.fk_field: target.pk})
    return moved


@transaction.atomic
def merge_records(*, user: User, source: Account | Contact, target: Account | Contact):
    """Merge `source` into `target` (two accounts, or two contacts), in one transaction:
    every record of every stage that refers to `source` is moved to `target`, `target`'s
    empty fields take `source`'s values, `source` is deleted, and the merge is written in
    `target`'s history. Managers only."""
    require(user, "customers.merge")
    model = type(target)
    if type(source) is not model or model not in (Account, Contact):
        raise ValidationError({"source": _("Merge two accounts or two contacts.")})
    if source.pk == target.pk:
        raise ValidationError({"source": _("A record cannot be merged into itself.")})
    locked = {
        r.pk: r for r in model.objects.select_for_update().filter(pk__in=[source.pk, target.pk])
    }
    if len(locked) != 2:
        raise ValidationError({"source": _("One of the records no longer exists.")})
    source, target = locked[source.pk], locked[target.pk]
    try:
        with transaction.atomic():
            moved = _move_reverse_relations(model, source, target)
    except IntegrityError as exc:
        raise ValidationError(
            {"source": _("These records cannot be merged: %(why)s") % {"why": exc}}
        ) from exc
    for f in model._meta.concrete_fields:
        if f.editable and not f.primary_key and not f.is_relation and f.name in MERGED_FIELDS:
            if getattr(target, f.attname) in ("", None) and getattr(source, f.attname) not in (
                "",
                None,
            ):
                setattr(target, f.attname, getattr(source, f.attname))
    if isinstance(target, Account) and isinstance(source, Account) and target.owner_id is None:
        target.owner_id = source.owner_id
    reason = _("Merged %(name)s (#%(id)s) into this record; %(n)s related records moved.") % {
        "name": str(source),
        "id": source.pk,
        "n": moved,
    }
    # simple-history writes this into the history row of the save (a 100-character column)
    target._change_reason = reason[:100]  # type: ignore[union-attr]
    target.save()
    source.delete()
    return target
