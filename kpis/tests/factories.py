"""A small world of raw rows across several days, owners and teams, for the KPI tests."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from billing.tests.factories import issued_invoice, pay
from contracts.models import Contract
from contracts.tests.factories import contract_in
from customers.tests.factories import AccountFactory
from feedback.models import Survey, Ticket
from feedback.tests.factories import survey_for, ticket_in
from kpis.models import HandoffRating
from leads.models import Lead
from leads.tests.factories import LeadFactory
from ltc.models import TransitionLog
from opportunities.models import Opportunity
from opportunities.tests.factories import OpportunityFactory
from orders.models import Order
from orders.tests.factories import order_in
from roles.tests.factories import TeamFactory, user_with

D0 = datetime.date(2026, 3, 9)  # a Monday
DAYS = [D0 + datetime.timedelta(days=i) for i in range(3)]


def at(day: datetime.date, hour: int = 12, minute: int = 0) -> datetime.datetime:
    tz = timezone.get_current_timezone()
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=tz)


def log(record, source, target, when, by=None):
    return TransitionLog.objects.create(
        content_type=ContentType.objects.get_for_model(record),
        object_id=record.pk,
        transition=f"to_{target}",
        source=source,
        target=target,
        at=when,
        by=by,
    )


def build_world():
    """Three salespeople in two teams (s1, s2 in A led by s1; s3 in B), a manager, finance,
    and rows of every stage spread over DAYS."""
    s1, s2, s3 = (user_with("sales", username=f"kpi.s{i}") for i in (1, 2, 3))
    team_a = TeamFactory(name="A team", lead=s1)
    team_a.members.add(s1, s2)
    team_b = TeamFactory(name="B team")
    team_b.members.add(s3)
    manager = user_with("manager", username="kpi.manager")
    finance = user_with("finance", username="kpi.finance")
    people = [s1, s2, s3]

    # Leads: created on each day by each owner, some converted, some qualified (logged).
    for i, day in enumerate(DAYS):
        for j, owner in enumerate(people):
            for k in range(i + j + 1):
                lead = LeadFactory(owner=owner, created_at=at(day, 10 + k))
                if k == 0:
                    Lead.objects.filter(pk=lead.pk).update(status="converted")
                if k == 1:
                    log(lead, "working", "qualified", at(day, 15))

    # Opportunities: created, won, lost, open; two currencies.
    for i, day in enumerate(DAYS):
        for j, owner in enumerate(people):
            won = OpportunityFactory(
                owner=owner,
                created_at=at(day - datetime.timedelta(days=10 + j), 9),
                amount=Decimal("1000.00") * (i + j + 1),
                currency="USD" if j == 2 else "CNY",
            )
            Opportunity.objects.filter(pk=won.pk).update(
                stage="won", probability=100, closed_at=at(day, 11)
            )
            if (i + j) % 2:
                lost = OpportunityFactory(owner=owner, created_at=at(day, 9))
                Opportunity.objects.filter(pk=lost.pk).update(stage="lost", closed_at=at(day, 16))
            OpportunityFactory(
                owner=owner,
                created_at=at(day, 8),
                amount=Decimal("5000.00"),
                expected_close_date=day + datetime.timedelta(days=40),
            )

    # Contracts signed on the days (one account signs twice: one new customer).
    repeat = AccountFactory(owner=s1)
    for i, day in enumerate(DAYS):
        for j, owner in enumerate(people[:2]):
            account = repeat if j == 0 else AccountFactory(owner=owner)
            contract = contract_in("signed", owner=owner, account=account, unit_price="2500.00")
            Contract.objects.filter(pk=contract.pk).update(
                signed_on=day, total=Decimal("2500.00") * (i + 1)
            )

    # Invoices issued on the days (due in 1 day), part paid later.
    # Older unpaid invoices, one per aging bucket (issued first: numbers follow dates).
    for owner, days_back in zip(people, (100, 70, 40), strict=True):
        account = AccountFactory(owner=owner)
        issue = D0 - datetime.timedelta(days=days_back)
        issued_invoice(user=finance, account=account, issue_date=issue, terms=1)
    invoices = []
    for day in DAYS:
        for owner in people:
            account = AccountFactory(owner=owner)
            invoice = issued_invoice(user=finance, account=account, issue_date=day, terms=1)
            invoices.append(invoice)
    pay(invoices[0], "500.00", user=finance, date=DAYS[1])
    pay(invoices[1], "1130.00", user=finance, date=DAYS[2])

    # Orders: delivered on the days, one late.
    orders = []
    for i, day in enumerate(DAYS[1:]):
        order = order_in("delivered", owner=people[i])
        Order.objects.filter(pk=order.pk).update(
            owner=people[i],
            confirmed_at=at(DAYS[0], 9),
            # 10 h (within the 24 h target), then 30 h (late)
            fulfillment_started_at=at(DAYS[0], 9) + datetime.timedelta(hours=10 + 20 * i),
            delivered_on=day,
            promised_delivery_date=DAYS[1],
        )
        log(order, "pending", "confirmed", at(DAYS[0], 9))
        orders.append(order)
    orders.append(order_in("pending", owner=s3))

    # Tickets: responded within business hours (3 h), one breached.
    for i, day in enumerate(DAYS):
        ticket = ticket_in("in_progress", assignee=people[i % 2 + 1])
        Ticket.objects.filter(pk=ticket.pk).update(
            created_at=at(day, 10),
            first_response_at=at(day, 13),
            first_response_breached_at=at(day, 14) if i == 2 else None,
        )
        survey = survey_for("csat", ticket=ticket)
        Survey.objects.filter(pk=survey.pk).update(score=3 + i, answered_at=at(day, 17))
    for i, day in enumerate(DAYS):
        survey = survey_for("nps", order=orders[i])
        Survey.objects.filter(pk=survey.pk).update(score=[10, 8, 3][i], answered_at=at(day, 17))

    # Hand-off ratings.
    for i, day in enumerate(DAYS):
        contract = Contract.objects.order_by("pk")[i]
        HandoffRating.objects.create(
            handoff="contract_review",
            content_type=ContentType.objects.get_for_model(Contract),
            object_id=contract.pk,
            score=i + 3,
            rated_by=finance,
            rated_at=at(day, 12),
        )
    return {
        "sales": people,
        "teams": (team_a, team_b),
        "manager": manager,
        "finance": finance,
        "invoices": invoices,
    }
