#!/usr/bin/env python
"""`make bench-kpis`: the KPI rollup and the managers' view at the 100,000-lead scale.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ltc_bench .venv/bin/python bench/kpis.py

Seeds (once; reused by later runs) the bench leads of bench/run.py and proportional deals
over the last 12 months: 1 opportunity per 20 leads, 40 % won with a contract, an order
and two invoices (three in four paid), tickets and CSAT/NPS answers, with the transition
log rows the KPIs read. Then it times the rollup of one day, a year's backfill, the
manager's overview page and `GET /api/v1/kpis/` for a year by month.
Targets (PostgreSQL, 2 cores): one day < 2 s, a year < 5 min, overview p50 < 100 ms, API
p50 < 50 ms.
"""

from __future__ import annotations

import argparse
import datetime
import os
import random
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
os.environ.setdefault("DEBUG", "0")

import django  # noqa: E402

django.setup()

from django.contrib.contenttypes.models import ContentType  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402
from run import analyze, log, seed_leads, seed_users  # noqa: E402 - sets Django up

from billing.models import Invoice, Payment, PaymentAllocation  # noqa: E402
from contracts.models import Contract  # noqa: E402
from customers.models import Account  # noqa: E402
from feedback.models import Survey, Ticket  # noqa: E402
from kpis.models import KpiSnapshot  # noqa: E402
from kpis.rollup import rollup  # noqa: E402
from leads.models import Lead  # noqa: E402
from ltc.models import TransitionLog  # noqa: E402
from opportunities.models import Opportunity  # noqa: E402
from orders.models import Order  # noqa: E402

TAG = "bench-kpi"
STAGES = ["qualification", "needs_analysis", "proposal", "negotiation"]


