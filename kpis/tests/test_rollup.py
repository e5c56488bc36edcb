"""Rollup = recount: every stored KPI's snapshots equal an independent count or sum over the
raw rows, per day, owner and team, and over the whole period."""

from __future__ import annotations

import datetime
from collections import defaultdict
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, DurationField, ExpressionWrapper, F, Min, Q, Sum
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone

from billing.models import CreditNote, Invoice, PaymentAllocation
from contracts.models import Contract
from feedback.models import Survey, Ticket
from kpis import metrics
from kpis.models import HandoffRating, KpiSnapshot
from kpis.periods import Period
from kpis.rollup import rollup, team_of_users
from kpis.selectors import total
from leads.models import Lead
from ltc.models import TransitionLog
from ltc.money import money
from opportunities.models import Opportunity
from orders.models import Order

from .factories import DAYS, at, build_world

pytestmark = pytest.mark.django_db
ONE = Decimal(1)


def tz():
    return timezone.get_current_timezone()


def day_of(field):
    return TruncDate(field, tzinfo=tz())


def snapshots(metric: str) -> dict:
    out = {}
    for s in KpiSnapshot.objects.filter(metric=metric):
        out[(s.day, s.owner_id, s.currency)] = (s.numerator, s.denominator)
        assert s.team_id == team_of_users().get(s.owner_id), "team is the owner's team"
    return out


def in_range(qs, field):
    lo = at(DAYS[0], 0)
    hi = at(DAYS[-1], 0) + datetime.timedelta(days=1)
    return qs.filter(**{f"{field}__gte": lo, f"{field}__lt": hi})


def grouped(qs, day, owner, currency=None, **aggregates) -> dict:
    values = {"d": day, "o": owner}
    if currency:
        values["c"] = F(currency)
    rows = (
        qs.annotate(**values).values("d", "o", *(["c"] if currency else [])).annotate(**aggregates)
    )
    out = {}
    for r in rows.order_by():
        out[(r["d"], r["o"], r.get("c", ""))] = tuple(Decimal(str(r[name])) for name in aggregates)
    return out


