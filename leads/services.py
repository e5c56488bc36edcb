"""Writes on leads: one function per business operation, each one transaction."""

from __future__ import annotations

from typing import TYPE_CHECKING, TypedDict, Unpack

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from customers.models import Account, Contact
from customfields.services import apply_values
from ltc.duplicates import DuplicateError
from ltc.handoffs import lead_converted
from ltc.transitions import perform_transition
from notifications.messages import Message
from notifications.services import notify, notify_after_commit
from roles.permissions import has_role, users_with_role
from roles.policies import require

from .duplicates import lead_matches
from .models import Lead, LeadSource, LeadStatus, RoundRobinCursor, check_offered_source
from .scoring import lead_score

if TYPE_CHECKING:
    import datetime
    from decimal import Decimal

    from django.contrib.auth.models import User
CLOSED = (LeadStatus.CONVERTED, LeadStatus.DISQUALIFIED)


class LeadFields(TypedDict, total=False):
    """The fields a person edits on a lead (owner and state have their own services)."""

    name: str
    company: str
    title: str
    email: str
    phone: str
    source: str
    campaign: str
    need: str
    budget: Decimal | None
    currency: str
    expected_close_date: datetime.date | None
    decision_maker: str
    next_follow_up_at: datetime.datetime | None
    notes: str


EDITABLE = tuple(LeadFields.__annotations__)


@transaction.atomic
def lead_create(
    *,
    user: User,
    owner: User | None = None,
    confirm_duplicate: bool | None = None,
    custom: dict | None = None,
    **fields: Unpack[LeadFields],
) -> Lead:
    """Create a lead. One whose company, email or phone matches a lead, account or contact is
    refused with the matches (DuplicateError, 409) unless the person confirmed
    (`confirm_duplicate=False`: the page and the API); None skips the check (the demo and
    the importer, which flags duplicates itself)."""
    require(user, "leads.create")
    if confirm_duplicate is False:
        matches = lead_matches(
            user=user,
            company=fields.get("company", ""),
            email=fields.get("email", ""),
            phone=fields.get("phone", ""),
        )
        if matches:
            raise DuplicateError(matches)
    lead = Lead(created_by=user, **{k: v for k, v in fields.items() if k in EDITABLE})
    if "source" in fields and fields["source"] not in (LeadSource.API, LeadSource.IMPORT):
        check_offered_source(lead.source)  # the channels set by the system are not chosen
    if owner is None and has_role(user, "sales") and not has_role(user, "marketing"):
        owner = user  # a salesperson's own lead is theirs
    if custom is not None:
        apply_values(lead, custom, user=user, partial=False)
    lead.full_clean(exclude=["owner"])
    lead.score = lead_score(lead, activity_count=0)
    lead.save()
    if owner is not None:
        _set_owner(lead, owner, by=user)
    return lead


@transaction.atomic
def lead_update(
    *, lead: Lead, user: User, custom: dict | None = None, **fields: Unpack[LeadFields]
) -> Lead:
    from .selectors import lead_can_edit

    if not lead_can_edit(user=user, lead=lead):
        raise PermissionDenied(_("You may not edit this lead."))
    if "source" in fields:
        check_offered_source(fields["source"], lead)  # a retired source may only be kept
    for key, value in fields.items():
        if key in EDITABLE:
            setattr(lead, key, value)
    if custom is not None:
        apply_values(lead, custom, user=user)
    lead.full_clean()
    lead.score = lead_score(lead)
    lead.save()
    return lead


def _set_owner(lead: Lead, owner, *, by):
    # No guardian grant for the owner: lead_visibility's owner rule covers owners, and
    # grants stay for real shares only (a salesperson's few, not one per owned lead).
    assigned_at = timezone.now()
    Lead.objects.filter(pk=lead.pk).update(owner=owner, assigned_at=assigned_at)
    lead.owner, lead.assigned_at = owner, assigned_at
    if owner != by:
        notify(
            recipient=owner,
            key=f"lead-assigned:{lead.pk}:{owner.pk}:{timezone.now().timestamp()}",
            title=Message(gettext_noop("New lead assigned: %(lead)s"), lead=lead),
            url=lead.get_absolute_url(),
        )


@transaction.atomic
def lead_assign(*, lead: Lead, owner, user: User) -> Lead:
    """Assignment is an action, not a state: by marketing or a manager."""
    require(user, "leads.assign")
    check_assignable(lead=lead, owner=owner)
    _set_owner(lead, owner, by=user)
    return lead


def check_assignable(*, lead: Lead, owner) -> None:
    """The rules of an assignment (for the service, and for forms that validate first):
    a salesperson, and a lead still open."""
    if owner is None or not has_role(owner, "sales"):
        raise ValidationError({"owner": _("Leads are assigned to salespeople.")})
    if lead.pk and lead.status in CLOSED:
        raise ValidationError({"owner": _("A closed lead cannot be reassigned.")})


