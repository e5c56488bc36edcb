"""The lead-to-cash forecast: each part recounted from the raw rows (opportunities,
milestones and their invoices, invoices and their payments) by an independent count in the
test; role scoping; bad parameters named in a 400; the page's chart data and table."""

from __future__ import annotations

import datetime
import json
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from billing import services as billing
from billing.models import Invoice, PaymentAllocation
from contracts.models import Contract, MilestoneTrigger, PaymentMilestone
from contracts.tests.factories import contract_in
from customers.tests.factories import AccountFactory
from kpis.forecast import lead_to_cash_forecast
from kpis.tests.test_api import names_parameter
from opportunities.models import Opportunity
from opportunities.tests.factories import opportunity_in
from orders.models import Order
from orders.services import order_create_from_contract
from roles.tests.factories import TeamFactory, UserFactory, user_with

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
CENT = Decimal("0.01")
OPEN = {"qualification", "needs_analysis", "proposal", "negotiation"}


def days(n: int) -> datetime.date:
    return TODAY + datetime.timedelta(days=n)


def month_of(day):
    """This month for anything earlier or undated, else the day's own month (YYYY-MM)."""
    if day is None or day < TODAY.replace(day=1):
        day = TODAY
    return day.strftime("%Y-%m")


def months_ahead(n=12) -> list[str]:
    out, first = [], TODAY.replace(day=1)
    for _i in range(n):
        out.append(first.strftime("%Y-%m"))
        first = (first + datetime.timedelta(days=32)).replace(day=1)
    return out


@pytest.fixture
def world():
    """Two salespeople (one in a team), opportunities in every stage and two currencies,
    signed contracts with milestones (un-invoiced, drafted, issued), and invoices with a
    year of payment history (on time and late) for two customers."""
    seller = user_with("sales")
    other = user_with("sales")
    team = TeamFactory(lead=user_with("sales"))
    team.members.add(seller)
    finance = user_with("finance")
    # --- pipeline
    for stage, close, amount, currency, owner in [
        ("qualification", days(-40), "10000", "CNY", seller),  # past close: this month
        ("proposal", days(3), "20000", "CNY", seller),
        ("negotiation", days(70), "33333.33", "CNY", seller),
        ("needs_analysis", None, "5000", "CNY", seller),  # undated: this month
        ("negotiation", days(500), "90000", "CNY", seller),  # beyond the horizon
        ("won", days(5), "70000", "CNY", seller),
        ("lost", days(5), "80000", "CNY", seller),
        ("proposal", days(10), "40000", "USD", seller),
        ("negotiation", days(40), "15000", "CNY", other),
    ]:
        opp = opportunity_in(stage, owner=owner, amount=Decimal(amount), currency=currency)
        Opportunity.objects.filter(pk=opp.pk).update(expected_close_date=close)
    # --- contracts and milestones
    account_a, account_b = AccountFactory(owner=seller), AccountFactory(owner=other)
    signed = contract_in("signed", owner=seller, account=account_a, unit_price="10000.00")
    signed.milestones.all().delete()
    plan = [
        ("deposit", MilestoneTrigger.ON_SIGNING, "3000.00", None, 30),  # issued below
        ("dated", MilestoneTrigger.ON_DATE, "2000.00", days(45), 30),
        ("delivery", MilestoneTrigger.ON_DELIVERY, "4000.00", None, 15),
        ("acceptance", MilestoneTrigger.ON_ACCEPTANCE, "1000.00", None, 10),  # drafted only
    ]
    for i, (name, trigger, amount, due, terms) in enumerate(plan):
        PaymentMilestone.objects.create(
            contract=signed,
            position=i,
            name=name,
            amount=Decimal(amount),
            trigger=trigger,
            due_date=due,
            payment_terms_days=terms,
        )
    order = order_create_from_contract(contract=signed, user=seller)
    Order.objects.filter(pk=order.pk).update(promised_delivery_date=days(20))
    deposit = billing.invoice_draft_from_milestone(milestone=signed.milestones.get(name="deposit"))
    billing.invoice_draft_from_milestone(milestone=signed.milestones.get(name="acceptance"))
    draft = contract_in("draft", owner=seller, account=account_a)  # not contracted yet
    other_signed = contract_in("signed", owner=other, account=account_b, unit_price="500.00")
    other_signed.milestones.update(trigger=MilestoneTrigger.ON_DATE, due_date=days(100))
    # --- invoices with history (issued in date order: numbers are gapless by issue date)
    history = [
        # account, issue (days ago), terms, paid (days after issue, None = unpaid), amount
        (account_a, 300, 30, 20, "1000.00"),  # on time
        (account_a, 250, 30, 45, "1000.00"),  # late
        (account_b, 200, 30, 10, "500.00"),  # on time
        (account_a, 100, 30, None, "800.00"),  # overdue, unpaid: late, and open
        (account_b, 20, 30, None, "1200.00"),  # open, due in 10 days
    ]
    for account, ago, terms, paid_after, amount in history:
        invoice = billing.invoice_create(
            user=finance,
            account=account,
            payment_terms_days=terms,
            lines=[{"description": "Service", "quantity": "1", "unit_price": amount}],
        )
        invoice = billing.invoice_issue(
            obj=invoice, user=finance, data={"issue_date": days(-ago).isoformat()}
        )
        if paid_after is not None:
            billing.payment_record(
                user=finance,
                account=account,
                amount=invoice.total,
                currency=invoice.currency,
                date=days(-ago + paid_after),
                allocations=[{"invoice": invoice.pk, "amount": str(invoice.total)}],
            )
    deposit = billing.invoice_issue(obj=deposit, user=finance, data={})
    billing.payment_record(
        user=finance,
        account=account_a,
        amount=Decimal("1000.00"),
        currency="CNY",
        allocations=[{"invoice": deposit.pk, "amount": "1000.00"}],
    )
    return {
        "seller": seller,
        "other": other,
        "team": team,
        "finance": finance,
        "manager": user_with("manager"),
        "draft": draft,
    }


