"""The lead-to-cash forecast: one curve by month, stacked from three parts (DESIGN.md).

- pipeline: open opportunities' amount × probability, by expected close month;
- contracted: payment-plan milestones of signed contracts that have no issued invoice yet, by
  their expected date (the milestone's due date; for delivery and acceptance milestones the
  order's promised delivery date plus the milestone's payment terms; else today plus terms);
- invoiced: the open balance of issued invoices, by due date, weighted by the customer's own
  on-time payment share over the last 12 months (invoices due in that window paid by their
  due date ÷ invoices due in that window; a customer with no such history takes the company's
  share, and 1 when there is none at all).

Anything expected before the current month (overdue, or a past close date) or undated is
counted in the current month: it is still expected, and soonest. Beyond the horizon is left
out. One currency at a time (money is never added across currencies).

Role-scoped like the pipeline forecast: each part counts only the rows the caller may see
through the stage's own selector (opportunities, contracts, invoices); the invoiced part is
money of receivables, so it is counted for those who see invoice amounts (finance, manager).
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import (
    Count,
    DecimalField,
    ExpressionWrapper,
    F,
    Max,
    OuterRef,
    Q,
    Subquery,
    Sum,
)
from django.db.models.functions import TruncMonth
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import permissions, serializers, viewsets
from rest_framework.response import Response

from billing.models import OPEN_STATES, Invoice, InvoiceStatus, PaymentStatus
from billing.selectors import invoice_list, sees_money
from contracts.models import ContractStatus, MilestoneTrigger, PaymentMilestone
from contracts.selectors import contract_list
from ltc.money import default_currency
from opportunities.models import OPEN_STAGES
from opportunities.selectors import opportunity_list
from orders.models import Order
from roles.models import Team
from roles.permissions import has_role, team_member_ids

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
ROLES = ("sales", "sales_support", "finance", "manager")
SEE_ALL = ("manager", "finance")
PARTS = ("pipeline", "contracted", "invoiced")
MAX_MONTHS = 24
HISTORY_DAYS = 365


def _money(value) -> Decimal:
    return Decimal(value or 0).quantize(CENT, rounding=ROUND_HALF_UP)


def month_key(day: datetime.date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def horizon(today: datetime.date, months: int) -> list[str]:
    keys, year, month = [], today.year, today.month
    for _i in range(months):
        keys.append(f"{year:04d}-{month:02d}")
        month += 1
        if month > 12:
            year, month = year + 1, 1
    return keys


def bucket(day: datetime.date | None, today: datetime.date) -> str:
    """The month a figure counts in: its own, or this month if it is earlier or undated."""
    if day is None or (day.year, day.month) < (today.year, today.month):
        return month_key(today)
    return month_key(day)


# --- the parameters (page and API share them) ------------------------------------------------
class ForecastForm(forms.Form):
    owner = forms.IntegerField(label=gettext_lazy("Owner"), required=False, min_value=1)
    team = forms.IntegerField(label=gettext_lazy("Team"), required=False, min_value=1)
    currency = forms.ChoiceField(label=gettext_lazy("Currency"), required=False)
    months = forms.IntegerField(
        label=gettext_lazy("Months"), required=False, min_value=1, max_value=MAX_MONTHS
    )

    def __init__(self, *args, user, **kwargs):
        from django.conf import settings

        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["currency"].choices = [("", "")] + [(c, c) for c in settings.LTC["CURRENCIES"]]

    def clean_owner(self):
        owner = self.cleaned_data.get("owner")
        if owner and not owner_choices(self.user).filter(pk=owner).exists():
            raise ValidationError(_("Unknown owner, or not one whose figures you may see."))
        return owner

    def clean_team(self):
        team = self.cleaned_data.get("team")
        if team and not team_choices(self.user).filter(pk=team).exists():
            raise ValidationError(_("Unknown team, or not one whose figures you may see."))
        return team


def owner_choices(user):
    """The people whose figures `user` may ask for: everyone for managers and finance, else
    the user and (as team lead) the team's members."""
    people = get_user_model().objects.filter(is_active=True).order_by("username")
    if user.is_superuser or has_role(user, *SEE_ALL):
        return people
    return people.filter(pk__in=team_member_ids(user))


