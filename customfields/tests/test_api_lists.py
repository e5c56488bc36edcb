"""The `custom` object in every API list, as in the detail: only the fields the caller's role
may see, and the definitions read once per request whatever the page size."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from catalog.tests.factories import ProductFactory
from contracts.tests.factories import contract_in
from customers.tests.factories import AccountFactory, ContactFactory
from customfields.models import FieldType
from customfields.tests.factories import define
from feedback.tests.factories import ticket_in
from leads.tests.factories import LeadFactory
from opportunities.tests.factories import OpportunityFactory, quote_in
from orders.tests.factories import order_in
from roles.tests.factories import user_with

pytestmark = pytest.mark.django_db

MAKERS = {
    "lead": ("/api/v1/leads/", LeadFactory),
    "account": ("/api/v1/accounts/", AccountFactory),
    "contact": ("/api/v1/contacts/", ContactFactory),
    "product": ("/api/v1/products/", ProductFactory),
    "opportunity": ("/api/v1/opportunities/", OpportunityFactory),
    "quote": ("/api/v1/quotes/", lambda: quote_in("draft")),
    "contract": ("/api/v1/contracts/", lambda: contract_in("draft")),
    "order": ("/api/v1/orders/", lambda: order_in("pending")),
    "ticket": ("/api/v1/tickets/", lambda: ticket_in("open")),
}


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def make(record: str, count: int, **custom) -> list:
    _path, maker = MAKERS[record]
    made = []
    for _ in range(count):
        obj = maker()
        type(obj).objects.filter(pk=obj.pk).update(custom=dict(custom, n=obj.pk))
        made.append(obj)
    return made


@pytest.mark.parametrize("record", list(MAKERS))
def test_every_list_carries_the_custom_values_the_role_may_see(record):
    define(record, "margin", FieldType.DECIMAL, view_roles=["finance"])
    define(record, "region", FieldType.TEXT)
    define(record, "n", FieldType.INTEGER)
    made = make(record, 2, margin="12.5", region="华东")
    path, _maker = MAKERS[record]

    rows = client_for(user_with("manager")).get(path).json()["results"]
    assert {row["id"]: row["custom"] for row in rows} == {
        obj.pk: {"region": "华东", "n": obj.pk} for obj in made
    }
    assert "12.5" not in str(rows)

    rows = client_for(user_with("manager", "finance")).get(path).json()["results"]
    assert {row["id"]: row["custom"] for row in rows} == {
        obj.pk: {"margin": "12.5", "region": "华东", "n": obj.pk} for obj in made
    }


@pytest.mark.parametrize("record", ["lead", "opportunity", "contract", "order"])
def test_custom_in_the_list_costs_no_query_per_row(record, django_assert_max_num_queries):
    define(record, "region", FieldType.TEXT)
    define(record, "n", FieldType.INTEGER)
    make(record, 8, region="华东")
    path, _maker = MAKERS[record]
    client = client_for(user_with("manager"))
    counts = []
    for size in (2, 8):
        with CaptureQueriesContext(connection) as queries:
            answer = client.get(path, {"page_size": size})
        rows = answer.json()["results"]
        assert len(rows) == size and all(row["custom"]["region"] == "华东" for row in rows)
        counts.append(len(queries))
    assert counts[0] == counts[1], counts
    with django_assert_max_num_queries(counts[0]):
        client.get(path, {"page_size": 8})