# --- independent recounts ------------------------------------------------------------------
def recount_pipeline(owner_ids=None, currency="CNY") -> dict[str, Decimal]:
    out = defaultdict(Decimal)
    for o in Opportunity.objects.all():
        if o.stage not in OPEN or o.currency != currency:
            continue
        if owner_ids is not None and o.owner_id not in owner_ids:
            continue
        out[month_of(o.expected_close_date)] += o.amount * o.probability / 100
    return out


def recount_contracted(owner_ids=None) -> dict[str, Decimal]:
    out = defaultdict(Decimal)
    for m in PaymentMilestone.objects.select_related("contract"):
        c = m.contract
        if c.status != "signed" or c.superseded or c.currency != "CNY":
            continue
        if owner_ids is not None and c.owner_id not in owner_ids:
            continue
        statuses = set(Invoice.objects.filter(milestone=m).values_list("status", flat=True))
        if statuses - {"draft", "void"}:
            continue  # issued: it is in the invoiced part now
        if m.due_date:
            expected = m.due_date
        elif m.trigger in ("on_delivery", "on_acceptance"):
            promised = Order.objects.filter(contract=c).first().promised_delivery_date
            expected = max(promised, TODAY) + datetime.timedelta(days=m.payment_terms_days)
        else:
            expected = TODAY + datetime.timedelta(days=m.payment_terms_days)
        out[month_of(expected)] += m.amount
    return out


def on_time_share(account_id) -> Decimal:
    def tally(invoices):
        on_time = due = 0
        for inv in invoices:
            if inv.status in ("draft", "void") or inv.due_date is None:
                continue
            if not (TODAY - datetime.timedelta(days=365) <= inv.due_date < TODAY):
                continue
            due += 1
            dates = [
                a.payment.date
                for a in PaymentAllocation.objects.filter(invoice=inv).select_related("payment")
                if a.payment.status != "reversed"
            ]
            if inv.status == "paid" and dates and max(dates) <= inv.due_date:
                on_time += 1
        return on_time, due

    on_time, due = tally(Invoice.objects.filter(account_id=account_id))
    if not due:
        on_time, due = tally(Invoice.objects.all())
    return Decimal(on_time) / Decimal(due) if due else Decimal(1)