def team_choices(user):
    teams = Team.objects.order_by("name")
    if user.is_superuser or has_role(user, *SEE_ALL):
        return teams
    return teams.filter(Q(lead=user) | Q(members=user)).distinct()


def _owners_of_team(team_id: int) -> set[int]:
    team = Team.objects.filter(pk=team_id).values_list("lead_id", flat=True).first()
    members = set(
        Team.members.through.objects.filter(team_id=team_id).values_list("user_id", flat=True)
    )
    return members | ({team} if team else set())


def _owner_filter(owner: int | None, team: int | None, field: str) -> Q:
    rule = Q()
    if owner:
        rule &= Q(**{field: owner})
    if team:
        rule &= Q(**{f"{field}__in": _owners_of_team(team)})
    return rule


# --- the three parts -------------------------------------------------------------------------
def pipeline_part(*, user, currency, owner=None, team=None, today) -> dict[str, Decimal]:
    """Open amount × probability by expected close month (one query)."""
    weighted = ExpressionWrapper(
        F("amount") * F("probability") / Decimal(100),
        output_field=DecimalField(max_digits=20, decimal_places=4),
    )
    rows = (
        opportunity_list(user=user)
        .filter(stage__in=OPEN_STAGES, currency=currency)
        .filter(_owner_filter(owner, team, "owner_id"))
        .order_by()
        .annotate(month=TruncMonth("expected_close_date"))
        .values("month")
        .annotate(total=Sum(weighted))
    )
    out: dict[str, Decimal] = defaultdict(Decimal)
    for row in rows:
        month = row["month"]
        if isinstance(month, datetime.datetime):
            month = month.date()
        out[bucket(month, today)] += Decimal(row["total"] or 0)
    return out


def milestone_expected_date(
    *, trigger: str, due_date, promised, terms: int, today: datetime.date
) -> datetime.date:
    """When a milestone's money is expected: its due date; for delivery and acceptance, the
    promised delivery date plus its payment terms; otherwise today plus its terms."""
    if due_date is not None:
        return due_date
    terms_delta = datetime.timedelta(days=terms or 0)
    if trigger in (MilestoneTrigger.ON_DELIVERY, MilestoneTrigger.ON_ACCEPTANCE) and promised:
        return max(promised, today) + terms_delta
    return today + terms_delta


def contracted_part(*, user, currency, owner=None, team=None, today) -> dict[str, Decimal]:
    """Milestones of signed contracts with no issued invoice, by expected date (one query)."""
    visible = contract_list(user=user).filter(
        status=ContractStatus.SIGNED, superseded=False, currency=currency
    )
    visible = visible.filter(_owner_filter(owner, team, "owner_id")).values("pk")
    promised = (
        Order.objects.filter(contract_id=OuterRef("contract_id"))
        .exclude(status="cancelled")
        .order_by("pk")
        .values("promised_delivery_date")[:1]
    )
    invoiced = Q(
        invoices__status__in=[
            s for s in InvoiceStatus.values if s not in (InvoiceStatus.DRAFT, InvoiceStatus.VOID)
        ]
    )
    rows = (
        PaymentMilestone.objects.filter(contract_id__in=visible)
        .annotate(issued=Count("invoices", filter=invoiced), promised=Subquery(promised))
        .filter(issued=0)
        .values_list("amount", "trigger", "due_date", "promised", "payment_terms_days")
    )
    out: dict[str, Decimal] = defaultdict(Decimal)
    for amount, trigger, due_date, promised_on, terms in rows:
        expected = milestone_expected_date(
            trigger=trigger, due_date=due_date, promised=promised_on, terms=terms, today=today
        )
        out[bucket(expected, today)] += amount
    return out


