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
    """The teams a user leads and their members (cached on the user for the request)."""
    cached = getattr(user, "_kpi_led_teams", None)
    if cached is not None:
        return cached
    teams = defaultdict(set)
    for team_id, member in Team.members.through.objects.filter(team__lead=user).values_list(
        "team_id", "user_id"
    ):
        teams[team_id].add(member)
    for team_id in Team.objects.filter(lead=user).values_list("pk", flat=True):
        teams[team_id].add(user.pk)
    user._kpi_led_teams = teams
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


def visible_owners(user, metric, *, team=None, owner=None) -> set[int] | None:
    """The owners whose rows `user` may see of `metric`, narrowed to a team or an owner
    (None: everyone, unowned rows included); BadParameter names `team` or `owner` when the
    caller may not see it."""
    scope = scope_for(user, metric)
    ids: set[int] | None = None if scope.everyone else set(scope.owners)
    if team not in (None, ""):
        try:
            team_id = int(team)
        except (TypeError, ValueError):
            raise BadParameter("team", _("Not a team id.")) from None
        if not scope.everyone and team_id not in scope.teams:
            raise BadParameter("team", _("You may not see this team."))
        if scope.everyone and not Team.objects.filter(pk=team_id).exists():
            raise BadParameter("team", _("No such team."))
        members = team_members(team_id)
        ids = members if ids is None else ids & members
    if owner not in (None, ""):
        try:
            owner_id = int(owner)
        except (TypeError, ValueError):
            raise BadParameter("owner", _("Not a user id.")) from None
        if not scope.everyone and owner_id not in scope.owners:
            raise BadParameter("owner", _("You may not see this person."))
        if scope.everyone and not get_user_model().objects.filter(pk=owner_id).exists():
            raise BadParameter("owner", _("No such person."))
        ids = {owner_id} if ids is None else ids & {owner_id}
    return ids


def owner_filter(user, metric, *, team=None, owner=None) -> Q:
    ids = visible_owners(user, metric, team=team, owner=owner)
    return Q() if ids is None else Q(owner_id__in=ids)


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


DERIVED_FROM = {"dso": ["ar_open", "invoiced"], "cei": ["ar_open", "ar_current", "invoiced"]}


def stored_names(key: str) -> list[str]:
    return DERIVED_FROM.get(key, [key])


def is_point(metric: metrics.Metric) -> bool:
    """A value at a moment (balances, workload) rather than a flow summed over days."""
    return metric.kind == "stock" or (metric.current and metric.key != "pipeline")


def _days_q(metric, period: Period) -> Q:
    q = Q(day__gte=period.start, day__lte=period.end)
    if metric.key == "cei":
        q |= Q(day=period.start - DAY)  # the opening balance of the first bucket
    return q


def compute(
    metric: metrics.Metric,
    key: str,
    rows,
    period: Period,
    group_by: str = "month",
    *,
    whole: bool = False,
    today: datetime.date | None = None,
) -> list[dict]:
    """Bucket loaded snapshot sums ({metric, day, currency, n, d}) into values.

    Flows (counts, amounts, ratios) are Σnum ÷ Σden over the bucket; balances are the value
    on the bucket's last day (today at the latest; workload on the last day it was
    recorded); DSO = open AR at the end × days ÷ credit sales of the bucket; CEI = (opening
    AR + sales − closing AR) ÷ (opening AR + sales − closing current AR) × 100.
    """
    from django.utils import timezone

    today = today or timezone.localdate()
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

    names = stored_names(key)
    if metric.kind == "derived" or is_point(metric):
        stock: defaultdict[tuple, list[Decimal]] = defaultdict(
            lambda: [ZERO, ZERO]
        )  # (metric, day, currency) -> Σ
        flow: defaultdict[tuple, Decimal] = defaultdict(
            lambda: ZERO
        )  # (bucket, currency) -> Σ invoiced
        days_with_data = defaultdict(set)
        currencies = set()
        for r in rows:
            if r["metric"] not in names:
                continue
            currencies.add(r["currency"])
            if r["metric"] == "invoiced":
                if period.start <= r["day"] <= period.end:
                    flow[(bucket_of(r["day"]), r["currency"])] += r["n"]
            else:
                cellv = stock[(r["metric"], r["day"], r["currency"])]
                cellv[0] += r["n"]
                cellv[1] += r["d"]
                days_with_data[r["currency"]].add(r["day"])
        for (s, e), start in zip(spans, starts, strict=True):
            if s > today:
                continue
            end = min(e, today)
            for cur in sorted(currencies):
                c = cell(start, cur)
                if is_point(metric):
                    day = end
                    if metric.current:  # recorded only on the days the rollup ran
                        recorded = [d for d in days_with_data[cur] if s <= d <= end]
                        if not recorded:
                            continue
                        day = max(recorded)
                    c["numerator"], c["denominator"] = stock[(key, day, cur)]
                    continue
                sales = flow[(start, cur)]
                closing = stock[("ar_open", end, cur)][0]
                if metric.key == "dso":
                    c["numerator"] = closing * ((end - s).days + 1)
                    c["denominator"] = sales
                else:
                    opening = stock[("ar_open", s - DAY, cur)][0]
                    c["numerator"] = opening + sales - closing
                    c["denominator"] = opening + sales - stock[("ar_current", end, cur)][0]
    else:
        for r in rows:
            if r["metric"] != key or not (period.start <= r["day"] <= period.end):
                continue
            c = cell(bucket_of(r["day"]), r["currency"])
            c["numerator"] += r["n"]
            c["denominator"] += r["d"]
    scale = 100 if metric.key == "cei" else metric.scale
    result = []
    for c in sorted(out.values(), key=lambda c: (c["period"], c["currency"])):
        value = (
            metric.value(c["numerator"], c["denominator"])
            if metric.kind != "derived"
            else (c["numerator"] / c["denominator"] * scale if c["denominator"] else None)
        )
        c["value"] = value.quantize(Decimal("0.01")) if value is not None else None
        result.append(c)
    return result


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
    """The metric per bucket of `group_by` and per currency: numerator, denominator, value
    (see `compute`). One query for the snapshots."""
    metric = get_metric(key)
    if group_by not in ("day", "week", "month", "quarter"):
        raise BadParameter("group_by", _("One of day, week, month, quarter."))
    q = owner_filter(user, metric, team=team, owner=owner)
    rows = _sums(stored_names(key), q, _days_q(metric, period), currency)
    return compute(metric, key, rows, period, group_by, whole=whole)


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
        c["value"] = value_of(metric, c["numerator"], c["denominator"])
    return out