def expected(metric: str) -> dict:
    won = Q(stage="won")
    first, last = DAYS[0], DAYS[-1]
    if metric in ("funnel_leads", "lead_conversion"):
        qs = in_range(Lead.objects, "created_at")
        rows = grouped(
            qs,
            day_of("created_at"),
            F("owner_id"),
            conv=Count("pk", filter=Q(status="converted")),
            n=Count("pk"),
        )
        if metric == "funnel_leads":
            return {k: (v[1], v[1]) for k, v in rows.items()}
        return rows
    if metric == "qualified_leads":
        logs = in_range(TransitionLog.objects, "at").filter(
            content_type=ContentType.objects.get_for_model(Lead), target="qualified"
        )
        owners = dict(Lead.objects.values_list("pk", "owner_id"))
        out = defaultdict(lambda: [Decimal(0), Decimal(0)])
        for object_id, when in logs.values_list("object_id", "at"):
            cell = out[(timezone.localdate(when), owners[object_id], "")]
            cell[0] += 1
            cell[1] += 1
        return {k: tuple(v) for k, v in out.items()}
    if metric == "funnel_opportunities":
        qs = in_range(Opportunity.objects, "created_at")
        rows = grouped(qs, day_of("created_at"), F("owner_id"), n=Count("pk"))
        return {k: (v[0], v[0]) for k, v in rows.items()}
    closed = in_range(Opportunity.objects, "closed_at")
    if metric == "funnel_won":
        rows = grouped(closed.filter(won), day_of("closed_at"), F("owner_id"), n=Count("pk"))
        return {k: (v[0], v[0]) for k, v in rows.items()}
    if metric == "win_rate":
        return grouped(
            closed.filter(stage__in=["won", "lost"]),
            day_of("closed_at"),
            F("owner_id"),
            w=Count("pk", filter=won),
            n=Count("pk"),
        )
    if metric == "avg_deal_size":
        return grouped(
            closed.filter(won), day_of("closed_at"), F("owner_id"), "currency",
            s=Sum("amount"), n=Count("pk"),
        )  # fmt: skip
    if metric == "sales_cycle":
        span = ExpressionWrapper(F("closed_at") - F("created_at"), output_field=DurationField())
        rows = closed.filter(won).annotate(d=day_of("closed_at"), span=span)
        out = defaultdict(lambda: [Decimal(0), Decimal(0)])
        for r in rows.values("d", "owner_id", "span"):
            cell = out[(r["d"], r["owner_id"], "")]
            cell[0] += Decimal(r["span"].total_seconds()) / 86400
            cell[1] += 1
        return {k: tuple(v) for k, v in out.items()}
    booked = Contract.objects.filter(
        signed_on__gte=first,
        signed_on__lte=last,
        status__in=["signed", "completed", "terminated"],
        amended_from__isnull=True,
    )
    if metric == "bookings":
        return grouped(
            booked, F("signed_on"), F("owner_id"), "currency", s=Sum("total"), n=Count("pk")
        )
    if metric == "new_customers":
        firsts = (
            Contract.objects.filter(status__in=["signed", "completed", "terminated"])
            .values("account_id")
            .annotate(first=Min("signed_on"))
        )
        out = defaultdict(lambda: [Decimal(0), Decimal(0)])
        for r in firsts:
            if first <= r["first"] <= last:
                c = booked.filter(account_id=r["account_id"], signed_on=r["first"]).order_by("pk")[
                    0
                ]
                cell = out[(r["first"], c.owner_id, "")]
                cell[0] += 1
                cell[1] += 1
        return {k: tuple(v) for k, v in out.items()}
    invoices = Invoice.objects.exclude(status__in=["draft", "void"]).annotate(
        who=Coalesce("contract__owner_id", "account__owner_id")
    )
    if metric == "invoiced":
        return grouped(
            invoices.filter(issue_date__gte=first, issue_date__lte=last),
            F("issue_date"), F("who"), "currency", s=Sum("total"), n=Count("pk"),
        )  # fmt: skip
    if metric == "collected":
        from billing.models import Payment

        return grouped(
            Payment.objects.exclude(status="reversed").filter(date__gte=first, date__lte=last),
            F("date"), F("account__owner_id"), "currency", s=Sum("amount"), n=Count("pk"),
        )  # fmt: skip
    if metric.startswith("ar_"):
        out = defaultdict(lambda: [Decimal(0), Decimal(0)])
        for day in DAYS:
            for inv in invoices.filter(issue_date__lte=day):
                paid = PaymentAllocation.objects.filter(
                    invoice=inv, payment__date__lte=day
                ).aggregate(s=Sum("amount"))["s"] or Decimal(0)
                credited = CreditNote.objects.filter(invoice=inv, issue_date__lte=day).aggregate(
                    s=Sum("amount")
                )["s"] or Decimal(0)
                balance = inv.total - paid - credited
                if balance <= 0:
                    continue
                late = (day - inv.due_date).days
                bucket = (
                    "ar_current" if late <= 0 else "ar_1_30" if late <= 30
                    else "ar_31_60" if late <= 60 else "ar_61_90" if late <= 90 else "ar_90_plus"
                )  # fmt: skip
                if metric in ("ar_open", bucket):
                    cell = out[(day, inv.who, inv.currency)]
                    cell[0] += balance
                    cell[1] += 1
        return {k: tuple(v) for k, v in out.items()}
    delivered = Order.objects.filter(delivered_on__gte=first, delivered_on__lte=last)
    if metric == "fulfilment_cycle":
        out = defaultdict(lambda: [Decimal(0), Decimal(0)])
        for o in delivered.exclude(confirmed_at=None):
            cell = out[(o.delivered_on, o.owner_id, "")]
            cell[0] += (o.delivered_on - timezone.localdate(o.confirmed_at)).days
            cell[1] += 1
        return {k: tuple(v) for k, v in out.items()}
    if metric == "on_time_delivery":
        return grouped(
            delivered.exclude(promised_delivery_date=None), F("delivered_on"), F("owner_id"),
            ok=Count("pk", filter=Q(delivered_on__lte=F("promised_delivery_date"))), n=Count("pk"),
        )  # fmt: skip
    answered = in_range(Survey.objects, "answered_at").exclude(score=None)
    if metric == "csat":
        return grouped(
            answered.filter(kind="csat"), day_of("answered_at"), F("ticket__assignee_id"),
            ok=Count("pk", filter=Q(score__gte=4)), n=Count("pk"),
        )  # fmt: skip
    if metric == "nps":
        rows = grouped(
            answered.filter(kind="nps"), day_of("answered_at"), F("order__owner_id"),
            pro=Count("pk", filter=Q(score__gte=9)), det=Count("pk", filter=Q(score__lte=6)),
            n=Count("pk"),
        )  # fmt: skip
        return {k: (v[0] - v[1], v[2]) for k, v in rows.items()}
    if metric == "first_response":
        # Every ticket of the world was created at 10:00 and answered at 13:00 on a weekday.
        rows = grouped(
            in_range(Ticket.objects, "first_response_at"), day_of("first_response_at"),
            F("assignee_id"), n=Count("pk"),
        )  # fmt: skip
        return {k: (3 * v[0], v[0]) for k, v in rows.items()}
    if metric == "sla_breach":
        return grouped(
            in_range(Ticket.objects, "created_at"), day_of("created_at"), F("assignee_id"),
            b=Count("pk", filter=Q(first_response_breached_at__isnull=False)
                    | Q(resolution_breached_at__isnull=False)),
            n=Count("pk"),
        )  # fmt: skip
    if metric == "collaboration":
        return grouped(
            in_range(HandoffRating.objects, "rated_at"), day_of("rated_at"), F("rated_by_id"),
            s=Sum("score"), n=Count("pk"),
        )  # fmt: skip
    raise AssertionError(metric)


