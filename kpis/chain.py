"""The chain view of one deal: lead → opportunity → quotes → contract → order → shipments →
invoices → payments → tickets and surveys, reached from any of its records.

For each record: its state, when it entered each state and how long it stayed (from
ltc.models.TransitionLog), which roles own the next move from that state (read off the state
machine, so it cannot drift from what the engine enforces) and the person who holds it; and
for the deal its lead-to-cash cycle time (lead created → every invoice of the deal paid).

Role-scoped: the starting record must be visible to the caller (else 404), and each step
lists only the records the caller may see, each read through its stage's own selector. The
number of SQL queries is fixed (one per kind of record, one for the transition log), whatever
the number of invoices and payments.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from billing.models import Invoice, InvoiceStatus, Payment
from billing.selectors import invoice_list, payment_list
from contracts.models import Contract
from contracts.selectors import contract_list
from feedback.models import Survey, Ticket
from feedback.selectors import survey_list, ticket_list
from leads.models import Lead
from leads.selectors import lead_list
from ltc.models import TransitionLog
from ltc.transitions import state_field, transition_specs
from opportunities.models import Opportunity, Quote
from opportunities.selectors import opportunity_list, quote_list
from orders.models import Order, Shipment
from orders.selectors import order_list, shipment_list
from roles.models import SYSTEM, Role

# resource name (singular, as in /kpis/chain/<resource>/<id>/; the API's plural names are
# accepted too) -> model and the selector of what a user may see.
RESOURCES = {
    "lead": (Lead, lead_list),
    "opportunity": (Opportunity, opportunity_list),
    "quote": (Quote, quote_list),
    "contract": (Contract, contract_list),
    "order": (Order, order_list),
    "shipment": (Shipment, shipment_list),
    "invoice": (Invoice, invoice_list),
    "payment": (Payment, payment_list),
    "ticket": (Ticket, ticket_list),
    "survey": (Survey, survey_list),
}
PLURALS = {
    "leads": "lead",
    "opportunities": "opportunity",
    "quotes": "quote",
    "contracts": "contract",
    "orders": "order",
    "shipments": "shipment",
    "invoices": "invoice",
    "payments": "payment",
    "tickets": "ticket",
    "surveys": "survey",
}
# The steps of the chain, in order, with their headings.
STEPS = [
    ("lead", _("Lead")),
    ("opportunity", _("Opportunity")),
    ("quote", _("Quotes")),
    ("contract", _("Contract")),
    ("order", _("Order")),
    ("shipment", _("Shipments")),
    ("invoice", _("Invoices")),
    ("payment", _("Payments")),
    ("ticket", _("Tickets")),
    ("survey", _("Surveys")),
]
# Who holds a record's next move, by the first of these fields it has.
PERSON_FIELDS = ("assignee", "owner")


def resource_name(resource: str) -> str:
    name = PLURALS.get(resource, resource)
    if name not in RESOURCES:
        raise Http404
    return name


@dataclass
class StateVisit:
    state: str
    label: str
    entered_at: datetime.datetime | None
    by: str
    left_at: datetime.datetime | None
    seconds: int | None
    next_roles: list[str]
    current: bool


@dataclass
class Item:
    resource: str
    pk: int
    title: str
    url: str
    state: str
    state_label: str
    created_at: datetime.datetime | None
    next_roles: list[str]
    next_person: str
    visits: list[StateVisit] = field(default_factory=list)

    @property
    def seconds(self) -> int | None:
        """Time from creation to now (or to the last state change, if final)."""
        if not self.visits:
            return None
        total = [v.seconds for v in self.visits if v.seconds is not None]
        return sum(total) if total else None


@dataclass
class Chain:
    resource: str
    pk: int
    opportunity_id: int | None
    steps: list[tuple[str, str, list[Item]]]
    cycle_started: datetime.datetime | None
    cycle_ended: datetime.datetime | None
    cycle_seconds: int | None
    complete: bool


def _role_labels(roles) -> list[str]:
    labels = dict(Role.choices)
    return [str(labels.get(r, _("System") if r == SYSTEM else r)) for r in roles]


def next_roles(model, state: str) -> list[str]:
    """The roles that may run a transition out of `state` (a self-loop counts: it is work
    waiting there too), in declaration order; the system when only Celery moves it on."""
    try:
        specs = transition_specs(model)
    except TypeError:
        return []
    roles: list[str] = []
    for spec in specs:
        if spec.target_from(state) is not None:
            roles += [r for r in spec.roles if r not in roles]
    return roles


def _start(resource: str, pk: int, user):
    """The starting record, through the caller's selector (404 if not visible)."""
    model, selector = RESOURCES[resource]
    try:
        return selector(user=user).get(pk=pk)
    except model.DoesNotExist as exc:
        raise Http404 from exc


