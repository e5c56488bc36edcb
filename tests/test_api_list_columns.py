"""API lists read the names they show from related records as columns of the page's query
(ltc.api.lists): each row carries the same value as the record's detail, the count joins
nothing, and a narrowed search keeps the columns."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ltc import paging
from roles.tests.factories import user_with
from tests.test_chain_links import api, make_chain

pytestmark = pytest.mark.django_db

# list endpoint -> the fields read through its relations
COLUMNS = {
    "leads": ("owner_name",),
    "opportunities": ("account_name", "owner_name"),
    "contracts": ("lead", "account_name", "owner_name"),
    "orders": ("account_name", "contract_number", "owner_name"),
    "invoices": ("account_name", "contract_number"),
}


def _row(client, resource: str, pk: int) -> dict:
    rows = client.get(f"/api/v1/{resource}/", {"page_size": 50}).json()["results"]
    return next(row for row in rows if row["id"] == pk)


@pytest.mark.parametrize("role", ["sales", "manager"])
def test_each_list_shows_what_the_detail_shows(role):
    seller = user_with("sales", username="li.na")
    chain = make_chain(seller=seller)
    client = api(seller if role == "sales" else user_with("manager"))
    records = {
        "leads": chain.lead,
        "opportunities": chain.opportunity,
        "contracts": chain.contract,
        "orders": chain.order,
        "invoices": chain.invoice,
    }
    for resource, record in records.items():
        detail = client.get(f"/api/v1/{resource}/{record.pk}/").json()
        row = _row(client, resource, record.pk)
        for field in COLUMNS[resource]:
            if field in detail:  # sales read an invoice's status fields only
                assert row[field] == detail[field], (resource, field)
    contract = _row(client, "contracts", chain.contract.pk)
    assert (contract["lead"], contract["owner_name"]) == (chain.lead.pk, "li.na")
    assert contract["account_name"] == chain.contract.account.name
    assert _row(client, "orders", chain.order.pk)["contract_number"] == chain.contract.number


@pytest.mark.parametrize("resource", sorted(COLUMNS))
def test_the_count_joins_no_table(resource):
    make_chain()
    client = api(user_with("manager"))
    for params in ({}, {"page": 1}):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(f"/api/v1/{resource}/", params)
        assert response.status_code == 200 and response.json()["count"] >= 1
        counts = [q["sql"] for q in queries if "COUNT(" in q["sql"].upper()]
        assert len(counts) == 1
        assert "JOIN" not in counts[0].upper(), counts[0]


def test_a_narrowed_lead_search_keeps_the_owner_name(monkeypatch):
    chain = make_chain(seller=user_with("sales", username="wang.fang"))
    # The planner expects few matches: the search is narrowed to the matching keys first.
    monkeypatch.setattr(paging, "planner_estimate", lambda queryset: 1)
    client = api(user_with("manager"))
    response = client.get("/api/v1/leads/", {"search": chain.lead.name[:4]})
    assert response.status_code == 200
    rows = {row["id"]: row for row in response.json()["results"]}
    assert rows[chain.lead.pk]["owner_name"] == "wang.fang"
