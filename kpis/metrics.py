"""One definition per KPI (DESIGN.md's KPI table, plus customers won and internal
collaboration).

Each metric's `rows(start, end)` yields one `Row` per source record (or per record and day
for balances): the local day it counts on, its owner, currency, numerator and denominator.
The rollup sums rows into snapshots and the drill-down page lists the same rows, so a figure
and the list behind it add up by construction. Days are local days in TIME_ZONE.

Kinds: `count` and `amount` show Σnumerator (the denominator counts the records); `ratio`
shows Σnum ÷ Σden × scale; `average` Σnum ÷ Σden; `stock` is a balance at the end of a day
(over a period: the last day's value); `derived` metrics (DSO, CEI, coverage) are computed
at query time from other metrics. `current` metrics (open pipeline, workload) describe the
state when the rollup runs and are only written for today (pipeline: by expected close day).
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import NamedTuple

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ltc.money import HUNDRED, money

ONE, ZERO = Decimal("1"), Decimal("0")
HOUR = Decimal(3600)
DAY_SECONDS = Decimal(86400)


class Row(NamedTuple):
    day: datetime.date
    owner: int | None
    currency: str
    num: Decimal
    den: Decimal
    model: str  # app_label.model of the source record
    pk: int
    text: str
    sub: str = ""  # a breakdown inside the metric (hand-off, state, item kind)


@dataclass(frozen=True)
class Metric:
    key: str
    label: object
    kind: str
    family: str  # lead, sales, cash, fulfilment, service, process
    rows: Callable[[datetime.date, datetime.date], Iterator[Row]] | None = None
    scale: int = 1
    money: bool = False
    current: bool = False
    split: bool = False  # also write one snapshot metric per `sub` ("key:sub")
    unit: object = ""

    def value(self, num: Decimal, den: Decimal) -> Decimal | None:
        if self.kind in ("count", "amount", "stock"):
            return num
        if not den:
            return None
        return num / den * self.scale


def local_day(moment: datetime.datetime) -> datetime.date:
    return timezone.localdate(moment)


def bounds(start: datetime.date, end: datetime.date):
    """[start 00:00, end+1 00:00) in TIME_ZONE, as aware datetimes."""
    tz = timezone.get_current_timezone()
    lo = datetime.datetime.combine(start, datetime.time.min, tzinfo=tz)
    hi = datetime.datetime.combine(end + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz)
    return lo, hi


def days_between(a: datetime.datetime, b: datetime.datetime) -> Decimal:
    return (Decimal((b - a).total_seconds()) / DAY_SECONDS).quantize(Decimal("0.0001"))


def hours_between(a: datetime.datetime, b: datetime.datetime) -> Decimal:
    return (Decimal((b - a).total_seconds()) / HOUR).quantize(Decimal("0.0001"))


def _in(start, end, field: str) -> Q:
    lo, hi = bounds(start, end)
    return Q(**{f"{field}__gte": lo, f"{field}__lt": hi})


# Leads ----------------------------------------------------------------------------------


def leads_created(start, end):
    from leads.models import Lead, LeadStatus

    qs = Lead.objects.filter(_in(start, end, "created_at")).values_list(
        "pk", "created_at", "owner_id", "status", "name"
    )
    for pk, created, owner, status, name in qs.iterator(chunk_size=5000):
        converted = ONE if status == LeadStatus.CONVERTED else ZERO
        yield Row(local_day(created), owner, "", converted, ONE, "leads.lead", pk, name)


def funnel_leads(start, end):
    for row in leads_created(start, end):
        yield row._replace(num=ONE)


def entered(model, state: str, start, end) -> dict[int, list[datetime.datetime]]:
    """When records of `model` entered `state` in the range, from the transition log."""
    from ltc.models import TransitionLog

    out = defaultdict(list)
    logs = TransitionLog.objects.filter(
        _in(start, end, "at"),
        content_type=ContentType.objects.get_for_model(model),
        target=state,
    ).values_list("object_id", "at")
    for object_id, at in logs.iterator(chunk_size=5000):
        out[object_id].append(at)
    return out


def qualified_leads(start, end):
    from leads.models import Lead, LeadStatus

    entries = entered(Lead, LeadStatus.QUALIFIED, start, end)
    leads = Lead.objects.filter(pk__in=list(entries)).values_list("pk", "owner_id", "name")
    for pk, owner, name in leads.iterator(chunk_size=5000):
        for at in entries[pk]:
            yield Row(local_day(at), owner, "", ONE, ONE, "leads.lead", pk, name)


# Opportunities --------------------------------------------------------------------------


def _opps(start, end, **filters):
    from opportunities.models import Opportunity

    return Opportunity.objects.filter(**filters).values_list(
        "pk", "name", "owner_id", "currency", "amount", "created_at", "closed_at", "stage"
    )


def funnel_opportunities(start, end):
    from opportunities.models import Opportunity

    qs = Opportunity.objects.filter(_in(start, end, "created_at")).values_list(
        "pk", "name", "owner_id", "created_at"
    )
    for pk, name, owner, created in qs.iterator(chunk_size=5000):
        yield Row(local_day(created), owner, "", ONE, ONE, "opportunities.opportunity", pk, name)


def _closed(start, end, stages):
    from opportunities.models import Opportunity

    return Opportunity.objects.filter(_in(start, end, "closed_at"), stage__in=stages).values_list(
        "pk", "name", "owner_id", "currency", "amount", "created_at", "closed_at", "stage"
    )


def funnel_won(start, end):
    for pk, name, owner, _cur, _amt, _created, closed, _stage in _closed(start, end, ["won"]):
        yield Row(local_day(closed), owner, "", ONE, ONE, "opportunities.opportunity", pk, name)


def win_rate(start, end):
    for pk, name, owner, _cur, _amt, _created, closed, stage in _closed(
        start, end, ["won", "lost"]
    ):
        num = ONE if stage == "won" else ZERO
        yield Row(local_day(closed), owner, "", num, ONE, "opportunities.opportunity", pk, name)


def deal_size(start, end):
    for pk, name, owner, cur, amount, _created, closed, _stage in _closed(start, end, ["won"]):
        yield Row(local_day(closed), owner, cur, amount, ONE, "opportunities.opportunity", pk, name)


def sales_cycle(start, end):
    for pk, name, owner, _cur, _amt, created, closed, _stage in _closed(start, end, ["won"]):
        yield Row(
            local_day(closed),
            owner,
            "",
            days_between(created, closed),
            ONE,
            "opportunities.opportunity",
            pk,
            name,
        )


def pipeline(start, end):
    """Open opportunities by expected close day (today when none): Σ amount × probability
    over Σ amount. Written whole on every run, whatever the range."""
    from opportunities.models import OPEN_STAGES, Opportunity

    today = timezone.localdate()
    qs = Opportunity.objects.filter(stage__in=OPEN_STAGES).values_list(
        "pk", "name", "owner_id", "currency", "amount", "probability", "expected_close_date"
    )
    for pk, name, owner, cur, amount, prob, close in qs.iterator(chunk_size=5000):
        weighted = money(amount * prob / HUNDRED)
        day = close or today
        yield Row(day, owner, cur, weighted, amount, "opportunities.opportunity", pk, name)


# Contracts ------------------------------------------------------------------------------

BOOKED = ("signed", "completed", "terminated")


def bookings(start, end):
    """Contracts signed in the period (amendments are versions of a booked contract and are
    not booked again)."""
    from contracts.models import Contract

    qs = Contract.objects.filter(
        signed_on__gte=start, signed_on__lte=end, status__in=BOOKED, amended_from__isnull=True
    ).values_list("pk", "number", "owner_id", "currency", "total", "signed_on")
    for pk, number, owner, cur, total, signed in qs.iterator(chunk_size=5000):
        yield Row(signed, owner, cur, total, ONE, "contracts.contract", pk, number or f"#{pk}")


def lead_to_cash(start, end):
    """Lead-to-cash cycle time (DESIGN.md): days from the lead's creation (the opportunity's,
    for a deal without a lead) to the last invoice of the deal fully paid, for the deals whose
    contract completed in the period. Dated by the completion, which follows the last payment
    and the delivery, so the nightly trailing window sees every deal as it completes."""
    from django.db.models import Max

    from billing.models import Invoice, InvoiceStatus
    from contracts.models import Contract

    done = list(
        Contract.objects.filter(_in(start, end, "completed_at"), opportunity__isnull=False)
        .values_list(
            "pk",
            "number",
            "owner_id",
            "opportunity_id",
            "opportunity__created_at",
            "opportunity__lead__created_at",
            "completed_at",
        )
        .order_by()
    )
    if not done:
        return
    last_paid = dict(
        Invoice.objects.filter(contract__opportunity_id__in={row[3] for row in done})
        .exclude(status=InvoiceStatus.VOID)
        .values("contract__opportunity_id")
        .annotate(at=Max("paid_at"))
        .values_list("contract__opportunity_id", "at")
        .order_by()
    )
    for pk, number, owner, opportunity, opened, lead_created, completed in done:
        ended = last_paid.get(opportunity) or completed
        days = days_between(lead_created or opened, ended)
        yield Row(
            local_day(completed), owner, "", days, ONE, "contracts.contract", pk, number or f"#{pk}"
        )


def new_customers(start, end):
    """Accounts whose first signed contract was signed in the period (客户开发量)."""
    from contracts.models import Contract

    booked = Contract.objects.filter(status__in=BOOKED, amended_from__isnull=True)
    candidates = list(
        booked.filter(signed_on__gte=start, signed_on__lte=end)
        .order_by("signed_on", "pk")
        .values_list("account_id", "account__name", "owner_id", "signed_on")
    )
    earlier = set(
        booked.filter(signed_on__lt=start, account_id__in={c[0] for c in candidates}).values_list(
            "account_id", flat=True
        )
    )
    seen = set()
    for account, name, owner, signed in candidates:
        if account in earlier or account in seen:
            continue
        seen.add(account)
        yield Row(signed, owner, "", ONE, ONE, "customers.account", account, name)


# Billing --------------------------------------------------------------------------------


def invoiced(start, end):
    from django.db.models.functions import Coalesce

    from billing.models import Invoice, InvoiceStatus

    qs = (
        Invoice.objects.filter(issue_date__gte=start, issue_date__lte=end)
        .exclude(status__in=[InvoiceStatus.DRAFT, InvoiceStatus.VOID])
        .annotate(who=Coalesce("contract__owner_id", "account__owner_id"))
        .values_list("pk", "number", "who", "currency", "total", "issue_date")
    )
    for pk, number, owner, cur, total, issued in qs.iterator(chunk_size=5000):
        yield Row(issued, owner, cur, total, ONE, "billing.invoice", pk, number or f"#{pk}")


def collected(start, end):
    from billing.models import Payment, PaymentStatus

    qs = (
        Payment.objects.filter(date__gte=start, date__lte=end)
        .exclude(status=PaymentStatus.REVERSED)
        .values_list("pk", "reference", "account__owner_id", "currency", "amount", "date")
    )
    for pk, ref, owner, cur, amount, day in qs.iterator(chunk_size=5000):
        yield Row(day, owner, cur, amount, ONE, "billing.payment", pk, ref or f"#{pk}")


AGING = (
    ("ar_current", _("AR current"), None, 0),
    ("ar_1_30", _("AR 1–30 days"), 1, 30),
    ("ar_31_60", _("AR 31–60 days"), 31, 60),
    ("ar_61_90", _("AR 61–90 days"), 61, 90),
    ("ar_90_plus", _("AR 90+ days"), 91, None),
)


def aging_bucket(day: datetime.date, due: datetime.date | None) -> str:
    late = (day - due).days if due else 0
    if late <= 0:
        return "ar_current"
    for key, _label, lo, hi in AGING[1:]:
        if late >= lo and (hi is None or late <= hi):
            return key
    return "ar_90_plus"


def receivables(start, end) -> Iterator[Row]:
    """Each issued invoice's open balance at the end of every day of the range, with its
    aging bucket as `sub`: total (an opening receivable: its balance at import) − payments
    received (until reversed) − credit notes, from the issue date until settled or voided."""
    from django.db.models.functions import Coalesce

    from billing.models import CreditNote, Invoice, InvoiceStatus, PaymentAllocation

    lo, _hi = bounds(start, end)
    invoices = list(
        Invoice.objects.filter(issue_date__isnull=False, issue_date__lte=end)
        .exclude(status=InvoiceStatus.DRAFT)
        .exclude(status=InvoiceStatus.PAID, paid_at__lt=lo)
        .exclude(status=InvoiceStatus.VOID, voided_at__lt=lo)
        .annotate(who=Coalesce("contract__owner_id", "account__owner_id"))
        .values_list(
            "pk",
            "number",
            "who",
            "currency",
            "total",
            "issue_date",
            "due_date",
            "voided_at",
            "opening_balance",
        )
    )
    ids = [i[0] for i in invoices]
    events = defaultdict(list)  # invoice -> [(day, delta)]
    allocations = PaymentAllocation.objects.filter(invoice_id__in=ids).values_list(
        "invoice_id", "amount", "payment__date", "payment__reversed_at"
    )
    for invoice, amount, paid_on, reversed_at in allocations.iterator(chunk_size=5000):
        events[invoice].append((paid_on, -amount))
        if reversed_at is not None:
            events[invoice].append((local_day(reversed_at), amount))
    notes = CreditNote.objects.filter(invoice_id__in=ids).values_list(
        "invoice_id", "amount", "issue_date"
    )
    for invoice, amount, day in notes.iterator(chunk_size=5000):
        events[invoice].append((day, -amount))
    for pk, number, owner, cur, total, issued, due, voided_at, opening in invoices:
        changes = sorted(events.get(pk, ()))
        void_day = local_day(voided_at) if voided_at else None
        # An opening receivable starts at the balance it was imported with: what was paid
        # before the cut-over has no payment in the CRM.
        balance = total if opening is None else opening
        index = 0
        day = max(start, issued)
        while index < len(changes) and changes[index][0] < day:
            balance += changes[index][1]
            index += 1
        while day <= end:
            while index < len(changes) and changes[index][0] <= day:
                balance += changes[index][1]
                index += 1
            if void_day is not None and void_day <= day:
                break
            if balance > 0:
                yield Row(
                    day,
                    owner,
                    cur,
                    balance,
                    ONE,
                    "billing.invoice",
                    pk,
                    number or f"#{pk}",
                    aging_bucket(day, due),
                )
            elif index >= len(changes):
                break
            day += datetime.timedelta(days=1)


def ar_rows(bucket: str | None):
    def rows(start, end):
        for row in receivables(start, end):
            if bucket is None or row.sub == bucket:
                yield row._replace(sub="")

    return rows


# Orders ---------------------------------------------------------------------------------


def _delivered(start, end):
    from orders.models import Order

    return (
        Order.objects.filter(delivered_on__gte=start, delivered_on__lte=end)
        .exclude(status="cancelled")
        .values_list(
            "pk", "number", "owner_id", "confirmed_at", "delivered_on", "promised_delivery_date"
        )
    )


def fulfilment_cycle(start, end):
    """Days from confirmation to delivery of the orders delivered in the period."""
    for pk, number, owner, confirmed, delivered, _promised in _delivered(start, end):
        if confirmed is None:
            continue
        days = Decimal((delivered - local_day(confirmed)).days)
        yield Row(delivered, owner, "", days, ONE, "orders.order", pk, number or f"#{pk}")


def on_time_delivery(start, end):
    """Orders delivered on or before their promised date ÷ delivered orders that had one."""
    for pk, number, owner, _confirmed, delivered, promised in _delivered(start, end):
        if promised is None:
            continue
        num = ONE if delivered <= promised else ZERO
        yield Row(delivered, owner, "", num, ONE, "orders.order", pk, number or f"#{pk}")


# Service --------------------------------------------------------------------------------


def _answers(kind: str, owner_field: str, start, end):
    from feedback.models import Survey

    return (
        Survey.objects.filter(_in(start, end, "answered_at"), kind=kind, score__isnull=False)
        .values_list("pk", owner_field, "score", "answered_at", "account__name")
        .iterator(chunk_size=5000)
    )


def csat(start, end):
    for pk, owner, score, at, name in _answers("csat", "ticket__assignee_id", start, end):
        num = ONE if score >= 4 else ZERO
        yield Row(local_day(at), owner, "", num, ONE, "feedback.survey", pk, name)


def nps(start, end):
    for pk, owner, score, at, name in _answers("nps", "order__owner_id", start, end):
        num = ONE if score >= 9 else (-ONE if score <= 6 else ZERO)
        yield Row(local_day(at), owner, "", num, ONE, "feedback.survey", pk, name)


def first_response(start, end):
    """Business hours from a ticket's creation to its first response."""
    from feedback.models import Ticket
    from feedback.sla import Calendar, business_time_between

    calendar = Calendar.current()
    qs = Ticket.objects.filter(_in(start, end, "first_response_at")).values_list(
        "pk", "subject", "assignee_id", "created_at", "first_response_at"
    )
    for pk, subject, owner, created, responded in qs.iterator(chunk_size=5000):
        spent = business_time_between(created, responded, calendar)
        hours = (Decimal(spent.total_seconds()) / HOUR).quantize(Decimal("0.0001"))
        yield Row(local_day(responded), owner, "", hours, ONE, "feedback.ticket", pk, subject)