RECOUNTED = [
    "funnel_leads", "lead_conversion", "qualified_leads", "funnel_opportunities", "funnel_won",
    "win_rate", "avg_deal_size", "sales_cycle", "bookings", "new_customers", "invoiced",
    "collected", "ar_open", "ar_current", "ar_1_30", "ar_31_60", "ar_61_90", "ar_90_plus",
    "fulfilment_cycle", "on_time_delivery", "csat", "nps", "first_response", "sla_breach",
    "collaboration",
]  # fmt: skip


@pytest.fixture
def world():
    data = build_world()
    rollup(DAYS[0], DAYS[-1], today=DAYS[-1] + datetime.timedelta(days=30))
    return data


def close(a: dict, b: dict) -> bool:
    if set(a) != set(b):
        return False
    return all(
        abs(Decimal(a[k][0]) - Decimal(b[k][0])) < Decimal("0.01")
        and Decimal(a[k][1]) == Decimal(b[k][1])
        for k in a
    )


def test_every_stored_metric_is_recounted():
    stored = {m.key for m in metrics.STORED}
    # lead_to_cash is recounted in test_chain.py, beside the chain view's cycle time.
    not_here = {"pipeline", "workload", "workload_age", "handoff_ontime", "dwell", "lead_to_cash"}
    assert stored - not_here == set(RECOUNTED)  # each is recounted below or in its own test


@pytest.mark.parametrize("metric", RECOUNTED)
def test_snapshots_equal_an_independent_recount(world, metric):
    want = expected(metric)
    assert want, f"the world has rows for {metric}"
    got = snapshots(metric)
    assert close(got, want), (metric, got, want)
    # and over the whole period, as a manager sees it
    period = Period(DAYS[0], DAYS[-1])
    whole = total(world["manager"], metric, period)
    kind = metrics.METRICS[metric].kind
    for currency in {k[2] for k in want}:
        if kind == "stock":
            num = sum(v[0] for k, v in want.items() if k[2] == currency and k[0] == DAYS[-1])
        else:
            num = sum(v[0] for k, v in want.items() if k[2] == currency)
        assert abs(whole[currency]["numerator"] - num) < Decimal("0.01"), metric


def test_per_team_figures_add_up(world):
    team_a, team_b = world["teams"]
    for metric in ("funnel_leads", "bookings", "win_rate"):
        snaps = KpiSnapshot.objects.filter(metric=metric)
        by_team = snaps.filter(team=team_a).aggregate(s=Sum("numerator"))["s"] or 0
        members = set(team_a.members.values_list("pk", flat=True))
        raw = sum(v[0] for k, v in expected(metric).items() if k[1] in members)
        assert by_team == raw
        if metric != "bookings":  # team B signs no contracts in this world
            assert snaps.filter(team=team_b).exists()


