"""What the KPI pages show, built from snapshots: the overview table (this period, the
previous one 环比 and the same period a year earlier 同比), the charts with their tables,
attainment and pipeline coverage. Shared by the pages, the exports and the weekly digest."""

from __future__ import annotations

import datetime
from collections import defaultdict
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ltc.transitions import transition_specs
from rules import accessors as rule_values

from . import metrics, selectors
from .models import KpiSnapshot
from .periods import DAY, Period, add_months, month_start

# The seed's KPI table: each heading with the figures that answer it.
SECTIONS = [
    (gettext_lazy("Sales growth (销售额增长)"),
     ["bookings", "collected", "invoiced", "avg_deal_size", "win_rate", "sales_cycle", "pipeline"]),
    (gettext_lazy("Customers won (客户开发量)"),
     ["new_customers", "funnel_leads", "qualified_leads", "lead_conversion",
      "funnel_opportunities", "funnel_won"]),
    (gettext_lazy("Customer satisfaction (客户满意度)"),
     ["csat", "nps", "first_response", "sla_breach"]),
    (gettext_lazy("Process efficiency (流程效率)"), ["handoff_ontime", "dwell", "lead_to_cash"]),
    (gettext_lazy("Order processing and cash (订单处理效率)"),
     ["fulfilment_cycle", "on_time_delivery", "dso", "cei", "ar_open"]),
    (gettext_lazy("Resource utilisation (资源利用率)"), ["workload", "workload_age"]),
    (gettext_lazy("Internal collaboration (内部协作满意度)"), ["collaboration"]),
]  # fmt: skip
POINTS = {"%", ""}  # ratios change in points; amounts and times in percent


def default_currency() -> str:
    return rule_values.default_currency()


def change(metric: metrics.Metric, now: Decimal | None, before: Decimal | None) -> dict | None:
    """The change against an earlier value: points for ratios, percent otherwise; None
    (shown "—") when there is nothing to compare with."""
    if now is None or before is None:
        return None
    if metric.kind in ("ratio", "derived") and str(metric.unit) == "%" or metric.key == "nps":
        return {"value": (now - before).quantize(Decimal("0.1")), "unit": "pp"}
    if before == 0:
        return None
    return {"value": ((now - before) / abs(before) * 100).quantize(Decimal("0.1")), "unit": "%"}


def load(user, keys, periods, *, team=None, owner=None, currency=None):
    """Snapshot sums of `keys` over the periods (and the day before each), one query per
    distinct scope."""
    groups: list[tuple[Q, list[str]]] = []
    for key in keys:
        metric = metrics.get(key)
        q = selectors.owner_filter(user, metric, team=team, owner=owner)
        for existing_q, names in groups:
            if existing_q == q:
                names.extend(selectors.stored_names(key))
                break
        else:
            groups.append((q, list(selectors.stored_names(key))))
    days = Q()
    for p in periods:
        days |= Q(day__gte=p.start - DAY, day__lte=p.end)
    rows = []
    for q, names in groups:
        rows.extend(selectors._sums(sorted(set(names)), q, days, currency))
    return rows


def overview(user, period: Period, *, team=None, owner=None, currency=None) -> list[dict]:
    currency = currency or default_currency()
    previous, year_ago = period.previous(), period.year_ago()
    keys = [k for _label, ks in SECTIONS for k in ks]
    by_scope = defaultdict(list)
    rows = load(user, keys, [period, previous, year_ago], team=team, owner=owner, currency=currency)
    for r in rows:
        by_scope[r["metric"]].append(r)
    sections = []
    for label, ks in SECTIONS:
        lines = []
        for key in ks:
            metric = metrics.METRICS[key]
            wanted = currency if (metric.money or key in ("dso", "cei")) else ""
            mine = [r for name in selectors.stored_names(key) for r in by_scope.get(name, ())]

            def figure(p, metric=metric, key=key, mine=mine, wanted=wanted):
                values = selectors.compute(metric, key, mine, p, whole=True)
                hit = next((v for v in values if v["currency"] == wanted), None)
                return hit

            now, prev, yoy = figure(period), figure(previous), figure(year_ago)
            value = now["value"] if now else None
            lines.append(
                {
                    "key": key,
                    "label": metric.label,
                    "unit": metric.unit,
                    "money": metric.money,
                    "currency": wanted,
                    "value": value,
                    "numerator": now["numerator"] if now else None,
                    "denominator": now["denominator"] if now else None,
                    "previous": prev["value"] if prev else None,
                    "year_ago": yoy["value"] if yoy else None,
                    "change_previous": change(metric, value, prev["value"] if prev else None),
                    "change_year_ago": change(metric, value, yoy["value"] if yoy else None),
                }
            )
        sections.append({"label": label, "rows": lines})
    return sections