def sla_breach(start, end):
    """Tickets created in the period that missed a target ÷ tickets under an SLA."""
    from django.conf import settings

    from feedback.models import Ticket

    under_sla = list(settings.LTC.get("SLA", {}))
    qs = Ticket.objects.filter(_in(start, end, "created_at"), priority__in=under_sla).values_list(
        "pk",
        "subject",
        "assignee_id",
        "created_at",
        "first_response_breached_at",
        "resolution_breached_at",
    )
    for pk, subject, owner, created, first, resolution in qs.iterator(chunk_size=5000):
        num = ONE if (first or resolution) else ZERO
        yield Row(local_day(created), owner, "", num, ONE, "feedback.ticket", pk, subject)


# Process --------------------------------------------------------------------------------


def _handoff_spans(start, end):
    """Completed hand-offs of the engine's timers (ltc.timers): (name, model, pk, text,
    owner, began, done). Each definition reads when the wait began and ended."""
    from billing.models import Invoice
    from contracts.models import Contract
    from feedback.models import Ticket
    from leads.models import Lead, LeadStatus
    from ltc.models import TransitionLog
    from opportunities.models import Opportunity, Quote, QuoteStatus, Stage
    from orders.models import Order

    for pk, name, owner, created, assigned in Lead.objects.filter(
        _in(start, end, "assigned_at")
    ).values_list("pk", "name", "owner_id", "created_at", "assigned_at"):
        yield "lead_assignment", "leads.lead", pk, name, owner, created, assigned
    touches = entered(Lead, LeadStatus.WORKING, start, end)
    lo, _hi = bounds(start, end)
    touched_before = set(
        TransitionLog.objects.filter(
            content_type=ContentType.objects.get_for_model(Lead),
            object_id__in=list(touches),
            target=LeadStatus.WORKING,
            at__lt=lo,
        ).values_list("object_id", flat=True)
    )
    for pk, name, owner, assigned in Lead.objects.filter(
        pk__in=list(touches), assigned_at__isnull=False
    ).values_list("pk", "name", "owner_id", "assigned_at"):
        if pk in touched_before:
            continue  # the first touch was before the range
        yield "lead_first_touch", "leads.lead", pk, name, owner, assigned, min(touches[pk])
    quotes = list(
        Quote.objects.filter(_in(start, end, "created_at"))
        .order_by("opportunity_id", "created_at")
        .values_list("opportunity_id", "created_at")
    )
    first_quote = {}
    for opp, at in quotes:
        first_quote.setdefault(opp, at)
    quoted_before = set(
        Quote.objects.filter(opportunity_id__in=list(first_quote), created_at__lt=lo).values_list(
            "opportunity_id", flat=True
        )
    )
    for opp in quoted_before:
        del first_quote[opp]
    analysis = TransitionLog.objects.filter(
        content_type=ContentType.objects.get_for_model(Opportunity),
        object_id__in=list(first_quote),
        target=Stage.NEEDS_ANALYSIS,
    ).values_list("object_id", "at")
    began = {}
    for opp, at in analysis:
        if at <= first_quote[opp]:
            began[opp] = at
    for pk, name, owner, solution in Opportunity.objects.filter(pk__in=list(began)).values_list(
        "pk", "name", "owner_id", "solution_owner_id"
    ):
        yield (
            "opportunity_quote",
            "opportunities.opportunity",
            pk,
            name,
            solution or owner,
            began[pk],
            first_quote[pk],
        )
    pending = TransitionLog.objects.filter(
        content_type=ContentType.objects.get_for_model(Quote), target=QuoteStatus.PENDING_APPROVAL
    ).values("object_id")
    for pk, opp_name, owner, submitted, approved in Quote.objects.filter(
        _in(start, end, "approved_at"), pk__in=pending, submitted_at__isnull=False
    ).values_list(
        "pk", "opportunity__name", "opportunity__owner_id", "submitted_at", "approved_at"
    ):
        yield "quote_sign_off", "opportunities.quote", pk, opp_name, owner, submitted, approved
    for pk, number, owner, submitted, approved in Contract.objects.filter(
        _in(start, end, "approved_at"), submitted_at__isnull=False
    ).values_list("pk", "number", "owner_id", "submitted_at", "approved_at"):
        yield "contract_review", "contracts.contract", pk, number, owner, submitted, approved
    for pk, number, owner, confirmed, started in Order.objects.filter(
        _in(start, end, "fulfillment_started_at"), confirmed_at__isnull=False
    ).values_list("pk", "number", "owner_id", "confirmed_at", "fulfillment_started_at"):
        yield "order_fulfilment", "orders.order", pk, number, owner, confirmed, started
    for pk, number, owner, created, issued in Invoice.objects.filter(
        _in(start, end, "issued_at"), milestone__isnull=False
    ).values_list("pk", "number", "contract__owner_id", "created_at", "issued_at"):
        yield "invoice_issue", "billing.invoice", pk, number, owner, created, issued
    for pk, subject, owner, created, responded in Ticket.objects.filter(
        _in(start, end, "first_response_at")
    ).values_list("pk", "subject", "assignee_id", "created_at", "first_response_at"):
        yield "ticket_first_response", "feedback.ticket", pk, subject, owner, created, responded