def seed_deals(leads: int, sales) -> None:
    target = leads // 20
    have = Opportunity.objects.filter(name__startswith=TAG).count()
    if have >= target:
        log(f"seed: {have:,} bench deals already there, reusing them")
        return
    log(f"seed: {target - have:,} deals with contracts, orders, invoices, tickets ...")
    rng = random.Random(7 + have)
    now = timezone.now()
    tz = timezone.get_current_timezone()
    ct = {m: ContentType.objects.get_for_model(m) for m in (Lead, Opportunity, Order, Ticket)}
    qualified = list(
        Lead.objects.filter(campaign="bench", status__in=["qualified", "converted"]).values_list(
            "pk", "created_at"
        )[: leads // 10]
    )
    with transaction.atomic():
        TransitionLog.objects.bulk_create(
            [
                TransitionLog(
                    content_type=ct[Lead],
                    object_id=pk,
                    transition="qualify",
                    source="working",
                    target="qualified",
                    at=created + datetime.timedelta(days=rng.randrange(1, 20)),
                )
                for pk, created in qualified
            ],
            batch_size=5000,
        )
        accounts = Account.objects.bulk_create(
            [
                Account(name=f"{TAG} account {i}", owner=rng.choice(sales))
                for i in range(have, target)
            ],
            batch_size=5000,
        )
        opps, logs = [], []
        for i, account in enumerate(accounts):
            created = now - datetime.timedelta(minutes=rng.randrange(365 * 24 * 60))
            roll = rng.random()
            stage = "won" if roll < 0.4 else "lost" if roll < 0.7 else rng.choice(STAGES)
            closed = created + datetime.timedelta(days=rng.randrange(5, 90))
            closed = min(closed, now) if stage in ("won", "lost") else None
            opps.append(
                Opportunity(
                    name=f"{TAG} {have + i}",
                    account=account,
                    owner=account.owner,
                    stage=stage,
                    amount=Decimal(rng.choice([20000, 55000, 120000, 300000])),
                    currency="CNY",
                    probability={"won": 100, "lost": 0}.get(stage, 50),
                    created_at=created,
                    closed_at=closed,
                    expected_close_date=(
                        now + datetime.timedelta(days=rng.randrange(-30, 120))
                    ).date(),
                )
            )
        Opportunity.objects.bulk_create(opps, batch_size=5000)
        contracts, orders, invoices, tickets, paid = [], [], [], [], []
        for opp in opps:
            logs.append(
                TransitionLog(
                    content_type=ct[Opportunity],
                    object_id=opp.pk,
                    transition="analyze",
                    source="qualification",
                    target="needs_analysis",
                    at=opp.created_at + datetime.timedelta(days=2),
                )
            )
            if opp.stage != "won":
                continue
            signed = timezone.localtime(opp.closed_at, tz).date() + datetime.timedelta(days=3)
            if signed > now.date():
                signed = now.date()
            contracts.append(
                Contract(
                    opportunity=opp,
                    account=opp.account,
                    owner=opp.owner,
                    status="signed",
                    currency="CNY",
                    total=opp.amount,
                    signed_on=signed,
                    number=f"BK-{opp.pk}",
                    submitted_at=opp.closed_at,
                    approved_at=opp.closed_at + datetime.timedelta(hours=rng.randrange(2, 60)),
                )
            )
        Contract.objects.bulk_create(contracts, batch_size=5000)
        for c in contracts:
            confirmed = datetime.datetime.combine(c.signed_on, datetime.time(10), tzinfo=tz)
            delivered = c.signed_on + datetime.timedelta(days=rng.randrange(3, 30))
            done = delivered <= now.date()
            orders.append(
                Order(
                    contract=c,
                    account=c.account,
                    owner=c.owner,
                    currency="CNY",
                    total=c.total,
                    status="delivered" if done else "in_fulfillment",
                    number=f"BK-{c.pk}",
                    confirmed_at=confirmed,
                    fulfillment_started_at=confirmed
                    + datetime.timedelta(hours=rng.randrange(2, 48)),
                    delivered_on=delivered if done else None,
                    promised_delivery_date=c.signed_on + datetime.timedelta(days=20),
                )
            )
            for part in (Decimal("0.3"), Decimal("0.7")):
                issue = c.signed_on + datetime.timedelta(days=rng.randrange(0, 40))
                if issue > now.date():
                    continue
                amount = (c.total * part).quantize(Decimal("0.01"))
                paid_on = None
                if rng.random() < 0.75:
                    paid_on = min(issue + datetime.timedelta(days=rng.randrange(5, 60)), now.date())
                invoice = Invoice(
                    account=c.account,
                    contract=c,
                    status="paid" if paid_on else "issued",
                    currency="CNY",
                    issue_date=issue,
                    due_date=issue + datetime.timedelta(days=30),
                    total=amount,
                    subtotal=amount,
                    amount_paid=amount if paid_on else Decimal("0"),
                    balance=Decimal("0") if paid_on else amount,
                    issued_at=datetime.datetime.combine(issue, datetime.time(11), tzinfo=tz),
                    paid_at=(
                        datetime.datetime.combine(paid_on, datetime.time(15), tzinfo=tz)
                        if paid_on
                        else None
                    ),
                    number=f"BK-{c.pk}-{part}",
                )
                invoices.append(invoice)
                if paid_on:
                    paid.append((invoice, paid_on))
        Order.objects.bulk_create(orders, batch_size=5000)
        Invoice.objects.bulk_create(invoices, batch_size=5000)
        payments = [
            Payment(
                account=inv.account,
                amount=inv.total,
                currency="CNY",
                date=day,
                amount_allocated=inv.total,
                status="recorded",
            )
            for inv, day in paid
        ]
        Payment.objects.bulk_create(payments, batch_size=5000)
        PaymentAllocation.objects.bulk_create(
            [
                PaymentAllocation(payment=pay, invoice=inv, amount=inv.total)
                for pay, (inv, _day) in zip(payments, paid, strict=True)
            ],
            batch_size=5000,
        )
        for o in orders:
            logs.append(
                TransitionLog(
                    content_type=ct[Order],
                    object_id=o.pk,
                    transition="confirm",
                    source="pending",
                    target="confirmed",
                    at=o.confirmed_at,
                )
            )
        for i in range(len(opps) // 2):
            opened = now - datetime.timedelta(minutes=rng.randrange(365 * 24 * 60))
            tickets.append(
                Ticket(
                    subject=f"{TAG} ticket {i}",
                    assigned_role="service",
                    account=rng.choice(accounts),
                    assignee=rng.choice(sales),
                    status="resolved",
                    created_at=opened,
                    first_response_at=opened + datetime.timedelta(hours=rng.randrange(1, 9)),
                )
            )
        Ticket.objects.bulk_create(tickets, batch_size=5000)
        surveys = []
        for t in tickets:
            surveys.append(
                Survey(
                    kind="csat",
                    account=t.account,
                    ticket=t,
                    token=f"{TAG}-c{t.pk}",
                    score=rng.randint(1, 5),
                    answered_at=t.first_response_at + datetime.timedelta(days=1),
                )
            )
        for o in orders[: len(orders) // 2]:
            if o.delivered_on:
                surveys.append(
                    Survey(
                        kind="nps",
                        account=o.account,
                        order=o,
                        token=f"{TAG}-n{o.pk}",
                        score=rng.randint(0, 10),
                        answered_at=datetime.datetime.combine(
                            o.delivered_on, datetime.time(17), tzinfo=tz
                        ),
                    )
                )
        Survey.objects.bulk_create(surveys, batch_size=5000)
        TransitionLog.objects.bulk_create(logs, batch_size=5000)
    log(
        f"seed: {len(opps):,} deals, {len(contracts):,} contracts, {len(invoices):,} invoices, "
        f"{len(payments):,} payments, {len(tickets):,} tickets, {len(surveys):,} answers"
    )


def timed(fn) -> float:
    started = time.perf_counter()
    fn()
    return time.perf_counter() - started


def p50(client, url, requests: int) -> float:
    client.get(url)  # warm
    times = []
    for _ in range(requests):
        started = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    return statistics.median(times)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--leads", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--skip-backfill", action="store_true")
    args = parser.parse_args(argv)
    log(f"database: {connection.vendor} {connection.settings_dict['NAME']}")
    sales, manager, marketing = seed_users()
    seed_leads(args.leads, sales, marketing)
    seed_deals(args.leads, sales)
    analyze()
    today = timezone.localdate()
    yesterday = today - datetime.timedelta(days=1)
    day_runs = [timed(lambda: rollup(yesterday, yesterday, today=today)) for _ in range(3)]
    one_day = statistics.median(day_runs)
    year = None
    if not args.skip_backfill or not KpiSnapshot.objects.exists():
        year = timed(lambda: rollup(today - datetime.timedelta(days=364), today))
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM (ANALYZE) kpis_kpisnapshot")
    snapshots = KpiSnapshot.objects.count()
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(manager)
    overview = p50(client, "/kpis/", args.requests)
    start = today - datetime.timedelta(days=364)
    api = p50(
        client,
        f"/api/v1/kpis/?metric=bookings&from={start}&to={today}&group_by=month",
        args.requests,
    )
    api_ratio = p50(
        client,
        f"/api/v1/kpis/?metric=win_rate&from={start}&to={today}&group_by=month",
        args.requests,
    )
    print()
    print(f"KPI bench ({args.leads:,} leads, {snapshots:,} snapshots, {connection.vendor})")
    print(f"  rollup of one day        {one_day:8.2f} s   (target < 2 s)")
    if year is not None:
        print(f"  backfill of a year       {year:8.1f} s   (target < 300 s)")
    print(f"  manager overview p50     {overview:8.1f} ms  (target < 100 ms)")
    print(f"  API bookings, year/month {api:8.1f} ms  (target < 50 ms)")
    print(f"  API win rate, year/month {api_ratio:8.1f} ms  (target < 50 ms)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
