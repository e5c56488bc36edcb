"""Role-aware reads of accounts and contacts, shared by pages and the API."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet
from django.db.models.functions import Lower

from activities.selectors import record_activities
from ltc.searchtext import search_q
from roles.models import Team
from roles.permissions import has_role, team_member_ids
from roles.policies import can

from .models import Account, Contact

if TYPE_CHECKING:
    from django.contrib.auth.models import User

# Roles that see every account: they serve or bill whoever the customer is.
SEE_ALL = ("marketing", "manager", "operations", "finance", "service", "sales_support")


def account_visibility(user: User) -> Q | None:
    if user.is_superuser or has_role(user, *SEE_ALL):
        return None
    if has_role(user, "sales"):
        return Q(owner_id__in=team_member_ids(user))
    return Q(pk__in=[])


def account_list(*, user: User) -> QuerySet[Account]:
    qs = Account.objects.select_related("owner")
    rule = account_visibility(user)
    return qs if rule is None else qs.filter(rule)


def contact_list(*, user: User) -> QuerySet[Contact]:
    qs = Contact.objects.select_related("account")
    rule = account_visibility(user)
    if rule is None:
        return qs
    return qs.filter(account__in=Account.objects.filter(rule))


def contact_matching(term: str) -> Q:
    """Contacts whose search column (name, email, phone) or whose account's name contains
    `term`. The two are found apart and united: an OR across the join could use neither
    trigram index (contact search column, account name) and would scan both tables."""
    own = Contact.objects.filter(search_q(term, Contact)).order_by().values("pk")
    by_account = Contact.objects.filter(account__name__icontains=term.strip())
    return Q(pk__in=own.union(by_account.order_by().values("pk")))


def account_can_edit(*, user: User, account: Account | None = None) -> bool:
    """Marketing and sales maintain customer data; sales only their own accounts."""
    return can(user, "customers.edit", account)


def owner_team(user: User | None):
    """The owner's team: the first team by name they lead or belong to (as the KPIs count
    it), or None."""
    if user is None:
        return None
    return (
        Team.objects.filter(Q(members=user) | Q(lead=user))
        .order_by("name", "pk")
        .distinct()
        .first()
    )


def account_summary(*, account: Account, user: User, limit: int = 5) -> dict:
    """The account's own part of its customer 360: owner, team, last activity, contacts and
    the latest activities logged on it. The later stages' sections come from
    ltc.summaries.summary (declared in their AppConfigs)."""
    activities = record_activities(account)
    return {
        "owner": account.owner,
        "team": owner_team(account.owner),
        "last_activity_at": account.last_activity_at,
        "contacts_count": account.contacts.count(),
        "activities_count": activities.count(),
        "activities": list(activities[:limit]),
    }


def merge_candidates(*, record: Account | Contact, user: User, limit: int = 10) -> list:
    """Likely duplicates of an account (same name key, email or phone) or of a contact (same
    email or phone), for the merge page."""
    email = (record.email or "").lower()
    if isinstance(record, Account):
        rule = Q(name_key=record.name_key) if record.name_key else Q(pk__in=[])
        qs: QuerySet = account_list(user=user)
    else:
        rule = Q(pk__in=[])
        qs = contact_list(user=user)
    if email:
        rule |= Q(email_lower=email)
    if record.phone_key:
        rule |= Q(phone_key=record.phone_key)
    return list(qs.annotate(email_lower=Lower("email")).filter(rule).exclude(pk=record.pk)[:limit])