def handoff_ontime(start, end):
    """Hand-offs completed within their target (ltc.timers) ÷ hand-offs completed, by the
    day each was completed; `sub` is the hand-off."""
    from ltc.timers import TIMERS

    for name, model, pk, text, owner, began, done in _handoff_spans(start, end):
        timer = TIMERS.get(name)
        if timer is None:
            continue
        num = ONE if done - began <= timer.target else ZERO
        yield Row(local_day(done), owner, "", num, ONE, model, pk, str(text or pk), name)


def collaboration(start, end):
    """Internal collaboration (内部协作满意度): Σ ratings ÷ ratings, per hand-off."""
    from .models import HandoffRating

    qs = HandoffRating.objects.filter(_in(start, end, "rated_at")).values_list(
        "pk", "handoff", "content_type__app_label", "content_type__model", "object_id",
        "rated_by_id", "score", "rated_at",
    )  # fmt: skip
    for _pk, handoff, app, model, object_id, by, score, at in qs.iterator(chunk_size=5000):
        yield Row(
            local_day(at), by, "", Decimal(score), ONE, f"{app}.{model}", object_id,
            f"#{object_id}", handoff,
        )  # fmt: skip


# The state machines whose dwell times are measured, with the field naming who owns them.
DWELL_MODELS = (
    ("leads", "Lead", "owner_id"),
    ("opportunities", "Opportunity", "owner_id"),
    ("opportunities", "Quote", "opportunity__owner_id"),
    ("contracts", "Contract", "owner_id"),
    ("orders", "Order", "owner_id"),
    ("billing", "Invoice", "contract__owner_id"),
    ("feedback", "Ticket", "assignee_id"),
)


