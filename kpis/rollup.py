"""The KPI rollup: recompute the daily snapshots of a date range from the raw rows.

Idempotent: each day's snapshots are deleted and inserted again in one transaction, so a
second run writes the same rows and a back-dated payment or late transition lands on its
own day the next time that day is recomputed. `current` metrics (open pipeline, workload)
describe the moment of the run: workload is written for today only (earlier days keep what
the nightly run recorded then), the pipeline is rewritten whole, by expected close day.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from roles.models import Team

from . import metrics
from .models import KpiSnapshot

TRAILING_DAYS = 35


def team_of_users() -> dict[int, int]:
    """Each person's team for KPIs: the first team (by name) they are a member of, else the
    first team they lead. Someone in no team has no team."""
    teams: dict[int, int] = {}
    through = Team.members.through.objects.order_by("team__name", "team_id")
    for user_id, team_id in through.values_list("user_id", "team_id"):
        teams.setdefault(user_id, team_id)
    for lead_id, team_id in Team.objects.filter(lead__isnull=False).values_list("lead_id", "pk"):
        teams.setdefault(lead_id, team_id)
    return teams


def aggregate(rows, teams: dict[int, int], *, split: bool, key: str):
    """Σ rows per (day, owner, team, metric, currency) -> [num, den]."""
    sums: dict[tuple, list[Decimal]] = defaultdict(lambda: [Decimal("0"), Decimal("0")])
    for row in rows:
        team = teams.get(row.owner) if row.owner else None
        names = (key, f"{key}:{row.sub}") if split and row.sub else (key,)
        for name in names:
            cell = sums[(row.day, row.owner, team, name, row.currency)]
            cell[0] += row.num
            cell[1] += row.den
    return sums


def _snapshots(sums) -> dict[datetime.date, list[KpiSnapshot]]:
    by_day = defaultdict(list)
    for (day, owner, team, name, currency), (num, den) in sums.items():
        by_day[day].append(
            KpiSnapshot(
                day=day,
                owner_id=owner,
                team_id=team,
                metric=name,
                currency=currency,
                numerator=num,
                denominator=den,
            )
        )
    return by_day


def _names(metric: metrics.Metric) -> list:
    from django.db.models import Q

    q = Q(metric=metric.key)
    if metric.split:
        q |= Q(metric__startswith=f"{metric.key}:")
    return q


def rollup(start: datetime.date, end: datetime.date, *, today: datetime.date | None = None) -> int:
    """Recompute every stored metric for [start, end]; returns the snapshots written."""
    from django.db.models import Q

    if end < start:
        raise ValueError("end before start")
    today = today or timezone.localdate()
    teams = team_of_users()
    ranged = [m for m in metrics.STORED if not m.current]
    per_day: dict[datetime.date, list[KpiSnapshot]] = defaultdict(list)
    for metric in ranged:
        sums = aggregate(metric.rows(start, end), teams, split=metric.split, key=metric.key)
        for day, snaps in _snapshots(sums).items():
            per_day[day].extend(snaps)
    ranged_q = Q()
    for metric in ranged:
        ranged_q |= _names(metric)
    written = 0
    day = start
    while day <= end:
        with transaction.atomic():
            KpiSnapshot.objects.filter(ranged_q, day=day).delete()
            KpiSnapshot.objects.bulk_create(per_day.get(day, []), batch_size=2000)
        written += len(per_day.get(day, []))
        day += datetime.timedelta(days=1)
    if start <= today <= end:
        written += rollup_current(today=today, teams=teams)
    return written


def rollup_current(*, today: datetime.date, teams: dict[int, int] | None = None) -> int:
    """Write the `current` metrics: workload for today, the open pipeline by close day."""
    teams = teams if teams is not None else team_of_users()
    written = 0
    for metric in (m for m in metrics.STORED if m.current):
        sums = aggregate(metric.rows(today, today), teams, split=metric.split, key=metric.key)
        snaps = [s for day_snaps in _snapshots(sums).values() for s in day_snaps]
        with transaction.atomic():
            existing = KpiSnapshot.objects.filter(_names(metric))
            if metric.key != "pipeline":
                existing = existing.filter(day=today)
            existing.delete()
            KpiSnapshot.objects.bulk_create(snaps, batch_size=2000)
        written += len(snaps)
    return written


def rollup_trailing(*, days: int = TRAILING_DAYS, today: datetime.date | None = None) -> int:
    today = today or timezone.localdate()
    return rollup(today - datetime.timedelta(days=days - 1), today, today=today)
