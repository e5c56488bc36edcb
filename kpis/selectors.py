"""Role-aware KPI reads shared by the dashboards, the exports and the API.

Scope: managers (and superusers) see everyone; a role sees everyone on its own family of
metrics (marketing the lead metrics, finance the cash metrics, operations fulfilment and
workload, service CSAT/NPS/SLA); otherwise a team lead sees the members of the teams they
lead, and everyone else their own figures.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db.models import Q, Sum
from django.utils.translation import gettext as _

from roles.models import Team
from roles.permissions import has_role

from . import metrics
from .models import KpiSnapshot, Target
from .periods import DAY, Period, bucket, bucket_end, buckets

ZERO = Decimal("0")
FAMILY_ROLE = {
    "lead": ("marketing",),
    "cash": ("finance",),
    "fulfilment": ("operations",),
    "service": ("service",),
}


class BadParameter(ValueError):
    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


@dataclass(frozen=True)
class Scope:
    everyone: bool
    owners: frozenset[int]  # who may be seen when not everyone
    teams: frozenset[int]  # teams that may be chosen when not everyone


def led_teams(user) -> dict[int, set[int]]:
    teams = defaultdict(set)
    for team_id, member in Team.members.through.objects.filter(team__lead=user).values_list(
        "team_id", "user_id"
    ):
        teams[team_id].add(member)
    for team_id in Team.objects.filter(lead=user).values_list("pk", flat=True):
        teams[team_id].add(user.pk)
    return teams


def scope_for(user, metric: metrics.Metric | None) -> Scope:
    if has_role(user, "manager"):
        return Scope(True, frozenset(), frozenset())
    family_roles = FAMILY_ROLE.get(metric.family, ()) if metric else ()
    if family_roles and has_role(user, *family_roles):
        return Scope(True, frozenset(), frozenset())
    teams = led_teams(user)
    owners = {user.pk}
    for members in teams.values():
        owners |= members
    return Scope(False, frozenset(owners), frozenset(teams))


def team_members(team_id: int) -> set[int]:
    members = set(
        Team.members.through.objects.filter(team_id=team_id).values_list("user_id", flat=True)
    )
    lead = Team.objects.filter(pk=team_id).values_list("lead_id", flat=True).first()
    if lead:
        members.add(lead)
    return members


def owner_filter(user, metric, *, team=None, owner=None) -> Q:
    """The snapshot filter for what `user` may see of `metric`, narrowed to a team or owner;
    BadParameter names `team` or `owner` when the caller may not see it."""
    scope = scope_for(user, metric)
    q = Q()
    if not scope.everyone:
        q &= Q(owner_id__in=scope.owners)
    if team not in (None, ""):
        try:
            team_id = int(team)
        except (TypeError, ValueError):
            raise BadParameter("team", _("Not a team id.")) from None
        if not scope.everyone and team_id not in scope.teams:
            raise BadParameter("team", _("You may not see this team."))
        if not Team.objects.filter(pk=team_id).exists():
            raise BadParameter("team", _("No such team."))
        q &= Q(owner_id__in=team_members(team_id))
    if owner not in (None, ""):
        try:
            owner_id = int(owner)
        except (TypeError, ValueError):
            raise BadParameter("owner", _("Not a user id.")) from None
        if not scope.everyone and owner_id not in scope.owners:
            raise BadParameter("owner", _("You may not see this person."))
        if scope.everyone and not get_user_model().objects.filter(pk=owner_id).exists():
            raise BadParameter("owner", _("No such person."))
        q &= Q(owner_id=owner_id)
    return q


def parse_date(value, field: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(str(value))
    except (TypeError, ValueError):
        raise BadParameter(field, _("Not a date (YYYY-MM-DD).")) from None


def parse_range(start, end) -> Period:
    if not start:
        raise BadParameter("from", _("This parameter is required."))
    if not end:
        raise BadParameter("to", _("This parameter is required."))
    first, last = parse_date(start, "from"), parse_date(end, "to")
    if last < first:
        raise BadParameter("to", _("The end is before the start."))
    if (last - first).days > 3700:
        raise BadParameter("to", _("The range is longer than ten years."))
    return Period(first, last)


def get_metric(key) -> metrics.Metric:
    metric = metrics.get(key or "")
    if metric is None or (":" in (key or "") and not metric.split):
        raise BadParameter("metric", _("Unknown metric: %(key)s") % {"key": key})
    return metric


def _sums(names, q: Q, days_q: Q, currency: str | None):
    qs = KpiSnapshot.objects.filter(q, days_q, metric__in=names)
    if currency:
        qs = qs.filter(currency__in=[currency, ""])
    return (
        qs.values("metric", "day", "currency")
        .annotate(n=Sum("numerator"), d=Sum("denominator"))
        .order_by()
    )


def series(
    user,
    key: str,
    period: Period,
    group_by: str = "month",
    *,
    team=None,
    owner=None,
    currency: str | None = None,
    whole: bool = False,
) -> list[dict]:
    """The metric per bucket of `group_by` and per currency: numerator, denominator, value.

    Flows (counts, amounts, ratios) are Σnum ÷ Σden over the bucket; stocks are the value on
    the bucket's last day; DSO = open AR at the end × days ÷ credit sales of the bucket; CEI
    = (opening AR + sales − closing AR) ÷ (opening AR + sales − closing current AR) × 100.
    """
    metric = get_metric(key)
    if group_by not in ("day", "week", "month", "quarter"):
        raise BadParameter("group_by", _("One of day, week, month, quarter."))
    q = owner_filter(user, metric, team=team, owner=owner)
    if whole:  # one bucket that is exactly the period
        starts, spans = [period.start], [(period.start, period.end)]

        def bucket_of(day):
            return period.start
    else:
        starts = buckets(period.start, period.end, group_by)
        spans = [(max(s, period.start), min(bucket_end(s, group_by), period.end)) for s in starts]

        def bucket_of(day):
            return bucket(day, group_by)

    out: dict[tuple, dict] = {}

    def cell(start, cur):
        return out.setdefault(
            (start, cur), {"period": start, "currency": cur, "numerator": ZERO, "denominator": ZERO}
        )

    if metric.kind in ("derived", "stock"):
        ends = [e for _s, e in spans]
        openings = [s - DAY for s, _e in spans]
        names = {"dso": ["ar_open", "invoiced"], "cei": ["ar_open", "ar_current", "invoiced"]}
        stock_names = names.get(metric.key, [key])
        rows = _sums(
            stock_names,
            q,
            Q(day__in=ends + openings) | Q(day__gte=period.start, day__lte=period.end),
            currency,
        )
        stock = defaultdict(lambda: ZERO)  # (metric, day, currency) -> Σ
        flow = defaultdict(lambda: ZERO)  # (bucket, currency) -> Σ invoiced
        currencies = set()
        for r in rows:
            currencies.add(r["currency"])
            if r["metric"] == "invoiced":
                if period.start <= r["day"] <= period.end:
                    flow[(bucket_of(r["day"]), r["currency"])] += r["n"]
            else:
                stock[(r["metric"], r["day"], r["currency"])] += r["n"]
        for (s, e), start in zip(spans, starts, strict=True):
            for cur in sorted(currencies):
                if metric.kind == "stock":
                    c = cell(start, cur)
                    c["numerator"] = stock[(key, e, cur)]
                    c["denominator"] = Decimal(1)
                    continue
                sales = flow[(start, cur)]
                closing = stock[("ar_open", e, cur)]
                c = cell(start, cur)
                if metric.key == "dso":
                    c["numerator"] = closing * ((e - s).days + 1)
                    c["denominator"] = sales
                else:
                    opening = stock[("ar_open", s - DAY, cur)]
                    c["numerator"] = opening + sales - closing
                    c["denominator"] = opening + sales - stock[("ar_current", e, cur)]
    else:
        rows = _sums([key], q, Q(day__gte=period.start, day__lte=period.end), currency)
        for r in rows:
            c = cell(bucket_of(r["day"]), r["currency"])
            c["numerator"] += r["n"]
            c["denominator"] += r["d"]
    scale = 100 if metric.key == "cei" else metric.scale
    result = []
    for c in sorted(out.values(), key=lambda c: (c["period"], c["currency"])):
        if metric.kind in ("count", "amount", "stock"):
            value = c["numerator"]
        elif c["denominator"]:
            value = c["numerator"] / c["denominator"] * scale
        else:
            value = None
        c["value"] = value.quantize(Decimal("0.01")) if value is not None else None
        result.append(c)
    return result


def total(user, key, period: Period, **kwargs) -> dict[str, dict]:
    """The metric over the whole period, per currency: {currency: {numerator, denominator,
    value}}. Stocks are the value on the last day."""
    metric = get_metric(key)
    rows = series(user, key, period, "day", whole=True, **kwargs)
    out: dict[str, dict] = {}
    for r in rows:
        c = out.setdefault(r["currency"], {"numerator": ZERO, "denominator": ZERO})
        c["numerator"] += r["numerator"]
        c["denominator"] += r["denominator"]
    for c in out.values():
        if metric.kind in ("count", "amount", "stock"):
            c["value"] = c["numerator"]
        elif c["denominator"]:
            scale = 100 if metric.key == "cei" else metric.scale
            c["value"] = (c["numerator"] / c["denominator"] * scale).quantize(Decimal("0.01"))
        else:
            c["value"] = None
    return out


def attainment(user, period: Period, *, team=None, owner=None) -> list[dict]:
    """Targets of the period for what the user may see, with the actual figure: the sum of
    the monthly or quarterly targets that fall inside the period, per metric and currency."""
    from django.db.models import Q as Q_

    targets = Target.objects.filter(
        period_start__gte=period.start, period_start__lte=period.end
    ).select_related("owner", "team")
    if owner not in (None, ""):
        targets = targets.filter(owner_id=owner)
    elif team not in (None, ""):
        targets = targets.filter(team_id=team)
    if not has_role(user, "manager"):
        teams = led_teams(user)
        targets = targets.filter(Q_(owner=user) | Q_(team_id__in=list(teams)))
    wanted = defaultdict(lambda: ZERO)
    for t in targets:
        wanted[(t.metric, t.currency if t.metric in ("bookings", "collected") else "")] += t.value
    rows = []
    for (key, cur), goal in sorted(wanted.items()):
        actual = (
            total(user, key, period, team=team, owner=owner).get(cur, {}).get("numerator", ZERO)
        )
        rows.append(
            {
                "metric": key,
                "label": metrics.METRICS[key].label,
                "currency": cur,
                "target": goal,
                "actual": actual,
                "attainment": (actual / goal * 100).quantize(Decimal("0.1")) if goal else None,
                "remaining": max(goal - actual, ZERO),
            }
        )
    return rows