def value_of(metric, num, den) -> Decimal | None:
    if metric.kind == "derived":
        scale = 100 if metric.key == "cei" else metric.scale
        value = num / den * scale if den else None
    else:
        value = metric.value(num, den)
    return value.quantize(Decimal("0.01")) if value is not None else None


def attainment(user, period: Period, *, team=None, owner=None) -> list[dict]:
    """Targets that start inside the period, summed per metric and currency, beside the
    actual figure. Whose targets: the chosen person's or team's; with no choice, a
    manager's view sums the team targets (the person targets where no team has one), a team
    lead's the teams they lead, anyone else their own."""
    targets = Target.objects.filter(period_start__gte=period.start, period_start__lte=period.end)
    if owner not in (None, ""):
        targets = targets.filter(owner_id=owner)
    elif team not in (None, ""):
        targets = targets.filter(team_id=team)
    elif has_role(user, "manager"):
        team_metrics = set(targets.filter(team__isnull=False).values_list("metric", flat=True))
        targets = targets.filter(
            Q(team__isnull=False) | Q(owner__isnull=False) & ~Q(metric__in=team_metrics)
        )
    elif led_teams(user):
        targets = targets.filter(team_id__in=list(led_teams(user)))
    else:
        targets = targets.filter(owner=user)
    wanted: defaultdict[tuple[str, str], Decimal] = defaultdict(lambda: ZERO)
    for metric, cur, value in targets.values_list("metric", "currency", "value"):
        wanted[(metric, cur if metric in ("bookings", "collected") else "")] += value
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


def visible_targets(user):
    """Managers see every target; others their own and their led teams'."""
    qs = Target.objects.order_by("-period_start", "metric", "pk")
    if has_role(user, "manager"):
        return qs
    return qs.filter(Q(owner=user) | Q(team_id__in=list(led_teams(user))))


def handoff_rating_panel(*, record, user) -> dict:
    """The hand-offs `user` may rate on `record`, each with their own score so far (the
    context of the rating panel kpis declares on the receiving record's page)."""
    from django.contrib.contenttypes.models import ContentType
    from django.urls import reverse

    from .models import HandoffRating
    from .ratings import handoffs_for

    if user is None or not user.is_authenticated:
        return {"ratings": []}
    specs = handoffs_for(record, user)
    if not specs:
        return {"ratings": []}
    mine = dict(
        HandoffRating.objects.filter(
            content_type=ContentType.objects.get_for_model(record),
            object_id=record.pk,
            rated_by=user,
        ).values_list("handoff", "score")
    )
    meta = record._meta
    return {
        "ratings": [{"key": s.key, "label": s.label, "score": mine.get(s.key)} for s in specs],
        "rate_url": reverse("kpis:rate-handoff", args=[meta.app_label, meta.model_name, record.pk]),
    }