def median_sales_cycle(user, period: Period, *, team=None, owner=None) -> Decimal | None:
    """The median is not additive: computed from the won deals' rows at query time."""
    metric = metrics.METRICS["sales_cycle"]
    ids = selectors.visible_owners(user, metric, team=team, owner=owner)
    days = sorted(
        r.num for r in metric.rows(period.start, period.end) if ids is None or r.owner in ids
    )
    if not days:
        return None
    mid = len(days) // 2
    value = days[mid] if len(days) % 2 else (days[mid - 1] + days[mid]) / 2
    return value.quantize(Decimal("0.1"))


def trailing_months(period: Period, months: int = 12) -> Period:
    """The `months` whole months ending with the period's last month."""
    end = add_months(month_start(period.end), 1) - DAY
    return Period(add_months(month_start(period.end), -(months - 1)), end)


def _month_labels(span: Period) -> list[datetime.date]:
    out, current = [], span.start
    while current <= span.end:
        out.append(current)
        current = add_months(current, 1)
    return out


def _scoped(user, keys, *, team, owner) -> list[tuple[Q, list[str]]]:
    """Group metric names by the owner filter the user gets for them (usually one)."""
    groups: list[tuple[Q, list[str]]] = []
    for key in keys:
        q = selectors.owner_filter(user, metrics.get(key), team=team, owner=owner)
        for existing_q, names in groups:
            if existing_q == q:
                names.append(key)
                break
        else:
            groups.append((q, [key]))
    return groups


def monthly(user, keys, span: Period, *, team, owner, currency) -> dict:
    """Σnum, Σden per (metric, month, currency) of flow metrics over whole months: one
    query per scope."""
    from django.db.models.functions import TruncMonth

    out = {}
    for q, names in _scoped(user, keys, team=team, owner=owner):
        rows = (
            KpiSnapshot.objects.filter(
                q, metric__in=names, day__gte=span.start, day__lte=span.end,
                currency__in=[currency, ""],
            )
            .annotate(month=TruncMonth("day"))
            .values("metric", "month", "currency")
            .annotate(n=Sum("numerator"), d=Sum("denominator"))
            .order_by()
        )  # fmt: skip
        for r in rows:
            month = r["month"].date() if hasattr(r["month"], "date") else r["month"]
            out[(r["metric"], month, r["currency"])] = (r["n"], r["d"])
    return out


def balances(user, keys, days, *, team, owner, currency) -> dict:
    """Σnum per (metric, day, currency) of balance metrics on the given days."""
    out = {}
    for q, names in _scoped(user, keys, team=team, owner=owner):
        rows = (
            KpiSnapshot.objects.filter(
                q, metric__in=names, day__in=list(days), currency__in=[currency, ""]
            )
            .values("metric", "day", "currency")
            .annotate(n=Sum("numerator"))
            .order_by()
        )
        for r in rows:
            out[(r["metric"], r["day"], r["currency"])] = r["n"]
    return out


def _trend(keys, months, flows, points, currency, today):
    datasets = []
    for key in keys:
        metric = metrics.METRICS[key]
        wanted = currency if (metric.money or key in ("dso", "cei")) else ""
        data = []
        for m in months:
            end = min(add_months(m, 1) - DAY, today)
            if key in ("dso", "cei"):
                sales = flows.get(("invoiced", m, wanted), (None, None))[0]
                closing = points.get(("ar_open", end, wanted), Decimal("0"))
                if key == "dso":
                    num, den = closing * ((end - m).days + 1), sales
                else:
                    opening = points.get(("ar_open", m - DAY, wanted), Decimal("0"))
                    current = points.get(("ar_current", end, wanted), Decimal("0"))
                    num = opening + (sales or 0) - closing
                    den = opening + (sales or 0) - current
                value = num / den * (1 if key == "dso" else 100) if den and m <= today else None
            else:
                num, den = flows.get((key, m, wanted), (None, None))
                value = metric.value(num, den) if num is not None else None
            data.append(_num(value.quantize(Decimal("0.01")) if value is not None else None))
        datasets.append({"key": key, "label": str(metric.label), "data": data})
    return datasets


def _num(value):
    return float(value) if value is not None else None  # chart coordinates only


