"""What each stage contributes to the engine, declared in one place: its AppConfig.

A stage's AppConfig sets `contributes = Contributes(...)`, with dotted paths (apps.py is
imported before the models, so nothing is imported there):

- records: model label -> selector(*, user) of the records a user may see (ltc/records.py)
- panels: model label -> templates a later stage adds to that record's page, each a template
  name or (template name, "app.selectors.func" giving its context) (ltc/panels.py)
- summaries: model label -> `Section`s (dotted paths) a later stage adds to that record's
  summary: the account's customer 360 on its page and in its API (ltc/summaries.py)
- work_queue: providers(user) of home-page sections (ltc/workqueue.py)
- timers: HandoffTimer objects (ltc/timers.py)
- flags: account flag providers (ltc/flags.py)
- events: notification event slug -> label (notifications/events.py)
- follow_ups: sources(now) of due follow-up notices (ltc/workqueue.py FOLLOW_UP_NOTICES, sent
  by activities.services.notify_due_follow_ups)
- due_follow_ups: lists(*, user, now) of the user's due follow-ups on the home page
  (ltc/workqueue.py FOLLOW_UPS)
- services: `Service` — the function `run()` calls for a transition, the hand-off signals
  (ltc/handoffs.py) it sends, and the services of its own stage it calls for the next step
  (e.g. the CSAT survey after a ticket is resolved: no signal within a stage)
- receivers: `Receiver` — a hand-off signal, the receiver connected to it, and the service of
  this stage that receiver calls
- email_attachments: attachment name -> builder(object id) -> (filename, content, mimetype)
  of outbox emails (notifications/outbox.py ATTACHMENTS), rendered when the email leaves
- transition_checks: checks(*, obj, name, user) a person's transition must also pass (they
  raise ValidationError: 400), e.g. the custom fields a step needs (ltc.transitions CHECKS)
- record_fields: providers of fields a base app adds to records: export columns and
  import columns (ltc/exports.py and ltc/imports.py FIELD_PROVIDERS)

The engine reads every installed app's declaration once, in LtcConfig.ready (`wire`);
nothing registers itself as a side effect of an import. `python manage.py ltc_wiring`
prints the resulting chain.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.apps import AppConfig
from django.utils.module_loading import import_string


@dataclass(frozen=True)
class Service:
    """`run(obj=<model>, name=<transition>)` calls `path` instead of the generic transition."""

    model: str
    transition: str
    path: str
    sends: tuple[str, ...] = ()
    calls: tuple[str, ...] = ()


@dataclass(frozen=True)
class Receiver:
    """`signal` (a name in ltc/handoffs.py) is received by `path`, which calls `calls`."""

    signal: str
    path: str
    calls: str


@dataclass(frozen=True)
class Contributes:
    records: dict[str, str] = field(default_factory=dict)
    panels: dict[str, tuple[str | tuple[str, str], ...]] = field(default_factory=dict)
    summaries: dict[str, tuple[str, ...]] = field(default_factory=dict)
    work_queue: tuple[str, ...] = ()
    timers: tuple[str, ...] = ()
    flags: tuple[str, ...] = ()
    events: dict[str, object] = field(default_factory=dict)
    follow_ups: tuple[str, ...] = ()
    due_follow_ups: tuple[str, ...] = ()
    services: tuple[Service, ...] = ()
    receivers: tuple[Receiver, ...] = ()
    email_attachments: dict[str, str] = field(default_factory=dict)
    transition_checks: tuple[str, ...] = ()
    record_fields: tuple[str, ...] = ()


def declarations(app_configs=None) -> list[tuple[AppConfig, Contributes]]:
    """(app config, its declaration) for every installed app that declares one, in the order
    of INSTALLED_APPS."""
    from django.apps import apps

    configs = apps.get_app_configs() if app_configs is None else app_configs
    found = []
    for config in configs:
        contributes = getattr(config, "contributes", None)
        if isinstance(contributes, Contributes):
            found.append((config, contributes))
    return found


def handoff_signal(name: str):
    from . import handoffs

    signal = getattr(handoffs, name, None)
    if signal is None or name not in handoffs.HANDOFFS:
        raise LookupError(f"{name} is not a hand-off signal of ltc/handoffs.py")
    return signal


def wire(app_configs=None) -> None:
    """Fill the engine's tables from every declaration and connect the hand-off receivers.
    Idempotent: the tables are rebuilt and each receiver has a fixed dispatch_uid."""
    from django.apps import apps

    from notifications import events, outbox
    from rules import specs as rule_specs

    from . import extra_fields, flags, panels, records, summaries, timers, transitions, workqueue

    found = declarations(app_configs)
    records.SELECTORS.clear()
    panels.PANELS.clear()
    summaries.SECTIONS.clear()
    workqueue.PROVIDERS.clear()
    timers.TIMERS.clear()
    rule_specs.HANDOFFS.clear()
    flags.PROVIDERS.clear()
    workqueue.FOLLOW_UP_NOTICES.clear()
    workqueue.FOLLOW_UPS.clear()
    transitions.SERVICES.clear()
    transitions.CHECKS.clear()
    extra_fields.PROVIDERS.clear()
    outbox.ATTACHMENTS.clear()
    for config, contributes in found:
        for label, selector in contributes.records.items():
            records.SELECTORS[apps.get_model(label)] = import_string(selector)
        for label, entries in contributes.panels.items():
            for entry in entries:
                template, context = (entry, None) if isinstance(entry, str) else entry
                panels.PANELS.setdefault(label.lower(), []).append(
                    panels.Panel(template, import_string(context) if context else None)
                )
        for label, paths in contributes.summaries.items():
            for path in paths:
                summaries.SECTIONS.setdefault(label.lower(), []).append(import_string(path))
        workqueue.PROVIDERS.extend(import_string(p) for p in contributes.work_queue)
        for path in contributes.timers:
            timer = import_string(path)
            timers.TIMERS[timer.name] = timer
            # The settings page edits the target and escalation factor of each timer.
            rule_specs.register_handoff(timer.name, timer.label, timer.default_target_hours)
        flags.PROVIDERS.extend(import_string(p) for p in contributes.flags)
        for slug, event_label in contributes.events.items():
            events.EVENTS.setdefault(slug, event_label)
        workqueue.FOLLOW_UP_NOTICES.extend(import_string(p) for p in contributes.follow_ups)
        workqueue.FOLLOW_UPS.extend(import_string(p) for p in contributes.due_follow_ups)
        for service in contributes.services:
            model = apps.get_model(service.model)
            transitions.get_spec(model, service.transition)  # an unknown name fails here
            transitions.SERVICES[(model, service.transition)] = import_string(service.path)
        transitions.CHECKS.extend(import_string(p) for p in contributes.transition_checks)
        extra_fields.PROVIDERS.extend(import_string(p) for p in contributes.record_fields)
        for name, builder in contributes.email_attachments.items():
            outbox.ATTACHMENTS[name] = import_string(builder)
        for receiver in contributes.receivers:
            handoff_signal(receiver.signal).connect(
                import_string(receiver.path),
                dispatch_uid=f"{config.label}.{receiver.signal}",
                weak=False,
            )


SAME_STAGE = "(same stage)"


@dataclass(frozen=True)
class ChainRow:
    transition: str
    service: str
    signal: str
    receiver: str
    next_service: str


def chain(app_configs=None) -> list[ChainRow]:
    """Each transition with a service, the hand-off signal it sends, and each receiver of
    that signal with the service it calls (one row per receiver), in INSTALLED_APPS order."""
    found = declarations(app_configs)
    receivers: dict[str, list[Receiver]] = {}
    for _config, contributes in found:
        for receiver in contributes.receivers:
            receivers.setdefault(receiver.signal, []).append(receiver)
    rows = []
    for _config, contributes in found:
        for service in contributes.services:
            name = f"{service.model.split('.')[-1]}.{service.transition}"
            for same_stage in service.calls:
                rows.append(ChainRow(name, service.path, SAME_STAGE, "", same_stage))
            if not service.sends and not service.calls:
                rows.append(ChainRow(name, service.path, "", "", ""))
            for signal in service.sends:
                for receiver in receivers.get(signal, []) or [Receiver(signal, "", "")]:
                    rows.append(ChainRow(name, service.path, signal, receiver.path, receiver.calls))
    return rows


def _function(path: str) -> str:
    return path.rsplit(".", 1)[-1]


def _staged(path: str) -> str:
    """`orders.receivers.on_contract_signed` -> `orders.on_contract_signed`."""
    parts = path.split(".")
    return f"{parts[0]}.{parts[-1]}"


def chain_table(*, hand_offs_only: bool = False, app_configs=None) -> str:
    """The chain as a plain-text table (the `ltc_wiring` command and the README). A service
    is named by its function in the stage of the transition (or of the receiver)."""
    rows = [r for r in chain(app_configs) if r.signal or not hand_offs_only]
    header = ("transition", "service", "hand-off", "receiver", "next service")
    cells = [header] + [
        (
            r.transition,
            _function(r.service),
            r.signal or "—",
            _staged(r.receiver) if r.receiver else "—",
            _function(r.next_service) if r.next_service else "—",
        )
        for r in rows
    ]
    widths = [max(len(row[i]) for row in cells) for i in range(len(header))]
    lines = []
    for index, row in enumerate(cells):
        lines.append("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip())
        if index == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines) + "\n"
