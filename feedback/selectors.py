"""Role-aware reads of the service stage, shared by pages and the API.

service and the manager see every ticket and survey; operations the after-sales tickets
(routed to them); sales the tickets and surveys of the accounts they see (read-only).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Count, Q, QuerySet

from ltc.summaries import list_url, sees_none
from roles.permissions import has_role, team_member_ids

from .models import OPEN_STATES, AccountFlag, FeedbackItem, Survey, SurveyKind, Ticket

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


def survey_visibility(user: User) -> Q | None:
    if not user.is_authenticated:
        return Q(pk__in=[])
    if user.is_superuser or has_role(user, *SEE_ALL):
        return None
    if has_role(user, "sales"):
        return Q(account__owner_id__in=team_member_ids(user))
    return Q(pk__in=[])


def survey_list(*, user: User) -> QuerySet[Survey]:
    qs = Survey.objects.select_related("account", "contact", "ticket", "order")
    rule = survey_visibility(user)
    return qs if rule is None else qs.filter(rule)


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


def account_tickets_summary(*, record, user: User, limit: int) -> dict | None:
    """The account's tickets the viewer may see, open ones first (two queries)."""
    if sees_none(ticket_visibility(user)):
        return None
    qs = ticket_list(user=user).filter(account=record)
    is_open = Q(status__in=OPEN_STATES)
    counts = qs.aggregate(count=Count("pk"), open=Count("pk", filter=is_open))
    items = qs.annotate(open_first=is_open).order_by("-open_first", "-created_at", "-pk")[:limit]
    return {**counts, "items": list(items), "list_url": list_url("feedback:ticket-list", record)}


def account_surveys_summary(*, record, user: User, limit: int) -> dict | None:
    """The account's surveys with the latest answered NPS and CSAT (four queries)."""
    if sees_none(survey_visibility(user)):
        return None
    qs = survey_list(user=user).filter(account=record)
    answered = qs.filter(answered_at__isnull=False).order_by("-answered_at", "-pk")
    return {
        "count": qs.count(),
        "latest_nps": answered.filter(kind=SurveyKind.NPS).first(),
        "latest_csat": answered.filter(kind=SurveyKind.CSAT).first(),
        "items": list(qs.order_by("-created_at", "-pk")[:limit]),
        "list_url": list_url("feedback:survey-list", record),
    }
