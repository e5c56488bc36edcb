"""What each business rule is: its key, label, kind, sane range and default.

A key is a dotted path into settings.LTC ("SLA.urgent.first_response_hours"); the settings
value at that path is the rule's default, and a value saved in the browser (rules.models.Rule)
replaces it. Values are stored as JSON in one canonical form per kind (decimals as strings,
times as "HH:MM", lists sorted where order does not matter), so a default and a saved value
compare equal when they mean the same. The holiday calendar of each year is the rule
"CALENDAR.<year>" ({"holidays": [...], "workdays": [...]}, ISO dates)."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from roles.models import Role

from . import store

CALENDAR_PREFIX = "CALENDAR."
MIN_YEAR, MAX_YEAR = 2000, 2100

# The roles a discount gate may ask to sign (a quote records a manager and a finance sign-off).
SIGNER_ROLES = (Role.MANAGER, Role.FINANCE)
PRIORITIES = (
    ("urgent", _("Urgent")),
    ("high", _("High")),
    ("normal", _("Normal")),
    ("low", _("Low")),
)
SLA_TARGETS = (
    ("first_response_hours", _("first response (business hours)")),
    ("resolution_hours", _("resolution (business hours)")),
)
OPEN_STAGES = (
    ("qualification", _("Qualification")),
    ("needs_analysis", _("Needs analysis")),
    ("proposal", _("Proposal")),
    ("negotiation", _("Negotiation")),
)
WEEKDAYS = (
    (0, _("Monday")),
    (1, _("Tuesday")),
    (2, _("Wednesday")),
    (3, _("Thursday")),
    (4, _("Friday")),
    (5, _("Saturday")),
    (6, _("Sunday")),
)


@dataclass(frozen=True)
class Handoff:
    name: str
    label: Any
    default_hours: Callable[[], float]


# The hand-offs with a timer, registered by the engine (ltc.wiring) as it wires the stages.
HANDOFFS: dict[str, Handoff] = {}


def register_handoff(name: str, label, default_hours: Callable[[], float]) -> None:
    HANDOFFS[name] = Handoff(name, label, default_hours)


# --- kinds: canonical JSON from a settings default or a cleaned form value -----------------
def _decimal(value) -> str:
    number = Decimal(str(value))
    return format(number.normalize(), "f") if number == number.to_integral() else str(number)


def _canonical(kind: str, value):
    if value is None:
        return None
    if kind == "decimal":
        return _decimal(value)
    if kind == "int":
        return int(value)
    if kind == "time":
        if isinstance(value, datetime.time):
            return value.strftime("%H:%M")
        return datetime.time.fromisoformat(str(value)).strftime("%H:%M")
    if kind in ("weekdays", "days"):
        return sorted({int(v) for v in value})
    if kind == "roles":
        chosen = {str(v) for v in value}
        return [r for r in SIGNER_ROLES if r in chosen]
    if kind == "decimals":
        return [_decimal(v) for v in value]
    if kind == "choice":
        return str(value)
    if kind == "sources":
        return [
            {
                "value": str(item["value"]),
                "en": str(item["en"]),
                "zh": str(item["zh"]),
                "active": bool(item.get("active", True)),
            }
            for item in value
        ]
    if kind == "calendar":
        return {
            "holidays": sorted(
                {str(datetime.date.fromisoformat(str(d))) for d in value["holidays"]}
            ),
            "workdays": sorted(
                {str(datetime.date.fromisoformat(str(d))) for d in value["workdays"]}
            ),
        }
    raise ValueError(f"unknown rule kind {kind}")


@dataclass(frozen=True)
class Spec:
    key: str
    label: str | Promise
    kind: str
    # The smallest and largest value (numbers; for lists, each item); None: no bound.
    low: Decimal | None = None
    high: Decimal | None = None
    help: str | Promise = ""
    # Used when settings.LTC has nothing at the key.
    fallback: Any = None
    choices: tuple = field(default_factory=tuple)

    def canonical(self, value):
        return _canonical(self.kind, value)


@dataclass(frozen=True)
class Section:
    slug: str
    title: str | Promise
    specs: tuple[Spec, ...]
    help: str | Promise = ""


def _currencies():
    return tuple((c, c) for c in settings.LTC["CURRENCIES"])


def sections() -> list[Section]:
    """Every editable rule, grouped as the settings page shows them (the calendar apart)."""
    pct = {"low": Decimal(0), "high": Decimal(100)}
    return [
        Section(
            "discounts",
            _("Quote discount gates"),
            (
                Spec(
                    "QUOTE_DISCOUNT_MANAGER_PCT",
                    _("First gate: discount above (%)"),
                    "decimal",
                    fallback=10,
                    **pct,
                ),
                Spec(
                    "QUOTE_DISCOUNT_MANAGER_SIGNERS",
                    _("Who signs above the first gate"),
                    "roles",
                    fallback=["manager"],
                    choices=tuple((r.value, r.label) for r in SIGNER_ROLES),
                ),
                Spec(
                    "QUOTE_DISCOUNT_FINANCE_PCT",
                    _("Second gate: discount above (%)"),
                    "decimal",
                    fallback=20,
                    **pct,
                ),
                Spec(
                    "QUOTE_DISCOUNT_FINANCE_SIGNERS",
                    _("Who also signs above the second gate"),
                    "roles",
                    fallback=["finance"],
                    choices=tuple((r.value, r.label) for r in SIGNER_ROLES),
                ),
            ),
            _(
                "A quote whose largest line discount is at or below the first gate is approved "
                "when submitted."
            ),
        ),
        Section(
            "quotes",
            _("Contracts, quotes, currency and tax"),
            (
                Spec(
                    "CONTRACT_VALUE_THRESHOLD",
                    _("Contract value needing manager sign-off"),
                    "decimal",
                    low=Decimal(0),
                    high=Decimal("1000000000000"),
                    fallback=1000000,
                    help=_("In the default currency; above it finance and a manager sign."),
                ),
                Spec(
                    "QUOTE_VALIDITY_DAYS",
                    _("A new quote is valid for (days)"),
                    "int",
                    low=Decimal(1),
                    high=Decimal(365),
                    fallback=30,
                ),
                Spec(
                    "DEFAULT_CURRENCY",
                    _("Default currency"),
                    "choice",
                    fallback="CNY",
                    choices=_currencies(),
                ),
                Spec(
                    "TAX_RATES",
                    _("Tax rates offered (%)"),
                    "decimals",
                    fallback=["13"],
                    help=_("Separated by commas, e.g. 13, 9, 6, 0."),
                    **pct,
                ),
                Spec(
                    "DEFAULT_TAX_RATE",
                    _("Tax rate of a new product (%)"),
                    "decimal",
                    fallback=13,
                    **pct,
                ),
            ),
        ),
        Section(
            "sla",
            _("Service levels (SLA) per ticket priority"),
            tuple(
                Spec(
                    f"SLA.{priority}.{target}",
                    _("%(priority)s: %(target)s") % {"priority": p_label, "target": t_label},
                    "decimal",
                    low=Decimal("0.01"),
                    high=Decimal(8760),
                )
                for priority, p_label in PRIORITIES
                for target, t_label in SLA_TARGETS
            ),
            _("Hours of business time; the clock stops outside business hours and on holidays."),
        ),
        Section(
            "hours",
            _("Business hours"),
            (
                Spec("BUSINESS_HOURS.start", _("Opens at"), "time", fallback="09:00"),
                Spec("BUSINESS_HOURS.end", _("Closes at"), "time", fallback="18:00"),
                Spec(
                    "BUSINESS_HOURS.weekdays",
                    _("Working weekdays"),
                    "weekdays",
                    fallback=[0, 1, 2, 3, 4],
                    choices=WEEKDAYS,
                ),
            ),
        ),
        Section(
            "collections",
            _("Dunning and the public pool"),
            (
                Spec(
                    "DUNNING_DAYS",
                    _("Remind customers of an invoice at (days past due)"),
                    "days",
                    low=Decimal(1),
                    high=Decimal(365),
                    fallback=[3, 10, 30],
                    help=_("Separated by commas, e.g. 3, 10, 30."),
                ),
                Spec(
                    "POOL_RETURN_DAYS",
                    _("Idle leads and accounts return to the pool after (days)"),
                    "int",
                    low=Decimal(1),
                    high=Decimal(3650),
                    fallback=30,
                ),
                Spec(
                    "POOL_DAILY_CLAIM_LIMIT",
                    _("Claims from the pool per salesperson a day"),
                    "int",
                    low=Decimal(0),
                    high=Decimal(1000),
                    fallback=5,
                ),
            ),
        ),
        Section(
            "handoffs",
            _("Hand-off targets"),
            tuple(
                spec
                for handoff in HANDOFFS.values()
                for spec in (
                    Spec(
                        f"HANDOFF_TARGET_HOURS.{handoff.name}",
                        _("%(handoff)s: target (hours)") % {"handoff": handoff.label},
                        "decimal",
                        low=Decimal("0.1"),
                        high=Decimal(8760),
                    ),
                    Spec(
                        f"HANDOFF_ESCALATE_FACTORS.{handoff.name}",
                        _("%(handoff)s: escalate after target ×") % {"handoff": handoff.label},
                        "decimal",
                        low=Decimal(1),
                        high=Decimal(20),
                    ),
                )
            ),
            _(
                "Past the target the owner is reminded; past target × factor the team lead or "
                "the managers are told."
            ),
        ),
        Section(
            "sources",
            _("Lead sources"),
            (
                Spec(
                    "LEAD_SOURCES",
                    _("Sources"),
                    "sources",
                    fallback=[{"value": "other", "en": "Other", "zh": "其他"}],
                    help=_(
                        "One source per line: key | English name | 中文名称. Start a line with "
                        "“#” to retire the source: it is no longer offered, and the records "
                        "that have it keep showing it. A source cannot be removed, only retired."
                    ),
                ),
            ),
        ),
        Section(
            "pipeline",
            _("Pipeline: default probability per stage"),
            tuple(
                Spec(
                    f"STAGE_PROBABILITY.{stage}",
                    _("%(stage)s (%%)") % {"stage": label},
                    "int",
                    low=Decimal(0),
                    high=Decimal(100),
                )
                for stage, label in OPEN_STAGES
            ),
            _(
                "An opportunity entering the stage starts at this probability; won is 100 %, "
                "lost 0 %."
            ),
        ),
    ]


def section(slug: str) -> Section:
    for candidate in sections():
        if candidate.slug == slug:
            return candidate
    raise LookupError(slug)


def calendar_spec(year: int) -> Spec:
    return Spec(
        f"{CALENDAR_PREFIX}{year}", _("Holiday calendar %(year)s") % {"year": year}, "calendar"
    )


# Built once per process: rules are read on every list row (a lead's source label), and
# building every section each time cost milliseconds per page. Cleared when a test changes
# the settings the specs and defaults are built from.
_SPECS: dict[str, Spec] = {}
_DEFAULTS: dict[str, Any] = {}


@receiver(setting_changed)
def _forget_specs(*, setting, **kwargs):
    if setting in ("LTC", "LANGUAGES"):
        _SPECS.clear()
        _DEFAULTS.clear()


def spec_for(key: str) -> Spec:
    if key.startswith(CALENDAR_PREFIX):
        year = key.removeprefix(CALENDAR_PREFIX)
        if year.isdigit() and MIN_YEAR <= int(year) <= MAX_YEAR:
            return calendar_spec(int(year))
    if not _SPECS:
        _SPECS.update({spec.key: spec for section in sections() for spec in section.specs})
    try:
        return _SPECS[key]
    except KeyError:
        raise LookupError(f"no business rule {key!r}") from None


# --- values --------------------------------------------------------------------------------
_MISSING = object()


def _from_settings(key: str):
    value: Any = settings.LTC
    for part in key.split("."):
        if not isinstance(value, dict) or part not in value:
            return _MISSING
        value = value[part]
    return value


def default(key: str):
    """The canonical default of a rule: the settings file's value, else the rule's own."""
    if key not in _DEFAULTS:
        _DEFAULTS[key] = _default(key)
    return _DEFAULTS[key]  # shared, as the stored values are: callers read, never change


def _default(key: str):
    if key.startswith(CALENDAR_PREFIX):
        year = key.removeprefix(CALENDAR_PREFIX)
        return _canonical(
            "calendar",
            {
                "holidays": [d for d in settings.LTC.get("HOLIDAYS", []) if str(d)[:4] == year],
                "workdays": [d for d in settings.LTC.get("WORKDAYS", []) if str(d)[:4] == year],
            },
        )
    spec = spec_for(key)
    value = _from_settings(key)
    if value is _MISSING:
        value = _handoff_default(key) if key.startswith("HANDOFF_") else spec.fallback
    return spec.canonical(value)


def _handoff_default(key: str):
    group, name = key.split(".", 1)
    if group == "HANDOFF_ESCALATE_FACTORS":
        return settings.LTC.get("HANDOFF_ESCALATE_FACTOR", 2)
    handoff = HANDOFFS.get(name)
    return handoff.default_hours() if handoff else 24


def current(key: str):
    """The value in force: the one saved in the browser, else the default."""
    saved = store.stored()
    if key in saved:
        return saved[key]
    return default(key)


def stored_years() -> list[int]:
    return sorted(
        int(key.removeprefix(CALENDAR_PREFIX))
        for key in store.stored()
        if key.startswith(CALENDAR_PREFIX)
    )


def parse_decimal(value) -> Decimal | None:
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None