def _table(labels, datasets):
    return {
        "headers": [ds["label"] for ds in datasets],
        "rows": [
            {"label": label, "cells": [ds["data"][i] for ds in datasets]}
            for i, label in enumerate(labels)
        ],
    }


def charts(
    user, period: Period, *, team=None, owner=None, currency=None, coverage=None
) -> list[dict]:
    currency = currency or default_currency()
    span = trailing_months(period)
    kw = {"team": team, "owner": owner, "currency": currency}
    out = []

    def chart(chart_id, title, kind, labels, datasets, metric, note="", horizontal=False):
        out.append(
            {
                "id": chart_id,
                "title": title,
                "type": kind,
                "horizontal": horizontal,
                "height": max(240, 26 * len(labels)) if horizontal else 240,
                "labels": labels,
                "datasets": datasets,
                "table": _table(labels, datasets),
                "metric": metric,
                "note": note,
            }
        )

    today = timezone.localdate()
    months = _month_labels(span)
    labels = [f"{m:%Y-%m}" for m in months]
    trend_keys = ["bookings", "collected", "invoiced", "win_rate", "fulfilment_cycle",
                  "on_time_delivery", "csat", "nps", "sla_breach"]  # fmt: skip
    flows = monthly(user, trend_keys, span, **kw)
    aging_keys = [k for k, *_rest in metrics.AGING]
    end = min(period.end, today)
    days = {end} | {min(add_months(m, 1) - DAY, today) for m in months}
    days |= {m - DAY for m in months}
    points = balances(user, ["ar_open", *aging_keys], days, **kw)

    funnel_keys = ["funnel_leads", "qualified_leads", "funnel_opportunities", "funnel_won"]
    totals = defaultdict(lambda: Decimal("0"))
    for q, names in _scoped(user, funnel_keys, team=team, owner=owner):
        for name, n in (
            KpiSnapshot.objects.filter(
                q, metric__in=names, day__gte=period.start, day__lte=period.end
            )
            .values("metric")
            .annotate(n=Sum("numerator"))
            .values_list("metric", "n")
            .order_by()
        ):
            totals[name] += n
    chart("funnel", _("Funnel"), "bar", [str(metrics.METRICS[k].label) for k in funnel_keys],
          [{"label": _("Count"), "data": [_num(totals[k]) for k in funnel_keys]}],
          "funnel_leads")  # fmt: skip

    def trend(keys):
        return _trend(keys, months, flows, points, currency, today)

    chart("bookings", _("Bookings and collections by month (%(c)s)") % {"c": currency}, "bar",
          labels, trend(["bookings", "collected"]), "bookings")  # fmt: skip
    chart("win-rate", _("Win rate by month (%)"), "line", labels, trend(["win_rate"]), "win_rate")

    if coverage is None:
        coverage = pipeline_coverage(user, period, team=team, owner=owner, currency=currency)
    ratio = coverage["coverage"] if coverage["coverage"] is not None else "—"
    chart(
        "coverage",
        _("Pipeline coverage against target (%(c)s)") % {"c": currency},
        "bar",
        [_("Weighted pipeline"), _("Remaining target")],
        [{"label": currency, "data": [_num(coverage["pipeline"]), _num(coverage["remaining"])]}],
        "pipeline",
        note=_("Coverage: %(v)s") % {"v": ratio},
    )
    aging = [_num(points.get((k, end, currency), Decimal("0"))) for k in aging_keys]
    chart("aging", _("AR aging at the end of the period (%(c)s)") % {"c": currency}, "bar",
          [str(metrics.METRICS[k].label) for k in aging_keys],
          [{"label": currency, "data": aging}], "ar_open")  # fmt: skip
    chart("dso-cei", _("DSO (days) and CEI (%) by month"), "line", labels, trend(["dso", "cei"]),
          "dso")  # fmt: skip
    chart("fulfilment", _("Fulfilment cycle (days) and on-time delivery (%)"), "line", labels,
          trend(["fulfilment_cycle", "on_time_delivery"]), "fulfilment_cycle")  # fmt: skip
    chart("csat-nps", _("CSAT (%) and NPS by month"), "line", labels, trend(["csat", "nps"]),
          "csat")  # fmt: skip
    chart("sla", _("SLA breach rate by month (%)"), "line", labels, trend(["sla_breach"]),
          "sla_breach")  # fmt: skip

    labels, data = split_values(user, "handoff_ontime", period, team=team, owner=owner)
    chart("handoffs", _("Hand-off on-time rate per hand-off (%)"), "bar", labels,
          [{"label": _("On time %"), "data": data}], "handoff_ontime", horizontal=True)  # fmt: skip
    labels, data = workload_by_person(user, period, team=team, owner=owner)
    chart("workload", _("Workload per person (open items)"), "bar", labels,
          [{"label": _("Open items"), "data": data}], "workload", horizontal=True)  # fmt: skip
    labels, data = split_values(user, "dwell", period, team=team, owner=owner, roles=True)
    chart("dwell", _("Dwell time per state and owning role (mean hours)"), "bar", labels,
          [{"label": _("Hours"), "data": data}], "dwell", horizontal=True)  # fmt: skip
    return out