def _opportunity_id(resource: str, record) -> int | None:
    """The deal (opportunity) a record belongs to; one query at most."""
    if resource == "opportunity":
        return record.pk
    if resource in ("quote", "contract"):
        return record.opportunity_id
    contracts = Contract.objects.values_list("opportunity_id", flat=True)
    if resource == "lead":
        return Opportunity.objects.filter(lead_id=record.pk).values_list("pk", flat=True).first()
    if resource == "order":
        return contracts.filter(pk=record.contract_id).first()
    if resource == "shipment":
        return contracts.filter(orders__shipments=record.pk).first()
    if resource == "invoice":
        return contracts.filter(pk=record.contract_id).first() if record.contract_id else None
    if resource == "payment":
        return contracts.filter(invoices__allocations__payment=record.pk).order_by("pk").first()
    if resource == "ticket":
        return contracts.filter(orders__tickets=record.pk).first() if record.order_id else None
    if resource == "survey":
        return (
            contracts.filter(Q(orders__surveys=record.pk) | Q(orders__tickets__surveys=record.pk))
            .order_by("pk")
            .first()
        )
    return None


def _deal_records(opportunity_id: int, user) -> dict[str, list]:
    """Every record of the deal the caller may see, one query per kind."""
    opp = opportunity_id
    via_order = Q(order__contract__opportunity_id=opp)
    return {
        "lead": list(lead_list(user=user).filter(opportunity__pk=opp)),
        "opportunity": list(opportunity_list(user=user).filter(pk=opp)),
        "quote": list(quote_list(user=user).filter(opportunity_id=opp).order_by("version", "pk")),
        "contract": list(
            contract_list(user=user).filter(opportunity_id=opp).order_by("created_at", "pk")
        ),
        "order": list(
            order_list(user=user).filter(contract__opportunity_id=opp).order_by("created_at", "pk")
        ),
        "shipment": list(
            shipment_list(user=user)
            .filter(order__contract__opportunity_id=opp)
            .order_by("shipped_at", "pk")
        ),
        "invoice": list(
            invoice_list(user=user)
            .filter(contract__opportunity_id=opp)
            .order_by("created_at", "pk")
        ),
        "payment": list(
            payment_list(user=user)
            .filter(
                pk__in=Payment.objects.filter(
                    allocations__invoice__contract__opportunity_id=opp
                ).values("pk")
            )
            .order_by("date", "pk")
        ),
        "ticket": list(ticket_list(user=user).filter(via_order).order_by("created_at", "pk")),
        "survey": list(
            survey_list(user=user)
            .filter(via_order | Q(ticket__order__contract__opportunity_id=opp))
            .order_by("created_at", "pk")
        ),
    }


def _logs(records: dict[str, list]) -> dict:
    """The transition log of every record, one query, keyed by (content type, id)."""
    models = [RESOURCES[name][0] for name, rows in records.items() if rows]
    if not models:
        return {"types": {}, "logs": {}}
    types = ContentType.objects.get_for_models(*models)
    rule = Q(pk__in=[])
    for name, rows in records.items():
        if rows:
            ct = types[RESOURCES[name][0]]
            rule |= Q(content_type=ct, object_id__in=[r.pk for r in rows])
    by_record: dict[tuple[int, int], list[TransitionLog]] = {}
    for log in TransitionLog.objects.filter(rule).select_related("by").order_by("at", "pk"):
        by_record.setdefault((log.content_type_id, log.object_id), []).append(log)
    return {"types": types, "logs": by_record}


def _person(record) -> str:
    for name in PERSON_FIELDS:
        if getattr(type(record), name, None) is not None and getattr(record, f"{name}_id", None):
            person = getattr(record, name)
            return person.get_full_name() or person.username
    return ""


def _item(resource: str, record, logs: list[TransitionLog], now) -> Item:
    model = type(record)
    try:
        fsm = state_field(model)
    except TypeError:
        fsm = None
    created = getattr(record, "created_at", None)
    if fsm is None:
        # Shipments and surveys have no state machine: a shipment is shipped when recorded; a
        # survey is sent, then answered.
        if isinstance(record, Shipment):
            state, label, at = "shipped", _("Shipped"), record.shipped_at
        elif getattr(record, "answered_at", None):
            state, label, at = "answered", _("Answered"), record.answered_at
        else:
            state, label, at = "sent", _("Sent"), getattr(record, "sent_at", None) or created
        visit = StateVisit(
            state=state,
            label=str(label),
            entered_at=at,
            by="",
            left_at=None,
            seconds=None,
            next_roles=[],
            current=True,
        )
        return Item(
            resource=resource,
            pk=record.pk,
            title=str(record),
            url=record.get_absolute_url(),
            state=state,
            state_label=str(label),
            created_at=created,
            next_roles=[],
            next_person="",
            visits=[visit],
        )
    labels = dict(fsm.flatchoices)
    current = getattr(record, fsm.name)
    moves = [log for log in logs if log.source != log.target]
    first_state = moves[0].source if moves else current
    entries = [(first_state, created, "")]
    entries += [(log.target, log.at, _who(log.by)) for log in moves]
    visits = []
    for i, (state, at, by) in enumerate(entries):
        last = i == len(entries) - 1
        left = None if last else entries[i + 1][1]
        roles = next_roles(model, state)
        end = left if left is not None else (now if roles else None)
        seconds = int((end - at).total_seconds()) if (at and end) else None
        visits.append(
            StateVisit(
                state=state,
                label=str(labels.get(state, state)),
                entered_at=at,
                by=by,
                left_at=left,
                seconds=max(seconds, 0) if seconds is not None else None,
                next_roles=_role_labels(roles),
                current=last,
            )
        )
    roles = next_roles(model, current)
    return Item(
        resource=resource,
        pk=record.pk,
        title=str(record),
        url=record.get_absolute_url(),
        state=current,
        state_label=str(labels.get(current, current)),
        created_at=created,
        next_roles=_role_labels(roles),
        next_person=_person(record) if roles else "",
        visits=visits,
    )