@transaction.atomic
def lead_assign_round_robin(*, leads, user: User) -> dict[int, int]:
    """Give each lead to the next salesperson in turn, continuing where the rule stopped."""
    require(user, "leads.assign")
    closed = [lead.pk for lead in leads if lead.status in CLOSED]
    if closed:
        raise ValidationError(
            _("Closed leads cannot be reassigned: %(ids)s") % {"ids": ", ".join(map(str, closed))}
        )
    sales = list(users_with_role("sales"))
    if not sales:
        raise ValidationError(_("There is no active salesperson to assign to."))
    cursor, _created = RoundRobinCursor.objects.select_for_update().get_or_create(rule="leads")
    # The next salesperson after the one who got the last lead, even if that one has since
    # left sales: the turn goes on in the same (pk) order instead of restarting.
    last = cursor.last_user_id
    index = next((i for i, u in enumerate(sales) if last is not None and u.pk > last), 0)
    assigned = {}
    for lead in leads:
        owner = sales[index % len(sales)]
        _set_owner(lead, owner, by=user)
        assigned[lead.pk] = owner.pk
        index += 1
        cursor.last_user = owner
    cursor.save()
    return assigned


def _account_for(lead: Lead, user: User) -> Account:
    """The account a converted lead joins: one with the company's name that `user` may see,
    or a new one. An account of that name the user may not see is never linked (nor named
    back); the new account is flagged to the managers as a possible duplicate instead."""
    from customers.selectors import account_list

    name = (lead.company or lead.name).strip()
    same_name = Account.objects.annotate(lname=Lower("name")).filter(lname=name.lower())
    existing = account_list(user=user).filter(pk__in=same_name.values("pk")).order_by("pk").first()
    if existing is not None:
        return existing
    account = Account.objects.create(
        name=name,
        phone=lead.phone,
        email=lead.email,
        owner=lead.owner or user,
        currency=lead.currency,
    )
    if same_name.exclude(pk=account.pk).exists():
        _flag_possible_duplicate(account, lead)
    return account


def _flag_possible_duplicate(account: Account, lead: Lead) -> None:
    notify_after_commit(
        recipients=list(users_with_role("manager")),
        key=f"account-duplicate:{account.pk}",
        title=Message(
            gettext_noop("Possible duplicate account: %(account)s"), account=account.name
        ),
        body=Message(
            gettext_noop(
                "Converting lead %(lead)s created this account, but an account with the same "
                "name exists that the converting user may not see. Merge or reassign if they "
                "are one customer."
            ),
            lead=lead,
        ),
        url=account.get_absolute_url(),
    )


def _contact_for(lead: Lead, account: Account) -> Contact:
    contacts = account.contacts.all()
    match: Contact | None = None
    if lead.email:
        match = contacts.annotate(lemail=Lower("email")).filter(lemail=lead.email.lower()).first()
    if match is None and lead.phone:
        match = contacts.filter(phone=lead.phone).first()
    if match is not None:
        return match
    return Contact.objects.create(
        account=account,
        name=lead.name,
        title=lead.title,
        email=lead.email,
        phone=lead.phone,
        is_primary=not contacts.exists(),
    )


def _may_link(user: User, account: Account) -> bool:
    from customers.selectors import account_list

    return account_list(user=user).filter(pk=account.pk).exists()


def lead_convert(*, obj: Lead, user: User, data=None) -> Lead:
    """qualified → converted: create or link the Account and Contact, then hand off to the
    next stage, in one transaction. The state machine and the row lock refuse a second run."""

    def link(lead: Lead, fields):
        account = fields.get("account")
        if account is not None and not _may_link(user, account):
            raise ValidationError({"account": _("You may not link a lead to this account.")})
        account = account or _account_for(lead, user)
        contact = _contact_for(lead, account)
        lead.account, lead.contact = account, contact
        lead.save(update_fields=["account", "contact", "updated_at"])
        lead_converted.send(sender=Lead, instance=lead, account=account, contact=contact, user=user)

    return perform_transition(obj=obj, name="convert", user=user, data=data, effect=link)


def notify_due_lead_follow_ups(now) -> int:
    sent = 0
    due = Lead.objects.filter(
        next_follow_up_at__lte=now,
        owner__isnull=False,
        status__in=[LeadStatus.NEW, LeadStatus.WORKING, LeadStatus.NURTURING, LeadStatus.QUALIFIED],
    ).select_related("owner")
    for lead in due.iterator(chunk_size=500):
        if notify(
            recipient=lead.owner,
            key=f"follow-up:lead:{lead.pk}:{lead.next_follow_up_at.isoformat()}",
            title=Message(gettext_noop("Follow up lead: %(lead)s"), lead=lead),
            body=Message(gettext_noop("The follow-up you planned is due.")),
            url=lead.get_absolute_url(),
        ):
            sent += 1
    return sent