def state_roles(model_label: str, state: str) -> str:
    """The roles that own the transitions out of a state (where work waits)."""
    from django.apps import apps

    try:
        model = apps.get_model(model_label)
    except (LookupError, ValueError):
        return ""
    roles = []
    for spec in transition_specs(model):
        if state in spec.sources or "*" in spec.sources:
            roles.extend(r for r in spec.roles if r not in roles)
    return ", ".join(role_label(r) for r in roles)


def role_label(slug: str) -> str:
    from roles.models import Role

    return str(Role(slug).label) if slug in Role.values else slug


def split_label(part: str, *, roles: bool) -> str:
    """A split metric's part in words: a hand-off's name, or a record type and state with the
    roles that move it on ("Quote · Pending approval (Manager, Finance)")."""
    from django.apps import apps

    from ltc.timers import TIMERS
    from ltc.transitions import state_field

    if not roles:
        timer = TIMERS.get(part)
        return capfirst(str(timer.label)) if timer is not None else part
    app, model_name, state = part.rsplit(".", 2)
    try:
        model = apps.get_model(app, model_name)
    except LookupError:
        return part
    states = dict(state_field(model).flatchoices)
    owners = state_roles(f"{app}.{model_name}", state) or "—"
    return f"{capfirst(model._meta.verbose_name)} · {states.get(state, state)} ({owners})"


def split_values(user, key, period, *, team=None, owner=None, roles=False):
    """The parts of a split metric (per hand-off, per state) over the period."""
    metric = metrics.METRICS[key]
    q = selectors.owner_filter(user, metric, team=team, owner=owner)
    rows = (
        KpiSnapshot.objects.filter(
            q, metric__startswith=f"{key}:", day__gte=period.start, day__lte=period.end
        )
        .values("metric")
        .annotate(n=Sum("numerator"), d=Sum("denominator"))
        .order_by("metric")
    )
    labels, data = [], []
    for r in rows:
        labels.append(split_label(r["metric"].split(":", 1)[1], roles=roles))
        data.append(_num(metric.value(r["n"], r["d"])))
    return labels, data


def workload_by_person(user, period, *, team=None, owner=None):
    metric = metrics.METRICS["workload"]
    q = selectors.owner_filter(user, metric, team=team, owner=owner)
    end = min(period.end, timezone.localdate())
    last = (
        KpiSnapshot.objects.filter(q, metric="workload", day__gte=period.start, day__lte=end)
        .order_by("-day")
        .values_list("day", flat=True)
        .first()
    )
    if last is None:
        return [], []
    rows = (
        KpiSnapshot.objects.filter(q, metric="workload", day=last)
        .values("owner_id")
        .annotate(n=Sum("numerator"))
        .order_by("-n")
    )
    names = dict(
        get_user_model()
        .objects.filter(pk__in=[r["owner_id"] for r in rows])
        .values_list("pk", "username")
    )
    return [names.get(r["owner_id"], "—") for r in rows], [_num(r["n"]) for r in rows]


def pipeline_coverage(
    user, period: Period, *, team=None, owner=None, currency=None, attainment=None
) -> dict:
    """Weighted pipeline expected to close in the period ÷ what is left of the bookings
    target (target − bookings so far)."""
    currency = currency or default_currency()
    pipe = selectors.total(user, "pipeline", period, team=team, owner=owner, currency=currency)
    pipeline = pipe.get(currency, {}).get("value") or Decimal("0")
    remaining = None
    if attainment is None:
        attainment = selectors.attainment(user, period, team=team, owner=owner)
    for row in attainment:
        if row["metric"] == "bookings" and row["currency"] == currency:
            remaining = row["remaining"]
    coverage = (pipeline / remaining).quantize(Decimal("0.01")) if remaining else None
    return {"pipeline": pipeline, "remaining": remaining, "coverage": coverage}