def _who(user) -> str:
    if user is None:
        return str(_("System"))
    return user.get_full_name() or user.username


def _cycle(opportunity_id: int, now):
    """Lead created (or, without a lead, opportunity created) → the last invoice of the deal
    fully paid, once every invoice (not void) is paid; until then the time so far. Read from
    the deal's own rows, so it is the same figure for everyone who may see the deal."""
    row = (
        Opportunity.objects.filter(pk=opportunity_id)
        .values_list("created_at", "lead__created_at")
        .first()
    )
    if row is None:
        return None, None, None, False
    started = row[1] or row[0]
    invoices = list(
        Invoice.objects.filter(contract__opportunity_id=opportunity_id)
        .exclude(status=InvoiceStatus.VOID)
        .values_list("status", "paid_at")
    )
    complete = bool(invoices) and all(s == InvoiceStatus.PAID and paid for s, paid in invoices)
    ended = max(paid for _s, paid in invoices) if complete else None
    seconds = int(((ended or now) - started).total_seconds())
    return started, ended, max(seconds, 0), complete


def build_chain(*, resource: str, pk: int, user, now=None) -> Chain:
    """The chain of the deal that record `resource`/`pk` belongs to, as `user` may see it.
    Raises Http404 for an unknown resource or a record the caller may not see."""
    now = now or timezone.now()
    resource = resource_name(resource)
    start = _start(resource, pk, user)
    opportunity_id = _opportunity_id(resource, start)
    if opportunity_id is None:
        records = {name: [] for name, _label in STEPS}
        records[resource] = [start]
    else:
        records = _deal_records(opportunity_id, user)
    found = _logs(records)
    items: dict[str, list[Item]] = {}
    for name, rows in records.items():
        model = RESOURCES[name][0]
        ct = found["types"][model].pk if rows else None
        items[name] = [_item(name, row, found["logs"].get((ct, row.pk), []), now) for row in rows]
    steps = [(name, str(label), items[name]) for name, label in STEPS]
    if opportunity_id is not None:
        started, ended, seconds, complete = _cycle(opportunity_id, now)
    else:
        started, ended, seconds, complete = None, None, None, False
    return Chain(
        resource=resource,
        pk=pk,
        opportunity_id=opportunity_id,
        steps=steps,
        cycle_started=started,
        cycle_ended=ended,
        cycle_seconds=seconds,
        complete=complete,
    )


def duration(seconds: int | None) -> str:
    """A dwell time as people read it: 3 d 4 h, 5 h 12 min, 40 min."""
    if seconds is None:
        return "—"
    days, rest = divmod(int(seconds), 86400)
    hours, rest = divmod(rest, 3600)
    minutes = rest // 60
    if days:
        return _("%(d)s d %(h)s h") % {"d": days, "h": hours}
    if hours:
        return _("%(h)s h %(m)s min") % {"h": hours, "m": minutes}
    return _("%(m)s min") % {"m": minutes}


def as_dict(chain: Chain) -> dict:
    """The chain as JSON-ready data (the API answer)."""

    def iso(value):
        return value.isoformat() if value else None

    return {
        "resource": chain.resource,
        "id": chain.pk,
        "opportunity": chain.opportunity_id,
        "cycle_time": {
            "started_at": iso(chain.cycle_started),
            "ended_at": iso(chain.cycle_ended),
            "seconds": chain.cycle_seconds,
            "days": (Decimal(chain.cycle_seconds) / 86400).quantize(Decimal("0.01"))
            if chain.cycle_seconds is not None
            else None,
            "complete": chain.complete,
        },
        "steps": [
            {
                "step": name,
                "label": label,
                "records": [
                    {
                        "id": item.pk,
                        "title": item.title,
                        "url": item.url,
                        "state": item.state,
                        "state_label": item.state_label,
                        "created_at": iso(item.created_at),
                        "next_roles": item.next_roles,
                        "next_person": item.next_person,
                        "seconds": item.seconds,
                        "states": [
                            {
                                "state": v.state,
                                "label": v.label,
                                "entered_at": iso(v.entered_at),
                                "left_at": iso(v.left_at),
                                "by": v.by,
                                "seconds": v.seconds,
                                "next_roles": v.next_roles,
                                "current": v.current,
                            }
                            for v in item.visits
                        ],
                    }
                    for item in items
                ],
            }
            for name, label, items in chain.steps
        ],
    }