def dwell(start, end):
    """Hours records spent in each state, counted on the day they left it: from the
    transition log row that entered the state (or the record's creation) to the row that
    left it. `sub` is `app.model.state`."""
    from django.apps import apps

    from ltc.models import TransitionLog

    for app_label, model_name, owner_field in DWELL_MODELS:
        model = apps.get_model(app_label, model_name)
        ct = ContentType.objects.get_for_model(model)
        exits = list(
            TransitionLog.objects.filter(_in(start, end, "at"), content_type=ct).values_list(
                "object_id", flat=True
            )
        )
        if not exits:
            continue
        ids = set(exits)
        _lo, hi = bounds(start, end)
        history = defaultdict(list)
        for object_id, at, source, target in (
            TransitionLog.objects.filter(content_type=ct, object_id__in=ids, at__lt=hi)
            .order_by("at", "pk")
            .values_list("object_id", "at", "source", "target")
        ):
            history[object_id].append((at, source, target))
        records = {
            pk: (owner, created, str(pk))
            for pk, owner, created in model.objects.filter(pk__in=ids).values_list(
                "pk", owner_field, "created_at"
            )
        }
        label = f"{app_label}.{model_name.lower()}"
        lo, _hi = bounds(start, end)
        for object_id, steps in history.items():
            if object_id not in records:
                continue
            owner, since, text = records[object_id]
            for at, source, _target in steps:
                if at >= lo:
                    hours = max(hours_between(since, at), ZERO)
                    yield Row(
                        local_day(at), owner, "", hours, ONE, label, object_id, f"#{text}",
                        f"{label}.{source}",
                    )  # fmt: skip
                since = at


