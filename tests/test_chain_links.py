"""Every link of the chain is one hop away in the API, and each relation has a filter.

A lead names its opportunity; an opportunity its quotes, contract and orders; a contract its
orders and invoices; an order its shipments; an invoice its payments (allocations) and credit
notes; a payment its allocations. `?lead=`, `?opportunity=`, `?contract=`, `?order=`,
`?invoice=` and `?account=` narrow the lists, and a record the caller may not see narrows them
to nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from billing import services as billing_services
from billing.models import Invoice
from billing.tests.factories import issued_invoice, pay
from customers.tests.factories import ContactFactory
from leads.models import Lead
from leads.tests.factories import lead_in
from opportunities.models import Opportunity
from orders.models import Shipment
from orders.tests.factories import order_in
from roles.tests.factories import user_with

pytestmark = pytest.mark.django_db


@dataclass
class Chain:
    lead: Lead
    opportunity: Opportunity
    quote: object
    contract: object
    order: object
    shipment: Shipment
    invoice: Invoice
    payment: object
    credit_note: object


def make_chain(*, seller=None, finance=None) -> Chain:
    seller = seller or user_with("sales")
    finance = finance or user_with("finance")
    order = order_in("in_fulfillment", owner=seller)
    contract = order.contract
    opportunity = contract.opportunity
    contact = ContactFactory(account=opportunity.account)
    lead = lead_in("converted", owner=seller, account=opportunity.account, contact=contact)
    Opportunity.objects.filter(pk=opportunity.pk).update(lead=lead)
    shipment = Shipment.objects.create(
        order=order, carrier="SF Express", tracking_number=f"SF{order.pk}", created_by=seller
    )
    invoice = issued_invoice(account=contract.account, user=finance)
    Invoice.objects.filter(pk=invoice.pk).update(contract=contract)
    payment = pay(invoice, "100.00", user=finance)
    note = billing_services.credit_note_issue(
        invoice=invoice, user=finance, amount="10.00", reason="Late delivery"
    )
    return Chain(
        lead=lead,
        opportunity=opportunity,
        quote=contract.quote,
        contract=contract,
        order=order,
        shipment=shipment,
        invoice=invoice,
        payment=payment,
        credit_note=note,
    )


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def get(client, url, params=None):
    response = client.get(url, params or {})
    assert response.status_code == 200, response.content
    return response.json()


def ids(body) -> set[int]:
    return {row["id"] for row in body["results"]}


def test_each_record_names_the_next_records_of_its_chain():
    chain = make_chain()
    client = api(user_with("manager"))

    lead = get(client, f"/api/v1/leads/{chain.lead.pk}/")
    assert lead["opportunity"] == chain.opportunity.pk
    assert lead["account"] == chain.opportunity.account_id
    assert chain.lead.contact_id is not None
    assert lead["contact"] == chain.lead.contact_id

    opportunity = get(client, f"/api/v1/opportunities/{chain.opportunity.pk}/")
    assert opportunity["lead"] == chain.lead.pk
    assert chain.quote.pk in opportunity["quotes"]
    assert opportunity["contract"] == chain.contract.pk
    assert opportunity["contracts"] == [chain.contract.pk]
    assert opportunity["orders"] == [chain.order.pk]

    contract = get(client, f"/api/v1/contracts/{chain.contract.pk}/")
    assert contract["orders"] == [chain.order.pk]
    assert contract["invoices"] == [chain.invoice.pk]
    assert [m["id"] for m in contract["milestones"]] == list(
        chain.contract.milestones.values_list("pk", flat=True)
    )

    order = get(client, f"/api/v1/orders/{chain.order.pk}/")
    assert order["contract"] == chain.contract.pk
    assert order["shipments"] == [chain.shipment.pk]

    invoice = get(client, f"/api/v1/invoices/{chain.invoice.pk}/")
    assert [(a["payment"], a["amount"]) for a in invoice["allocations"]] == [
        (chain.payment.pk, "100.00")
    ]
    assert [(c["id"], c["amount"]) for c in invoice["credit_notes"]] == [
        (chain.credit_note.pk, "10.00")
    ]

    payment = get(client, f"/api/v1/payments/{chain.payment.pk}/")
    assert [a["invoice"] for a in payment["allocations"]] == [chain.invoice.pk]


def test_the_lists_name_the_same_next_records_as_the_details():
    chain = make_chain()
    client = api(user_with("manager"))
    for resource, record, links in [
        ("opportunities", chain.opportunity, ["lead", "quotes", "contract"]),
        ("contracts", chain.contract, ["opportunity", "quote", "lead", "orders", "invoices"]),
        ("orders", chain.order, ["contract", "shipments"]),
    ]:
        detail = get(client, f"/api/v1/{resource}/{record.pk}/")
        (row,) = [r for r in get(client, f"/api/v1/{resource}/")["results"] if r["id"] == record.pk]
        assert {name: row[name] for name in links} == {name: detail[name] for name in links}
        # the list carries the columns; what only the record's page shows stays on the detail
        assert "lines" not in row and set(row) < set(detail)


def test_an_amended_contract_is_the_one_in_force():
    chain = make_chain()
    from contracts.models import Contract

    Contract.objects.filter(pk=chain.contract.pk).update(superseded=True)
    newer = Contract.objects.get(pk=chain.contract.pk)
    newer.pk = None
    newer.version = chain.contract.version + 1
    newer.superseded = False
    newer.amended_from_id = chain.contract.pk
    newer.save()
    client = api(user_with("manager"))
    body = get(client, f"/api/v1/opportunities/{chain.opportunity.pk}/")
    assert body["contract"] == newer.pk
    assert body["contracts"] == [chain.contract.pk, newer.pk]
    (row,) = get(client, "/api/v1/opportunities/", {"lead": chain.lead.pk})["results"]
    assert row["contract"] == newer.pk


FILTERS = [
    # (list, parameter, the chain's record the filter names, the chain's record listed)
    ("opportunities", "lead", "lead", "opportunity"),
    ("opportunities", "account", "opportunity.account", "opportunity"),
    ("quotes", "opportunity", "opportunity", "quote"),
    ("quotes", "lead", "lead", "quote"),
    ("contracts", "opportunity", "opportunity", "contract"),
    ("contracts", "lead", "lead", "contract"),
    ("contracts", "account", "contract.account", "contract"),
    ("orders", "contract", "contract", "order"),
    ("orders", "opportunity", "opportunity", "order"),
    ("orders", "lead", "lead", "order"),
    ("orders", "account", "order.account", "order"),
    ("shipments", "order", "order", "shipment"),
    ("shipments", "contract", "contract", "shipment"),
    ("invoices", "contract", "contract", "invoice"),
    ("invoices", "opportunity", "opportunity", "invoice"),
    ("invoices", "lead", "lead", "invoice"),
    ("invoices", "account", "invoice.account", "invoice"),
    ("invoices", "payment", "payment", "invoice"),
    ("payments", "invoice", "invoice", "payment"),
    ("payments", "contract", "contract", "payment"),
    ("payments", "account", "payment.account", "payment"),
    ("credit-notes", "invoice", "invoice", "credit_note"),
    ("credit-notes", "account", "invoice.account", "credit_note"),
    ("leads", "account", "lead.account", "lead"),
    ("contacts", "account", "lead.account", None),
]


def _attr(chain, path):
    value = chain
    for part in path.split("."):
        value = getattr(value, part)
    return value


@pytest.mark.parametrize(("resource", "param", "named", "listed"), FILTERS)
def test_a_relation_filter_lists_only_the_linked_records(resource, param, named, listed):
    manager = user_with("manager", "finance")
    mine, other = make_chain(), make_chain()
    client = api(manager)
    body = get(client, f"/api/v1/{resource}/", {param: _attr(mine, named).pk})
    if listed is None:
        assert body["count"] == 0 or all(r[param] == _attr(mine, named).pk for r in body["results"])
        return
    assert ids(body) == {_attr(mine, listed).pk}
    assert _attr(other, listed).pk not in ids(get(client, f"/api/v1/{resource}/", {param: 999999}))


def test_a_filter_on_a_record_the_caller_may_not_see_lists_nothing():
    seller, rival = user_with("sales"), user_with("sales")
    mine, theirs = make_chain(seller=seller), make_chain(seller=rival)
    client = api(seller)
    assert get(client, "/api/v1/opportunities/", {"lead": mine.lead.pk})["count"] == 1
    assert get(client, "/api/v1/opportunities/", {"lead": theirs.lead.pk})["count"] == 0
    assert get(client, "/api/v1/contracts/", {"lead": theirs.lead.pk})["count"] == 0
    assert get(client, "/api/v1/orders/", {"opportunity": theirs.opportunity.pk})["count"] == 0
    assert get(client, "/api/v1/quotes/", {"account": theirs.opportunity.account_id})["count"] == 0
    # The filter is refused, not ignored, where it makes no sense.
    response = client.get("/api/v1/opportunities/", {"lead": "abc"})
    assert response.status_code == 400 and "lead" in response.json()


@pytest.mark.parametrize(
    "resource",
    [
        "leads",
        "opportunities",
        "quotes",
        "contracts",
        "orders",
        "shipments",
        "invoices",
        "payments",
        "credit-notes",
    ],
)
def test_the_links_cost_a_fixed_number_of_queries_whatever_the_page_size(resource):
    manager = user_with("manager", "finance")
    for _ in range(3):
        make_chain()
    client = api(manager)
    counts = []
    for size in (1, 3):
        with CaptureQueriesContext(connection) as queries:
            body = get(client, f"/api/v1/{resource}/", {"page_size": size})
        assert len(body["results"]) == size
        counts.append(len(queries))
    assert counts[1] <= counts[0], counts
