"""Role-aware reads of contracts, shared by pages and the API (DESIGN.md, record visibility).

sales: contracts they own (or their team's, as team lead) or were granted (guardian);
sales support: where they are the solution owner or granted; operations (read-only), finance
and the manager: all. Other roles see none.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from django.db.models import (
    Case,
    CharField,
    Count,
    DecimalField,
    ExpressionWrapper,
    F,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from ltc.summaries import list_url, sees_none
from roles.permissions import has_role, shared_with, team_member_ids

from .models import Contract, ContractStatus, ContractUserObjectPermission

if TYPE_CHECKING:
    from django.contrib.auth.models import User

SEE_ALL = ("manager", "finance", "operations")
MONEY = DecimalField(max_digits=14, decimal_places=2)


def contract_visibility(user: User) -> Q | None:
    """None means every contract; otherwise the filter for what `user` may see."""
    if not user.is_authenticated:
        return Q(pk__in=[])
    if user.is_superuser or has_role(user, *SEE_ALL):
        return None
    rule = Q(pk__in=[])
    if has_role(user, "sales"):
        rule |= Q(owner_id__in=team_member_ids(user))
    if has_role(user, "sales_support"):
        rule |= Q(solution_owner_id=user.pk)
    if has_role(user, "sales", "sales_support"):
        rule |= shared_with(user, ContractUserObjectPermission)
    return rule


def contract_list(*, user: User) -> QuerySet[Contract]:
    qs = Contract.objects.select_related(
        "account", "owner", "solution_owner", "opportunity", "quote"
    )
    rule = contract_visibility(user)
    return qs if rule is None else qs.filter(rule)


def account_contracts_summary(*, record, user: User, limit: int) -> dict | None:
    """The account's contracts the viewer may see (amended versions left out), each with its
    payment plan status: planned sum against the total (two queries)."""
    if sees_none(contract_visibility(user)):
        return None
    qs = contract_list(user=user).filter(account=record, superseded=False)
    counts = qs.aggregate(
        count=Count("pk"),
        signed=Count("pk", filter=Q(status=ContractStatus.SIGNED)),
    )
    planned = Coalesce(Sum("milestones__amount"), Value(Decimal("0")), output_field=MONEY)
    items = list(
        qs.annotate(planned=planned, milestone_count=Count("milestones"))
        .annotate(
            plan_difference=ExpressionWrapper(F("total") - F("planned"), output_field=MONEY),
            plan_status=Case(
                When(milestone_count=0, then=Value("none")),
                When(plan_difference=0, then=Value("complete")),
                default=Value("incomplete"),
                output_field=CharField(),
            ),
        )
        .order_by("-created_at", "-pk")[:limit]
    )
    return {**counts, "items": items, "list_url": list_url("contracts:list", record)}
