"""Role-aware reads of the service stage, shared by pages and the API.

service and the manager see every ticket and survey; operations the after-sales tickets
(routed to them); sales the tickets and surveys of the accounts they see (read-only).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet

from roles.permissions import has_role, team_member_ids

from .models import AccountFlag, FeedbackItem, Survey, Ticket

if TYPE_CHECKING:
    from django.contrib.auth.models import User

SEE_ALL = ("service", "manager")


def ticket_visibility(user: User) -> Q | None:
    if not user.is_authenticated:
        return Q(pk__in=[])
    if user.is_superuser or has_role(user, *SEE_ALL):
        return None
    rule = Q(pk__in=[])
    if has_role(user, "operations"):
        rule |= Q(assigned_role="operations")
    if has_role(user, "sales"):
        rule |= Q(account__owner_id__in=team_member_ids(user))
    return rule


def ticket_list(*, user: User) -> QuerySet[Ticket]:
    qs = Ticket.objects.select_related("account", "contact", "order", "assignee")
    rule = ticket_visibility(user)
    return qs if rule is None else qs.filter(rule)


def survey_list(*, user: User) -> QuerySet[Survey]:
    qs = Survey.objects.select_related("account", "contact", "ticket", "order")
    if not user.is_authenticated:
        return qs.none()
    if user.is_superuser or has_role(user, *SEE_ALL):
        return qs
    if has_role(user, "sales"):
        return qs.filter(account__owner_id__in=team_member_ids(user))
    return qs.none()


def flag_list(*, user: User) -> QuerySet[AccountFlag]:
    qs = AccountFlag.objects.select_related("account", "account__owner", "ticket", "survey")
    if user.is_superuser or has_role(user, *SEE_ALL):
        return qs
    if has_role(user, "sales"):
        return qs.filter(account__owner_id__in=team_member_ids(user))
    return qs.none()


def feedback_item_list(*, user: User) -> QuerySet[FeedbackItem]:
    """Who captured it sees it; marketing and operations see what is routed to them; service
    and the manager see all."""
    qs = FeedbackItem.objects.select_related("account", "created_by")
    if user.is_superuser or has_role(user, *SEE_ALL):
        return qs
    rule = Q(created_by=user)
    for role in ("marketing", "operations"):
        if has_role(user, role):
            rule |= Q(routed_to=role)
    return qs.filter(rule)