def recount_invoiced() -> dict[str, Decimal]:
    out = defaultdict(Decimal)
    for inv in Invoice.objects.all():
        if inv.status not in ("issued", "partially_paid", "overdue") or inv.balance <= 0:
            continue
        out[month_of(inv.due_date)] += inv.balance * on_time_share(inv.account_id)
    return out


def curve(data, part) -> dict[str, Decimal]:
    return {row["month"]: Decimal(str(row[part])) for row in data["months"]}


def expected_curve(raw: dict[str, Decimal]) -> dict[str, Decimal]:
    return {m: raw.get(m, Decimal(0)).quantize(CENT, ROUND_HALF_UP) for m in months_ahead()}


# --- the parts ------------------------------------------------------------------------------
def test_each_part_equals_its_recount_for_the_manager(world):
    data = lead_to_cash_forecast(user=world["manager"])
    assert curve(data, "pipeline") == expected_curve(recount_pipeline())
    assert curve(data, "contracted") == expected_curve(recount_contracted())
    assert curve(data, "invoiced") == expected_curve(recount_invoiced())
    for row in data["months"]:
        assert row["total"] == (row["pipeline"] + row["contracted"] + row["invoiced"])
    assert data["totals"]["total"] == sum((r["total"] for r in data["months"]), Decimal(0))


def test_the_recount_sees_what_the_fixture_set_up(world):
    """Guards the recounts against passing on empty data."""
    pipeline, contracted, invoiced = recount_pipeline(), recount_contracted(), recount_invoiced()
    # This month: the past-due and the undated deal, and the proposal closing in three days
    # when those days are still in this month (the first days of a month).
    this_month = Decimal("10000") * 10 / 100 + Decimal("5000") * 20 / 100
    if month_of(days(3)) == month_of(TODAY):
        this_month += Decimal("20000") * 50 / 100
    assert pipeline[month_of(TODAY)] == this_month
    assert contracted[month_of(days(45))] >= Decimal("2000.00")
    assert (
        sum(contracted.values())
        == Decimal("2000.00")
        + Decimal("4000.00")
        + Decimal("1000.00")
        + Contract.objects.get(owner=world["other"], status="signed").total
    )
    # account a: 1 on time of 3 due in the year; the overdue 800 counts a third
    a = Invoice.objects.filter(total=Decimal("800.00")).get()
    assert on_time_share(a.account_id) == Decimal(1) / Decimal(3)
    assert invoiced[month_of(None)] > 0 and sum(invoiced.values()) > 0


def test_currency_is_one_at_a_time(world):
    data = lead_to_cash_forecast(user=world["manager"], currency="USD")
    assert data["currency"] == "USD"
    assert curve(data, "pipeline") == expected_curve(recount_pipeline(currency="USD"))
    assert data["totals"]["contracted"] == data["totals"]["invoiced"] == Decimal("0.00")


# --- scoping --------------------------------------------------------------------------------
def test_a_salesperson_counts_only_their_own_deals_and_no_receivables(world):
    seller = world["seller"]
    data = lead_to_cash_forecast(user=seller)
    assert curve(data, "pipeline") == expected_curve(recount_pipeline({seller.pk}))
    assert curve(data, "contracted") == expected_curve(recount_contracted({seller.pk}))
    assert data["totals"]["invoiced"] == Decimal("0.00")


def test_the_team_lead_counts_the_team(world):
    lead = world["team"].lead
    data = lead_to_cash_forecast(user=lead)
    members = {lead.pk, world["seller"].pk}
    assert curve(data, "pipeline") == expected_curve(recount_pipeline(members))
    assert data["totals"]["pipeline"] > 0


