"""Twelve months of demo history: the plan every stage's demo seeder follows, and the clock
they run it on.

Each stage's `demo.py` takes the history deals one step further through its real services
(so every record has its transition log), each step run at the moment the plan gives it
(`frozen(when)` sets the clock Django reads), so the log, the records' own dates and the
KPIs built on them show a year of trend. A step whose moment has not come yet is left for
real use: recent deals stay open in the pipeline, orders in fulfilment, invoices unpaid.
Idempotent: a step runs only from the state it leaves (a second seed finds every record past
it), and each deal's lead is registered under `lead_key(deal)` (ltc.demo_records): later
stages reach their records from that lead, never by a name a user can repeat.
"""

from __future__ import annotations

import datetime
import random
from contextlib import contextmanager
from dataclasses import dataclass

import django.utils.timezone as tz_module
from django.utils import timezone

HISTORY_MONTHS = 12
DEALS_PER_MONTH = 4

# Day offsets of each step from the deal's first day (the lead's capture).
DAY = {
    "start_work": 1,
    "disqualify": 2,
    "qualify": 3,
    "convert": 5,
    "analyze": 7,
    "quote": 9,
    "propose": 10,
    "send": 11,
    "negotiate": 13,
    "lose": 15,
    "accept_quote": 18,
    "win": 20,
    "submit_for_review": 21,
    "approve": 23,
    "sign": 26,
    "confirm": 27,
    "issue_signing": 27,
    "start_fulfillment": 28,
    "ship": 35,
    "promised": 42,
    "deliver": 38,
    "issue_delivery": 41,
    "ticket": 43,
    "resolve": 45,
    "accept_order": 46,
    "issue_acceptance": 47,
    "pay_signing": 52,
    "pay_delivery": 72,
    "pay_acceptance": 82,
}


@dataclass(frozen=True)
class Deal:
    """One history deal: its number, first day and how it turns out (from a seeded random
    generator, so every seed plans the same year)."""

    index: int
    start: datetime.datetime
    converts: bool
    wins: bool
    owner: str
    discount: int
    quantity: int
    late_delivery_days: int
    late_payment_days: int
    ticket: bool
    nps: int

    @property
    def company(self) -> str:
        return f"示例客户 {self.index:03d} / Sample customer {self.index:03d}"

    def at(self, step: str, extra_days: int = 0) -> datetime.datetime:
        return self.start + datetime.timedelta(days=DAY[step] + extra_days)

    def deliver_at(self) -> datetime.datetime:
        return self.at("deliver", self.late_delivery_days)

    def paid_at(self, step: str) -> datetime.datetime:
        return self.at(step, self.late_payment_days)


def deals(today: datetime.date | None = None) -> list[Deal]:
    """The year's deals, oldest first: DEALS_PER_MONTH a month for HISTORY_MONTHS months, the
    first starting a year ago."""
    today = today or timezone.localdate()
    first = today - datetime.timedelta(days=365)
    plan = []
    for i in range(HISTORY_MONTHS * DEALS_PER_MONTH):
        rng = random.Random(i)
        day = first + datetime.timedelta(days=int(i * 365 / (HISTORY_MONTHS * DEALS_PER_MONTH)))
        start = timezone.make_aware(
            datetime.datetime.combine(day, datetime.time(9 + rng.randint(0, 7), rng.randint(0, 59)))
        )
        plan.append(
            Deal(
                index=i + 1,
                start=start,
                converts=rng.random() < 0.8,
                wins=rng.random() < 0.7,
                owner=rng.choice(["sales", "sales", "sales2"]),
                discount=rng.choice([0, 0, 5, 8, 10]),
                quantity=rng.randint(2, 12),
                late_delivery_days=rng.choice([0, 0, 0, 2, 6]),
                late_payment_days=rng.choice([-10, -5, 0, 0, 8, 25]),
                ticket=rng.random() < 0.35,
                nps=rng.choice([10, 9, 9, 8, 7, 6, 10, 3]),
            )
        )
    return plan


def lead_key(deal: Deal) -> str:
    """The demo key of the deal's lead; every later stage finds its records through it."""
    return f"history:lead:{deal.index:03d}"


def due(when: datetime.datetime) -> bool:
    """A planned moment that has come (an hour's margin, so nothing lands in the future)."""
    return when <= timezone.now() - datetime.timedelta(hours=1)


@contextmanager
def frozen(when: datetime.datetime):
    """Run the block with Django's clock (timezone.now, localdate, field defaults) at
    `when`. Django's `now()` reads the `datetime` class of django.utils.timezone, so a
    subclass that answers `when` there moves every reader of the clock, and nothing else."""
    names = vars(tz_module)  # the module's namespace, where now() looks `datetime` up
    real = names["datetime"]

    class Clock(datetime.datetime):
        @classmethod
        def now(cls, tz=None):
            return when.astimezone(tz) if tz is not None else when.replace(tzinfo=None)

    names["datetime"] = Clock
    try:
        yield
    finally:
        names["datetime"] = real


def step(obj, name: str, user, when: datetime.datetime, data=None):
    """Run transition `name` on `obj` at `when` through the engine, if it can start from the
    record's state and its moment has come; answers the record (moved or not)."""
    from .transitions import get_spec, run, state_field

    if not due(when):
        return obj
    spec = get_spec(type(obj), name)
    if spec.target_from(getattr(obj, state_field(type(obj)).name)) is None:
        return obj
    with frozen(when):
        return run(obj=obj, name=name, user=user, data=data or {})