def on_time_shares(*, today: datetime.date, account_ids=None) -> tuple[dict[int, tuple], tuple]:
    """Per account, (paid on time, due) over invoices due in the last 12 months, and the
    company's (on time, due). On time: paid in full by the due date (the date of the last
    payment applied, reversed payments left out). One query."""
    since = today - datetime.timedelta(days=HISTORY_DAYS)
    last_paid = Max(
        "allocations__payment__date",
        filter=~Q(allocations__payment__status=PaymentStatus.REVERSED),
    )
    qs = Invoice.objects.filter(due_date__gte=since, due_date__lt=today).exclude(
        status__in=[InvoiceStatus.DRAFT, InvoiceStatus.VOID]
    )
    rows = qs.values("pk", "account_id", "status", "due_date").annotate(last_paid=last_paid)
    shares: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    company = [0, 0]
    for row in rows:
        on_time = int(
            row["status"] == InvoiceStatus.PAID
            and row["last_paid"] is not None
            and row["last_paid"] <= row["due_date"]
        )
        for tally in (shares[row["account_id"]], company):
            tally[0] += on_time
            tally[1] += 1
    return {k: tuple(v) for k, v in shares.items()}, tuple(company)


def weight_of(account_id: int, shares: dict, company: tuple) -> Decimal:
    on_time, due = shares.get(account_id, (0, 0))
    if not due:
        on_time, due = company
    if not due:
        return Decimal(1)
    return Decimal(on_time) / Decimal(due)


def invoiced_part(*, user, currency, owner=None, team=None, today) -> dict[str, Decimal]:
    """Open balances of issued invoices by due month × the customer's on-time share."""
    if not sees_money(user):
        return {}
    owner_rule = Q()
    if owner or team:
        owner_rule = _owner_filter(owner, team, "contract__owner_id") | (
            Q(contract__isnull=True) & _owner_filter(owner, team, "account__owner_id")
        )
    rows = (
        invoice_list(user=user)
        .filter(status__in=OPEN_STATES, currency=currency, balance__gt=0)
        .filter(owner_rule)
        .order_by()
        .values("account_id", "due_date")
        .annotate(total=Sum("balance"))
    )
    rows = list(rows)
    shares, company = on_time_shares(today=today)
    out: dict[str, Decimal] = defaultdict(Decimal)
    for row in rows:
        weight = weight_of(row["account_id"], shares, company)
        out[bucket(row["due_date"], today)] += row["total"] * weight
    return out


def lead_to_cash_forecast(
    *, user, currency=None, owner=None, team=None, months=12, today=None
) -> dict:
    """The stacked curve: for each month of the horizon, each part and their sum (to the
    cent; parts are summed before rounding)."""
    today = today or timezone.localdate()
    currency = currency or default_currency()
    args = {"user": user, "currency": currency, "owner": owner, "team": team, "today": today}
    parts = {
        "pipeline": pipeline_part(**args),
        "contracted": contracted_part(**args),
        "invoiced": invoiced_part(**args),
    }
    rows = []
    for key in horizon(today, months):
        values = {name: parts[name].get(key, ZERO) for name in PARTS}
        rows.append(
            {
                "month": key,
                **{name: _money(value) for name, value in values.items()},
                "total": _money(sum(values.values(), ZERO)),
            }
        )
    totals = {name: _money(sum((r[name] for r in rows), ZERO)) for name in (*PARTS, "total")}
    return {"currency": currency, "months": rows, "totals": totals}


def _check_role(user):
    if not has_role(user, *ROLES):
        raise PermissionDenied(_("Your role has no forecast."))


# --- page ------------------------------------------------------------------------------------
@login_required
def forecast_view(request):
    _check_role(request.user)
    form = ForecastForm(request.GET or None, user=request.user)
    params = {}
    status = 200
    if request.GET:
        if form.is_valid():
            params = {k: v for k, v in form.cleaned_data.items() if v not in (None, "")}
        else:
            status = 400
    data = lead_to_cash_forecast(user=request.user, **params)
    chart = {
        "labels": [row["month"] for row in data["months"]],
        "series": [
            {
                "key": name,
                "label": str(LABELS[name]),
                "values": [str(row[name]) for row in data["months"]],
            }
            for name in PARTS
        ],
        "currency": data["currency"],
    }
    return render(
        request,
        "kpis/forecast.html",
        {
            "form": form,
            "data": data,
            "chart": chart,
            "owners": owner_choices(request.user),
            "teams": team_choices(request.user),
            "sees_invoiced": sees_money(request.user),
        },
        status=status,
    )