def test_finance_sees_contracts_and_receivables_but_no_pipeline(world):
    data = lead_to_cash_forecast(user=world["finance"])
    assert data["totals"]["pipeline"] == Decimal("0.00")
    assert curve(data, "contracted") == expected_curve(recount_contracted())
    assert curve(data, "invoiced") == expected_curve(recount_invoiced())


def test_owner_and_team_filters(world):
    manager = world["manager"]
    data = lead_to_cash_forecast(user=manager, owner=world["other"].pk)
    assert curve(data, "pipeline") == expected_curve(recount_pipeline({world["other"].pk}))
    assert curve(data, "contracted") == expected_curve(recount_contracted({world["other"].pk}))
    data = lead_to_cash_forecast(user=manager, team=world["team"].pk)
    members = {world["team"].lead_id, world["seller"].pk}
    assert curve(data, "pipeline") == expected_curve(recount_pipeline(members))


# --- API and page ---------------------------------------------------------------------------
def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_api_answers_the_curve(world):
    response = api(world["manager"]).get("/api/v1/kpis/forecast/", {"months": 6, "format": "json"})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["currency"] == "CNY"
    assert [r["month"] for r in body["months"]] == months_ahead(6)
    raw = expected_curve(recount_pipeline())
    assert {r["month"]: Decimal(r["pipeline"]) for r in body["months"]} == {
        m: raw[m] for m in months_ahead(6)
    }


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"months": "0"}, "months"),
        ({"months": "abc"}, "months"),
        ({"currency": "XYZ"}, "currency"),
        ({"owner": "999999"}, "owner"),
        ({"team": "999999"}, "team"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_api_bad_parameters_are_named(world, params, field):
    response = api(world["manager"]).get("/api/v1/kpis/forecast/", params)
    assert response.status_code == 400
    assert names_parameter(response.json(), field)


def test_a_salesperson_may_not_ask_for_someone_else(world):
    response = api(world["seller"]).get("/api/v1/kpis/forecast/", {"owner": world["other"].pk})
    assert response.status_code == 400 and "owner" in response.json()
    response = api(world["other"]).get("/api/v1/kpis/forecast/", {"team": world["team"].pk})
    assert response.status_code == 400 and "team" in response.json()


@pytest.mark.parametrize("role", ["marketing", "operations", "service"])
def test_roles_without_a_forecast_are_refused(client, role):
    user = user_with(role)
    assert api(user).get("/api/v1/kpis/forecast/").status_code == 403
    client.force_login(user)
    assert client.get("/kpis/forecast/").status_code == 403


def test_page_has_chart_data_and_the_same_numbers_in_the_table(world, client):
    client.force_login(world["manager"])
    response = client.get("/kpis/forecast/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "vendor/chartjs/chart.umd.min.js" in html and "kpis/forecast.js" in html
    start = html.index('id="forecast-data"')
    payload = html[html.index(">", start) + 1 : html.index("</script>", start)]
    chart = json.loads(payload)
    assert chart["labels"] == months_ahead()
    pipeline = next(s for s in chart["series"] if s["key"] == "pipeline")
    raw = expected_curve(recount_pipeline())
    assert [Decimal(v) for v in pipeline["values"]] == [raw[m] for m in months_ahead()]
    for month in months_ahead():
        assert f'data-month="{month}"' in html
    bad = client.get("/kpis/forecast/", {"months": "99"})
    assert bad.status_code == 400 and 'data-testid="forecast-errors"' in bad.content.decode()


def test_superuser_page_and_static_script_exists(client):
    from django.contrib.staticfiles import finders

    client.force_login(UserFactory(is_superuser=True))
    assert client.get("/kpis/forecast/").status_code == 200
    pipeline_page = client.get("/opportunities/forecast/").content.decode()
    assert 'href="/kpis/forecast/"' in pipeline_page
    assert finders.find("kpis/forecast.js")
    assert finders.find("vendor/chartjs/chart.umd.min.js")


def test_in_openapi(client):
    client.force_login(UserFactory(is_superuser=True))
    paths = client.get("/api/schema/?format=json").json()["paths"]
    assert "/api/v1/kpis/forecast/" in paths