def test_handoff_ontime_per_handoff(world):
    # orders confirmed at 09:00: fulfilment started after 10 h (on time) and 30 h (late)
    snaps = KpiSnapshot.objects.filter(metric="handoff_ontime:order_fulfilment")
    assert snaps.aggregate(n=Sum("numerator"), d=Sum("denominator")) == {
        "n": Decimal(1),
        "d": Decimal(2),
    }
    # tickets answered after 3 h against the 4 h target: all on time
    tickets = KpiSnapshot.objects.filter(metric="handoff_ontime:ticket_first_response")
    agg = tickets.aggregate(n=Sum("numerator"), d=Sum("denominator"))
    assert agg["n"] == agg["d"] == in_range(Ticket.objects, "first_response_at").count()
    overall = KpiSnapshot.objects.filter(metric="handoff_ontime").aggregate(d=Sum("denominator"))
    parts = KpiSnapshot.objects.filter(metric__startswith="handoff_ontime:").aggregate(
        d=Sum("denominator")
    )
    assert overall == parts


def test_dwell_time_per_state(world):
    # logged orders: pending from creation until confirmed; the order was created "now",
    # so only rows whose exit lies in the range count. Each exit is one denominator.
    exits = in_range(TransitionLog.objects, "at").count()
    got = KpiSnapshot.objects.filter(metric="dwell").aggregate(d=Sum("denominator"))["d"]
    assert got == exits


def test_rollup_twice_changes_nothing(world):
    before = sorted(
        KpiSnapshot.objects.values_list("day", "owner_id", "team_id", "metric", "currency",
                                        "numerator", "denominator")
    )  # fmt: skip
    rollup(DAYS[0], DAYS[-1], today=DAYS[-1] + datetime.timedelta(days=30))
    after = sorted(
        KpiSnapshot.objects.values_list("day", "owner_id", "team_id", "metric", "currency",
                                        "numerator", "denominator")
    )  # fmt: skip
    assert before == after


def test_back_dated_payment_changes_the_right_past_day(world):
    from billing.tests.factories import pay

    invoice = world["invoices"][4]
    ar = KpiSnapshot.objects.filter(metric="ar_open", owner=invoice.account.owner)
    ar_before = dict(ar.values_list("day", "numerator"))
    before = dict(
        KpiSnapshot.objects.filter(metric="collected")
        .values_list("day")
        .annotate(s=Sum("numerator"))
    )
    pay(invoice, "100.00", user=world["finance"], date=DAYS[1])
    rollup(DAYS[0], DAYS[-1], today=DAYS[-1] + datetime.timedelta(days=30))
    after = dict(
        KpiSnapshot.objects.filter(metric="collected")
        .values_list("day")
        .annotate(s=Sum("numerator"))
    )
    assert after[DAYS[1]] == before.get(DAYS[1], 0) + Decimal("100.00")
    assert after.get(DAYS[0]) == before.get(DAYS[0])
    assert after.get(DAYS[2]) == before.get(DAYS[2])
    # the open balance of that day and later fell by the same amount
    ar_after = dict(ar.values_list("day", "numerator"))
    assert ar_after[DAYS[0]] == ar_before[DAYS[0]]
    assert ar_after[DAYS[1]] == ar_before[DAYS[1]] - Decimal("100.00")
    assert ar_after[DAYS[2]] == ar_before[DAYS[2]] - Decimal("100.00")


def test_current_metrics_are_written_for_today():
    data = build_world()
    today = timezone.localdate()
    rollup(today - datetime.timedelta(days=1), today)
    workload = KpiSnapshot.objects.filter(metric="workload", day=today)
    open_leads = Lead.objects.filter(status__in=["new", "working"], owner__isnull=False).count()
    assert workload.filter(metric="workload").exists()
    leads = KpiSnapshot.objects.filter(metric="workload:leads", day=today).aggregate(
        s=Sum("numerator")
    )["s"]
    assert leads == open_leads
    pipeline = KpiSnapshot.objects.filter(metric="pipeline").aggregate(s=Sum("numerator"))["s"]
    raw = sum(
        money(o.amount * o.probability / 100)
        for o in Opportunity.objects.filter(
            stage__in=["qualification", "needs_analysis", "proposal", "negotiation"]
        )
    )
    assert pipeline == raw
    assert data["sales"]