def workload(start, end):
    """Open items waiting on each person now, `sub` the kind; the numerator of
    `workload_age` is each item's age in days."""
    from contracts.models import Contract
    from feedback.models import Ticket
    from leads.models import Lead
    from opportunities.models import OPEN_STAGES, Opportunity, Quote
    from orders.models import Order

    now = timezone.now()
    today = timezone.localdate()
    sources = (
        ("leads", Lead.objects.filter(status__in=["new", "working"]), "owner_id", "leads.lead"),
        (
            "opportunities",
            Opportunity.objects.filter(stage__in=OPEN_STAGES),
            "owner_id",
            "opportunities.opportunity",
        ),
        (
            "quotes",
            Quote.objects.filter(status__in=["draft", "pending_approval"]),
            "opportunity__owner_id",
            "opportunities.quote",
        ),
        (
            "contracts",
            Contract.objects.filter(status__in=["draft", "in_review", "approved"]),
            "owner_id",
            "contracts.contract",
        ),
        (
            "orders",
            Order.objects.filter(status__in=["pending", "confirmed", "in_fulfillment", "shipped"]),
            "owner_id",
            "orders.order",
        ),
        (
            "tickets",
            Ticket.objects.filter(status__in=["open", "in_progress"]),
            "assignee_id",
            "feedback.ticket",
        ),
    )
    for kind, qs, owner_field, label in sources:
        for pk, owner, created in (
            qs.filter(**{f"{owner_field}__isnull": False})
            .values_list("pk", owner_field, "created_at")
            .iterator(chunk_size=5000)
        ):
            yield Row(today, owner, "", ONE, days_between(created, now), label, pk, f"#{pk}", kind)


