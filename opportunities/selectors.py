"""Role-aware reads of opportunities and quotes, shared by pages and the API."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db.models import (
    Count,
    DecimalField,
    ExpressionWrapper,
    F,
    Q,
    QuerySet,
    Sum,
)
from django.db.models.functions import TruncMonth

from ltc.summaries import by_currency, list_url, sees_none
from roles.models import Team
from roles.permissions import has_role, shared_with, team_member_ids
from roles.policies import can

from .models import (
    OPEN_STAGES,
    Opportunity,
    OpportunityUserObjectPermission,
    Quote,
    QuoteUserObjectPermission,
    Stage,
    money,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import User

SEE_ALL = ("manager",)


def opportunity_visibility(user: User) -> Q | None:
    """None means every opportunity; otherwise the filter for what `user` may see.

    sales: own, their team's (as team lead) or granted; sales support: where they are the
    solution owner or granted; operations: where they are the fulfilment owner or granted;
    manager: all. Other roles see none.
    """
    if not user.is_authenticated:
        return Q(pk__in=[])
    if user.is_superuser or has_role(user, *SEE_ALL):
        return None
    rule = Q(pk__in=[])
    if has_role(user, "sales"):
        rule |= Q(owner_id__in=team_member_ids(user))
    if has_role(user, "sales_support"):
        rule |= Q(solution_owner_id=user.pk)
    if has_role(user, "operations"):
        rule |= Q(fulfilment_owner_id=user.pk)
    if has_role(user, "sales", "sales_support", "operations"):
        rule |= shared_with(user, OpportunityUserObjectPermission)
    return rule


def opportunity_list(*, user: User) -> QuerySet[Opportunity]:
    qs = Opportunity.objects.select_related(
        "owner", "solution_owner", "fulfilment_owner", "account", "contact", "lost_reason"
    )
    rule = opportunity_visibility(user)
    return qs if rule is None else qs.filter(rule)


def opportunity_filter(
    qs: QuerySet[Opportunity], *, owner=None, team=None, close_month=None
) -> QuerySet[Opportunity]:
    """The filters the board, the list and the forecast share."""
    if owner:
        qs = qs.filter(owner_id=getattr(owner, "pk", owner))
    if team:
        team_id = getattr(team, "pk", team)
        members = Team.members.through.objects.filter(team_id=team_id).values("user_id")
        leads = Team.objects.filter(pk=team_id).values("lead_id")
        qs = qs.filter(Q(owner_id__in=members) | Q(owner_id__in=leads))
    if close_month:
        if isinstance(close_month, str):
            year, month = (int(p) for p in close_month.split("-")[:2])
        else:
            year, month = close_month.year, close_month.month
        qs = qs.filter(expected_close_date__year=year, expected_close_date__month=month)
    return qs


def quote_visibility(user: User) -> Q | None:
    """Quotes of visible opportunities, or granted directly; finance sees the quotes whose
    discount needed a finance sign-off."""
    if not user.is_authenticated:
        return Q(pk__in=[])
    if user.is_superuser or has_role(user, *SEE_ALL):
        return None
    rule = Q(pk__in=[])
    opp_rule = opportunity_visibility(user)
    if has_role(user, "sales", "sales_support", "operations"):
        rule |= Q(opportunity__in=Opportunity.objects.filter(opp_rule).values("pk"))
        rule |= shared_with(user, QuoteUserObjectPermission)
    if has_role(user, "finance"):
        rule |= Q(needs_finance_sign_off=True)
    return rule


def quote_list(*, user: User) -> QuerySet[Quote]:
    qs = Quote.objects.select_related(
        "opportunity", "opportunity__account", "opportunity__owner", "created_by"
    )
    rule = quote_visibility(user)
    return qs if rule is None else qs.filter(rule)


def forecast(*, user: User, owner=None, team=None) -> list[dict]:
    """Weighted pipeline: open amount × probability by expected close month and currency,
    over the opportunities `user` may see. One query."""
    qs = opportunity_filter(
        opportunity_list(user=user).filter(stage__in=OPEN_STAGES), owner=owner, team=team
    )
    weighted = ExpressionWrapper(
        F("amount") * F("probability") / Decimal(100),
        output_field=DecimalField(max_digits=20, decimal_places=4),
    )
    rows = (
        qs.order_by()
        .annotate(month=TruncMonth("expected_close_date"))
        .values("month", "currency")
        .annotate(n=Count("pk"), sum_amount=Sum("amount"), sum_weighted=Sum(weighted))
        .order_by(F("month").asc(nulls_last=True), "currency")
    )
    result = []
    for row in rows:
        month = row["month"]
        if isinstance(month, datetime.datetime):
            month = month.date()
        result.append(
            {
                "month": month.strftime("%Y-%m") if month else None,
                "currency": row["currency"],
                "count": row["n"],
                "amount": money(row["sum_amount"] or 0),
                "weighted": money(row["sum_weighted"] or 0),
            }
        )
    return result


def opportunity_can_edit(*, user: User, opportunity: Opportunity) -> bool:
    if not opportunity.is_open:
        return False
    return can(user, "opportunities.edit", opportunity)


def account_opportunities_summary(*, record, user: User, limit: int) -> dict | None:
    """The account's opportunities the viewer may see: open / won / lost counts, the open
    pipeline by currency and the latest few, open ones first (three queries)."""
    rule = opportunity_visibility(user)
    if sees_none(rule):
        return None
    qs = opportunity_list(user=user).filter(account=record)
    counts = qs.aggregate(
        count=Count("pk"),
        open=Count("pk", filter=Q(stage__in=OPEN_STAGES)),
        won=Count("pk", filter=Q(stage=Stage.WON)),
        lost=Count("pk", filter=Q(stage=Stage.LOST)),
    )
    pipeline = (
        qs.filter(stage__in=OPEN_STAGES)
        .order_by()
        .values("currency")
        .annotate(amount=Sum("amount"))
        .order_by("currency")
    )
    items = qs.annotate(open_first=Q(stage__in=OPEN_STAGES)).order_by(
        "-open_first", "-updated_at", "-pk"
    )[:limit]
    return {
        **counts,
        "open_amount": by_currency(pipeline),
        "items": list(items),
        "list_url": list_url("opportunities:list", record),
    }


def account_quotes_summary(*, record, user: User, limit: int) -> dict | None:
    """The quotes of the account's opportunities the viewer may see, latest first (two
    queries). The full list is the account's opportunities (each lists its quotes)."""
    rule = quote_visibility(user)
    if sees_none(rule):
        return None
    qs = quote_list(user=user).filter(opportunity__account=record)
    return {
        "count": qs.count(),
        "items": list(qs.order_by("-created_at", "-pk")[:limit]),
        "list_url": list_url("opportunities:list", record),
    }
