"""The business rules in force, typed: what every timer, clock, gate and form reads.

Each call reads the process's copy of the saved rules (rules.store: one cache lookup, and a
database query only after a change), so a change made in the browser applies from the next
read on, in every process. Records keep what was decided when they were made: a quote keeps
the sign-offs required at its submission, an opportunity its probability."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.utils.translation import get_language

from .specs import CALENDAR_PREFIX, SIGNER_ROLES, current, default, stored_years


# --- quotes and contracts --------------------------------------------------------------
@dataclass(frozen=True)
class DiscountGate:
    above_pct: Decimal
    signers: tuple[str, ...]


def discount_gates() -> tuple[DiscountGate, DiscountGate]:
    return (
        DiscountGate(
            Decimal(current("QUOTE_DISCOUNT_MANAGER_PCT")),
            tuple(current("QUOTE_DISCOUNT_MANAGER_SIGNERS")),
        ),
        DiscountGate(
            Decimal(current("QUOTE_DISCOUNT_FINANCE_PCT")),
            tuple(current("QUOTE_DISCOUNT_FINANCE_SIGNERS")),
        ),
    )


def discount_sign_offs(max_discount_pct: Decimal) -> list[str]:
    """The roles that sign a quote whose largest line discount is `max_discount_pct`: those
    of every gate it is above, in the order manager, finance."""
    needed: set[str] = set()
    for gate in discount_gates():
        if max_discount_pct > gate.above_pct:
            needed.update(gate.signers)
    return [str(role) for role in SIGNER_ROLES if role in needed]


def contract_value_threshold() -> Decimal:
    return Decimal(current("CONTRACT_VALUE_THRESHOLD"))


def quote_validity_days() -> int:
    return int(current("QUOTE_VALIDITY_DAYS"))


def default_currency() -> str:
    return str(current("DEFAULT_CURRENCY"))


def currencies() -> list[str]:
    return list(settings.LTC["CURRENCIES"])


def tax_rates() -> list[Decimal]:
    return [Decimal(rate) for rate in current("TAX_RATES")]


def default_tax_rate() -> Decimal:
    return Decimal(current("DEFAULT_TAX_RATE"))


# --- service levels and the business calendar ------------------------------------------
def sla_priorities() -> list[str]:
    """The priorities with a target in the settings (the SLA section of the page edits
    those)."""
    return list(settings.LTC.get("SLA", {}))


def sla_hours(priority: str, target: str) -> Decimal | None:
    """Hours of business time for `target` ("first_response" or "resolution") of a ticket of
    `priority`; None: no target."""
    key = f"SLA.{priority}.{target}_hours"
    try:
        value = current(key)
    except LookupError:  # a priority the page does not know: the settings value, if any
        value = settings.LTC.get("SLA", {}).get(priority, {}).get(f"{target}_hours")
    return None if value is None else Decimal(str(value))


@dataclass(frozen=True)
class BusinessHours:
    start: datetime.time
    end: datetime.time
    weekdays: frozenset[int]


def business_hours() -> BusinessHours:
    return BusinessHours(
        start=datetime.time.fromisoformat(current("BUSINESS_HOURS.start")),
        end=datetime.time.fromisoformat(current("BUSINESS_HOURS.end")),
        weekdays=frozenset(current("BUSINESS_HOURS.weekdays")),
    )


@dataclass(frozen=True)
class YearCalendar:
    year: int
    holidays: tuple[datetime.date, ...]
    workdays: tuple[datetime.date, ...]
    # True: saved in the browser (or seeded); False: from the settings file.
    stored: bool


def calendar_year(year: int) -> YearCalendar:
    key = f"{CALENDAR_PREFIX}{year}"
    value = current(key)
    return YearCalendar(
        year=year,
        holidays=tuple(datetime.date.fromisoformat(d) for d in value["holidays"]),
        workdays=tuple(datetime.date.fromisoformat(d) for d in value["workdays"]),
        stored=value != default(key) or year in stored_years(),
    )


def calendar_years() -> list[int]:
    """Years with a calendar: stored ones and those the settings name."""
    from_settings = {
        int(str(d)[:4])
        for d in [*settings.LTC.get("HOLIDAYS", []), *settings.LTC.get("WORKDAYS", [])]
    }
    return sorted(set(stored_years()) | from_settings)


def holidays_and_workdays() -> tuple[frozenset[datetime.date], frozenset[datetime.date]]:
    """Every holiday and every working weekend day (调休) of every year with a calendar."""
    holidays: set[datetime.date] = set()
    workdays: set[datetime.date] = set()
    for year in calendar_years():
        calendar = calendar_year(year)
        holidays.update(calendar.holidays)
        workdays.update(calendar.workdays)
    return frozenset(holidays), frozenset(workdays)


# --- billing, pool, hand-offs, pipeline -------------------------------------------------
def dunning_days() -> list[int]:
    return sorted(int(d) for d in current("DUNNING_DAYS"))


def pool_return_days() -> int:
    return int(current("POOL_RETURN_DAYS"))


def pool_daily_claim_limit() -> int:
    return int(current("POOL_DAILY_CLAIM_LIMIT"))


def handoff_target_hours(name: str, default_hours=24) -> Decimal:
    """Target of a hand-off; one the engine did not register (no rule for it) has the
    settings value, else `default_hours`."""
    try:
        return Decimal(str(current(f"HANDOFF_TARGET_HOURS.{name}")))
    except LookupError:
        return Decimal(str(settings.LTC.get("HANDOFF_TARGET_HOURS", {}).get(name, default_hours)))


def handoff_escalate_factor(name: str) -> Decimal:
    try:
        return Decimal(str(current(f"HANDOFF_ESCALATE_FACTORS.{name}")))
    except LookupError:
        return Decimal(str(settings.LTC.get("HANDOFF_ESCALATE_FACTOR", 2)))


@dataclass(frozen=True)
class LeadSourceOption:
    value: str
    en: str
    zh: str
    active: bool

    @property
    def label(self) -> str:
        """The name in the active language."""
        return self.zh if (get_language() or "").startswith("zh") else self.en


def lead_sources() -> list[LeadSourceOption]:
    """Every lead source, retired ones included, in the order set."""
    return [LeadSourceOption(**item) for item in current("LEAD_SOURCES")]


def lead_source_choices(*, keep: str | None = None) -> list[tuple[str, str]]:
    """(key, name) of the sources offered, plus `keep` (a record's own source) if retired."""
    return [(s.value, s.label) for s in lead_sources() if s.active or s.value == keep]


def lead_source_label(value: str) -> str:
    """The name of a source; a key no longer known shows as itself."""
    for source in lead_sources():
        if source.value == value:
            return source.label
    return value


def stage_probability(stage: str) -> int:
    """Default probability (%) of an opportunity entering `stage`: won 100, lost 0, each open
    stage as set."""
    if stage == "won":
        return 100
    if stage == "lost":
        return 0
    return int(current(f"STAGE_PROBABILITY.{stage}"))
