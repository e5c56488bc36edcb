"""The chain view: from any record of a deal, the whole deal with each record's states, when
each was entered, the time spent and who owns the next move, and the lead-to-cash cycle
time; role-scoped (404 for a record the caller may not see, hidden steps left out); a fixed
number of queries whatever the number of invoices and payments; in the API and OpenAPI."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from billing import services as billing
from billing.models import Invoice, Payment
from contracts.models import Contract
from contracts.services import contract_create_from_quote
from feedback.tests.factories import survey_for, ticket_in
from leads.tests.factories import lead_in
from ltc.models import TransitionLog
from opportunities.models import Quote
from opportunities.tests.factories import QuoteFactory, add_line, opportunity_in
from orders.models import Order, Shipment
from orders.services import order_create_from_contract
from roles.tests.factories import UserFactory, user_with

pytestmark = pytest.mark.django_db

T0 = timezone.now() - datetime.timedelta(days=60)


def log(record, source, target, days, by=None, transition="t"):
    return TransitionLog.objects.create(
        content_type=ContentType.objects.get_for_model(type(record)),
        object_id=record.pk,
        transition=transition,
        source=source,
        target=target,
        at=T0 + datetime.timedelta(days=days),
        by=by,
    )


def deal(invoices: int = 1, *, paid: bool = True):
    """A deal with a record at every step: lead → opportunity → quote → contract → order →
    shipment → `invoices` invoices each paid by its own payment → ticket and survey."""
    seller = user_with("sales", first_name="Li", last_name="Lei")
    finance = user_with("finance")
    lead = lead_in("converted", owner=seller)
    from leads.models import Lead

    Lead.objects.filter(pk=lead.pk).update(created_at=T0)
    opp = opportunity_in("won", owner=seller, lead=lead)
    log(opp, "qualification", "needs_analysis", 2, seller)
    log(opp, "needs_analysis", "won", 5, seller)
    quote = QuoteFactory(opportunity=opp)
    add_line(quote, quantity="1", unit_price="1000.00", tax_rate="0")
    Quote.objects.filter(pk=quote.pk).update(status="accepted")
    quote.refresh_from_db()
    contract = contract_create_from_quote(opportunity=opp, quote=quote, user=seller)
    Contract.objects.filter(pk=contract.pk).update(status="signed")
    contract.refresh_from_db()
    log(contract, "draft", "in_review", 6, seller)
    log(contract, "in_review", "approved", 8, finance)
    log(contract, "approved", "signed", 9, seller)
    order = order_create_from_contract(contract=contract, user=seller)
    Order.objects.filter(pk=order.pk).update(status="delivered", delivered_on=timezone.localdate())
    order.refresh_from_db()
    Shipment.objects.create(order=order, carrier="SF", tracking_number="SF1")
    for i in range(invoices):
        invoice = billing.invoice_create(
            user=finance,
            account=contract.account,
            contract=contract,
            currency=contract.currency,
            lines=[{"description": f"Part {i}", "quantity": "1", "unit_price": "100.00"}],
        )
        invoice = billing.invoice_issue(obj=invoice, user=finance, data={})
        if paid:
            billing.payment_record(
                user=finance,
                account=invoice.account,
                amount=invoice.total,
                currency=invoice.currency,
                allocations=[{"invoice": invoice.pk, "amount": str(invoice.total)}],
            )
    ticket = ticket_in("open", account=contract.account, order=order)
    survey = survey_for("nps", account=contract.account, order=order)
    return {
        "seller": seller,
        "finance": finance,
        "lead": lead,
        "opportunity": opp,
        "quote": quote,
        "contract": contract,
        "order": order,
        "shipment": order.shipments.get(),
        "invoice": Invoice.objects.filter(contract=contract).first(),
        "payment": Payment.objects.filter(allocations__invoice__contract=contract).first(),
        "ticket": ticket,
        "survey": survey,
    }


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def steps(body) -> dict[str, list]:
    return {s["step"]: s["records"] for s in body["steps"]}


RESOURCES = [
    "lead",
    "opportunity",
    "quote",
    "contract",
    "order",
    "shipment",
    "invoice",
    "payment",
    "ticket",
    "survey",
]


@pytest.mark.parametrize("resource", RESOURCES)
def test_every_record_of_the_deal_leads_to_the_same_chain(resource):
    d = deal(invoices=2)
    admin = UserFactory(is_superuser=True)
    response = api(admin).get(f"/api/v1/chain/{resource}/{d[resource].pk}/")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["opportunity"] == d["opportunity"].pk
    found = steps(body)
    assert [s["step"] for s in body["steps"]] == RESOURCES
    for name in RESOURCES:
        expected = 2 if name in ("invoice", "payment") else 1
        assert len(found[name]) == expected, name
    assert found["lead"][0]["id"] == d["lead"].pk
    assert found["contract"][0]["id"] == d["contract"].pk


def test_states_entered_time_spent_and_next_move():
    d = deal(paid=False)
    body = api(UserFactory(is_superuser=True)).get(f"/api/v1/chain/order/{d['order'].pk}/").json()
    contract = steps(body)["contract"][0]
    states = contract["states"]
    assert [s["state"] for s in states] == ["draft", "in_review", "approved", "signed"]
    # draft from creation to review, then 2 days in review, 1 day approved
    assert states[1]["seconds"] == 2 * 86400
    assert states[2]["seconds"] == 1 * 86400
    assert states[1]["by"] == "Li Lei"
    assert states[2]["by"] == d["finance"].username
    assert "Finance" in states[1]["next_roles"]  # who approves or rejects in review
    assert "Sales" not in states[1]["next_roles"]
    assert states[3]["current"] is True
    assert set(states[3]["next_roles"]) == {"System", "Manager"}  # complete / terminate
    opp = steps(body)["opportunity"][0]
    assert opp["state"] == "won"
    assert opp["states"][-1]["seconds"] is None  # won is final: no time accrues
    assert opp["states"][1]["seconds"] == 3 * 86400
    order = steps(body)["order"][0]
    assert order["next_roles"] == ["Sales", "Customer service"]  # the acceptance
    assert order["next_person"] == "Li Lei"


def test_cycle_time_runs_from_the_lead_to_the_last_invoice_paid():
    d = deal(invoices=3)
    paid = Invoice.objects.filter(contract=d["contract"]).values_list("paid_at", flat=True)
    body = api(UserFactory(is_superuser=True)).get(f"/api/v1/chain/lead/{d['lead'].pk}/").json()
    cycle = body["cycle_time"]
    assert cycle["complete"] is True
    assert cycle["seconds"] == int((max(paid) - T0).total_seconds())


def test_cycle_time_is_open_until_every_invoice_is_paid():
    d = deal(invoices=1, paid=False)
    body = api(UserFactory(is_superuser=True)).get(f"/api/v1/chain/lead/{d['lead'].pk}/").json()
    assert body["cycle_time"]["complete"] is False
    assert body["cycle_time"]["ended_at"] is None
    assert body["cycle_time"]["seconds"] >= 60 * 86400


def test_a_record_the_caller_may_not_see_is_404_in_api_and_page(client):
    d = deal()
    stranger = user_with("sales")
    assert api(stranger).get(f"/api/v1/chain/opportunity/{d['opportunity'].pk}/").status_code == 404
    assert api(stranger).get(f"/api/v1/chain/invoice/{d['invoice'].pk}/").status_code == 404
    client.force_login(stranger)
    assert client.get(f"/kpis/chain/contract/{d['contract'].pk}/").status_code == 404
    assert api(stranger).get("/api/v1/chain/widget/1/").status_code == 404


def test_each_step_lists_only_what_the_caller_may_see():
    d = deal()
    body = api(d["seller"]).get(f"/api/v1/chain/opportunity/{d['opportunity'].pk}/").json()
    found = steps(body)
    assert len(found["opportunity"]) == 1 and len(found["contract"]) == 1
    assert found["payment"] == []  # payments are finance's
    finance = api(d["finance"]).get(f"/api/v1/chain/payment/{d['payment'].pk}/").json()
    found = steps(finance)
    assert len(found["payment"]) == 1 and len(found["invoice"]) == 1
    assert found["opportunity"] == []  # finance does not see opportunities
    assert found["contract"][0]["id"] == d["contract"].pk


@pytest.mark.parametrize("size", [1, 6])
def test_bounded_queries_whatever_the_number_of_invoices_and_payments(size):
    d = deal(invoices=size)
    for user in (UserFactory(is_superuser=True), d["seller"], d["finance"]):
        client = api(user)
        client.get("/api/v1/chain/order/1/")  # warm the session and content types
        with CaptureQueriesContext(connection) as queries:
            response = client.get(f"/api/v1/chain/contract/{d['contract'].pk}/")
        assert response.status_code in (200, 404)
        assert len(queries) < 20, (user, len(queries))
    found = steps(
        api(UserFactory(is_superuser=True))
        .get(f"/api/v1/chain/contract/{d['contract'].pk}/")
        .json()
    )
    assert len(found["invoice"]) == len(found["payment"]) == size


@pytest.mark.parametrize("size", [1, 6])
def test_page_bounded_queries_and_content(client, django_assert_max_num_queries, size):
    d = deal(invoices=size)
    client.force_login(UserFactory(is_superuser=True))
    client.get(f"/kpis/chain/lead/{d['lead'].pk}/")
    with django_assert_max_num_queries(19):
        response = client.get(f"/kpis/chain/lead/{d['lead'].pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="cycle-time"' in html
    for name in RESOURCES:
        assert f'data-step="{name}"' in html
    assert html.count('data-record="invoice-') == size
    assert d["contract"].get_absolute_url() in html


def test_record_pages_link_to_the_chain(client):
    d = deal()
    client.force_login(UserFactory(is_superuser=True))
    for name in ("lead", "opportunity", "quote", "contract", "order", "invoice", "ticket"):
        page = client.get(d[name].get_absolute_url()).content.decode()
        assert f"/kpis/chain/{name}/{d[name].pk}/" in page, name
    page = client.get(f"/billing/payments/{d['payment'].pk}/").content.decode()
    assert f"/kpis/chain/payment/{d['payment'].pk}/" in page


def test_in_openapi(client):
    client.force_login(UserFactory(is_superuser=True))
    schema = client.get("/api/schema/?format=json").json()
    assert "/api/v1/chain/{resource}/{record_id}/" in schema["paths"]


def test_a_record_without_a_deal_is_its_own_chain():
    lead = lead_in("working")
    admin = UserFactory(is_superuser=True)
    body = api(admin).get(f"/api/v1/chain/leads/{lead.pk}/").json()
    assert body["opportunity"] is None
    found = steps(body)
    assert [r["id"] for r in found["lead"]] == [lead.pk]
    assert all(found[name] == [] for name in RESOURCES if name != "lead")
    assert body["cycle_time"]["seconds"] is None
    assert found["lead"][0]["next_roles"]  # a working lead waits on sales (or marketing)


def test_lead_to_cash_kpi_is_the_chain_cycle_time_of_each_completed_deal():
    """The rollup's lead-to-cash snapshots equal a recount from the raw rows: for each deal
    whose contract completed on the day, lead created → its last invoice paid, in days."""
    from django.db.models import Max

    from kpis.models import KpiSnapshot
    from kpis.rollup import rollup

    done = [deal(invoices=2), deal(invoices=1)]
    open_deal = deal(invoices=1, paid=False)  # its contract has not completed
    today = timezone.localdate()
    completed = {}
    for i, d in enumerate(done):
        at = timezone.now() - datetime.timedelta(days=i)
        Contract.objects.filter(pk=d["contract"].pk).update(status="completed", completed_at=at)
        completed[d["contract"].pk] = at
    rollup(today - datetime.timedelta(days=3), today, today=today)

    got = {
        (s.day, s.owner_id): (s.numerator, s.denominator)
        for s in KpiSnapshot.objects.filter(metric="lead_to_cash")
    }
    want = {}
    for d in done:
        last = Invoice.objects.filter(contract=d["contract"]).aggregate(m=Max("paid_at"))["m"]
        days = round((last - T0).total_seconds() / 86400, 4)
        day = timezone.localdate(completed[d["contract"].pk])
        want[(day, Contract.objects.get(pk=d["contract"].pk).owner_id)] = (days, 1)
    assert set(got) == set(want), (got, want)
    for key, (days, one) in want.items():
        assert abs(float(got[key][0]) - days) < 0.001 and got[key][1] == one
    assert Contract.objects.get(pk=open_deal["contract"].pk).owner_id not in {o for _d, o in got}
    # The same figure the chain view gives the deal.
    body = api(UserFactory(is_superuser=True)).get(f"/api/v1/chain/lead/{done[1]['lead'].pk}/")
    seconds = body.json()["cycle_time"]["seconds"]
    contract = Contract.objects.get(pk=done[1]["contract"].pk)
    snapshot = got[(timezone.localdate(completed[contract.pk]), contract.owner_id)]
    assert abs(float(snapshot[0]) * 86400 - seconds) < 10