LABELS = {
    "pipeline": gettext_lazy("Open pipeline × probability"),
    "contracted": gettext_lazy("Contracted, not yet invoiced"),
    "invoiced": gettext_lazy("Invoiced, unpaid (× on-time share)"),
}


# --- API -------------------------------------------------------------------------------------
PIPELINE_HELP = "Open opportunities expected to close then, x their probability"
CONTRACTED_HELP = "Signed contracts' milestones expected then, not invoiced yet"
INVOICED_HELP = "Unpaid invoices due then, x the customer's on-time payment share"
TOTAL_HELP = "pipeline + contracted + invoiced"


class ForecastMonthSerializer(serializers.Serializer):
    month = serializers.CharField(help_text="YYYY-MM")
    pipeline = serializers.DecimalField(
        max_digits=20, decimal_places=2, read_only=True, help_text=PIPELINE_HELP
    )
    contracted = serializers.DecimalField(
        max_digits=20, decimal_places=2, read_only=True, help_text=CONTRACTED_HELP
    )
    invoiced = serializers.DecimalField(
        max_digits=20, decimal_places=2, read_only=True, help_text=INVOICED_HELP
    )
    total = serializers.DecimalField(
        max_digits=20,
        decimal_places=2,
        read_only=True,
        help_text="pipeline + contracted + invoiced",
    )


class ForecastTotalsSerializer(serializers.Serializer):
    pipeline = serializers.DecimalField(
        max_digits=20, decimal_places=2, read_only=True, help_text=PIPELINE_HELP
    )
    contracted = serializers.DecimalField(
        max_digits=20, decimal_places=2, read_only=True, help_text=CONTRACTED_HELP
    )
    invoiced = serializers.DecimalField(
        max_digits=20, decimal_places=2, read_only=True, help_text=INVOICED_HELP
    )
    total = serializers.DecimalField(
        max_digits=20,
        decimal_places=2,
        read_only=True,
        help_text="pipeline + contracted + invoiced",
    )


class ForecastSerializer(serializers.Serializer):
    currency = serializers.CharField(help_text="The currency of every amount (ISO 4217)")
    months = ForecastMonthSerializer(
        many=True, help_text="Month by month, the current one first (overdue counts there)"
    )
    totals = ForecastTotalsSerializer(help_text="The months added up")


class ForecastViewSet(viewsets.ViewSet):
    """The lead-to-cash forecast: by month, open pipeline × probability, contracted but not
    yet invoiced (payment-plan milestones) and invoiced but unpaid weighted by each
    customer's on-time payment share over the last 12 months. Role-scoped."""

    extra_query_params = {"list": ["owner", "team", "currency", "months"]}

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        tags=["kpis"],
        summary="The lead-to-cash forecast by month",
        parameters=[
            OpenApiParameter("owner", OpenApiTypes.INT, description="A person's figures"),
            OpenApiParameter("team", OpenApiTypes.INT, description="A team's figures"),
            OpenApiParameter("currency", OpenApiTypes.STR, description="Default: CNY"),
            OpenApiParameter("months", OpenApiTypes.INT, description="Horizon, 1–24 (12)"),
        ],
        responses={
            200: ForecastSerializer,
            400: OpenApiResponse(description="A bad parameter, named"),
            403: OpenApiResponse(description="Your role has no forecast"),
        },
    )
    def list(self, request):
        _check_role(request.user)
        allowed = {*ForecastForm.base_fields, "format"}  # ?format= picks the renderer
        unknown = sorted(set(request.query_params) - allowed)
        if unknown:
            raise serializers.ValidationError(
                {name: [_("Unknown query parameter.")] for name in unknown}
            )
        form = ForecastForm(request.query_params, user=request.user)
        if not form.is_valid():
            raise serializers.ValidationError(
                {f: [e["message"] for e in errs] for f, errs in form.errors.get_json_data().items()}
            )
        params = {k: v for k, v in form.cleaned_data.items() if v not in (None, "")}
        data = lead_to_cash_forecast(user=request.user, **params)
        return Response(ForecastSerializer(data).data)