def workload_age(start, end):
    for row in workload(start, end):
        yield row._replace(num=row.den, den=ONE)


def _workload_count(start, end):
    for row in workload(start, end):
        yield row._replace(den=ONE)


METRICS: dict[str, Metric] = {}


def _add(*metrics: Metric):
    for m in metrics:
        METRICS[m.key] = m


_add(
    Metric(
        "lead_conversion", _("Lead conversion rate"), "ratio", "lead", leads_created, 100, unit="%"
    ),
    Metric("funnel_leads", _("Leads"), "count", "lead", funnel_leads),
    Metric("qualified_leads", _("Qualified leads"), "count", "lead", qualified_leads),
    Metric("funnel_opportunities", _("Opportunities"), "count", "sales", funnel_opportunities),
    Metric("funnel_won", _("Deals won"), "count", "sales", funnel_won),
    Metric("win_rate", _("Win rate"), "ratio", "sales", win_rate, 100, unit="%"),
    Metric("avg_deal_size", _("Average deal size"), "average", "sales", deal_size, money=True),
    Metric(
        "sales_cycle", _("Sales cycle (mean days)"), "average", "sales", sales_cycle, unit=_("days")
    ),
    Metric(
        "pipeline", _("Weighted pipeline"), "amount", "sales", pipeline, money=True, current=True
    ),
    Metric("bookings", _("Bookings"), "amount", "sales", bookings, money=True),
    Metric("new_customers", _("New customers"), "count", "sales", new_customers),
    Metric("invoiced", _("Invoiced"), "amount", "cash", invoiced, money=True),
    Metric("collected", _("Collected"), "amount", "cash", collected, money=True),
    Metric("ar_open", _("Open receivables"), "stock", "cash", ar_rows(None), money=True),
    *[
        Metric(key, label, "stock", "cash", ar_rows(key), money=True)
        for key, label, _lo, _hi in AGING
    ],
    Metric("dso", _("DSO"), "derived", "cash", unit=_("days")),
    Metric("cei", _("CEI"), "derived", "cash", unit="%"),
    Metric(
        "fulfilment_cycle",
        _("Order fulfilment cycle time"),
        "average",
        "fulfilment",
        fulfilment_cycle,
        unit=_("days"),
    ),
    Metric(
        "on_time_delivery",
        _("On-time delivery"),
        "ratio",
        "fulfilment",
        on_time_delivery,
        100,
        unit="%",
    ),
    Metric("csat", _("CSAT"), "ratio", "service", csat, 100, unit="%"),
    Metric("nps", _("NPS"), "ratio", "service", nps, 100),
    Metric(
        "first_response",
        _("First response time"),
        "average",
        "service",
        first_response,
        unit=_("business hours"),
    ),
    Metric("sla_breach", _("SLA breach rate"), "ratio", "service", sla_breach, 100, unit="%"),
    Metric(
        "handoff_ontime",
        _("Hand-off on-time rate"),
        "ratio",
        "process",
        handoff_ontime,
        100,
        split=True,
        unit="%",
    ),
    Metric(
        "collaboration",
        _("Internal collaboration"),
        "average",
        "process",
        collaboration,
        split=True,
        unit="/5",
    ),
    Metric(
        "workload",
        _("Workload (open items)"),
        "count",
        "fulfilment",
        _workload_count,
        current=True,
        split=True,
    ),
    Metric(
        "workload_age",
        _("Workload age (mean days)"),
        "average",
        "fulfilment",
        workload_age,
        current=True,
    ),
    Metric(
        "lead_to_cash",
        _("Lead-to-cash cycle time (mean days)"),
        "average",
        "process",
        lead_to_cash,
        unit=_("days"),
    ),
    Metric(
        "dwell",
        _("Dwell time (mean hours)"),
        "average",
        "process",
        dwell,
        split=True,
        unit=_("hours"),
    ),
)

# Metrics stored as snapshots (the derived ones are computed from these).
STORED = [m for m in METRICS.values() if m.rows is not None]


def base_key(key: str) -> str:
    return key.split(":", 1)[0]


def get(key: str) -> Metric | None:
    return METRICS.get(base_key(key))
