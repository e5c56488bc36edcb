"""Field-level audit and GET …/{id}/history/: who changed which field from what to what, and
the transitions, oldest first, paginated, for the records the caller may see."""

from __future__ import annotations

import pytest
from django.apps import apps
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient

from billing.tests.factories import draft_invoice
from customers.tests.factories import AccountFactory
from leads.tests.factories import LeadFactory
from ltc.audit import is_audited
from roles.tests.factories import user_with

pytestmark = pytest.mark.django_db

AUDITED = [
    "customers.Account",
    "customers.Contact",
    "leads.Lead",
    "opportunities.Opportunity",
    "opportunities.Quote",
    "contracts.Contract",
    "orders.Order",
    "billing.Invoice",
    "billing.Payment",
    "catalog.Product",
]
WITH_HISTORY = [
    "accounts",
    "contacts",
    "products",
    "leads",
    "opportunities",
    "quotes",
    "contracts",
    "orders",
    "invoices",
    "payments",
    "tickets",
]


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.mark.parametrize("label", AUDITED)
def test_the_record_keeps_a_field_level_audit(label):
    assert is_audited(apps.get_model(label))


def test_every_record_resource_has_a_history_endpoint():
    paths = SchemaGenerator().get_schema(request=None, public=True)["paths"]
    for resource in WITH_HISTORY:
        operation = paths[f"/api/v1/{resource}/{{id}}/history/"]["get"]
        params = {p["name"] for p in operation["parameters"] if p["in"] == "query"}
        assert params == {"page", "page_size"}, resource
        body = operation["responses"]["200"]["content"]["application/json"]["schema"]
        assert body["$ref"].startswith("#/components/schemas/PaginatedHistoryEntry"), resource


def test_history_lists_the_creation_field_changes_and_transitions_oldest_first():
    seller = user_with("sales")
    client = api(seller)
    lead_id = LeadFactory(owner=seller, company="Acme", title="").pk
    patched = client.patch(f"/api/v1/leads/{lead_id}/", {"company": "Acme Ltd", "title": "CTO"})
    assert patched.status_code == 200, patched.content
    moved = client.post(f"/api/v1/leads/{lead_id}/transitions/start_work/", {"comment": "call"})
    assert moved.status_code == 200, moved.content

    body = client.get(f"/api/v1/leads/{lead_id}/history/").json()
    rows = body["results"]
    assert [row["kind"] for row in rows] == ["created", "changed", "transition"]
    assert body["count"] == 3
    assert rows[0]["by"] is None  # made outside a request: the system
    assert rows[1]["by"] == rows[2]["by"] == seller.pk
    assert rows[1]["by_name"] == seller.username
    changes = {c["field"]: (c["from"], c["to"]) for c in rows[1]["changes"]}
    assert changes["company"] == ("Acme", "Acme Ltd")
    assert changes["title"] == ("", "CTO")
    assert "status" not in changes and "updated_at" not in changes
    transition = rows[2]
    assert (transition["transition"], transition["from"], transition["to"]) == (
        "start_work",
        "new",
        "working",
    )
    assert transition["comment"] == "call"
    assert [row["at"] for row in rows] == sorted(row["at"] for row in rows)

    first = client.get(f"/api/v1/leads/{lead_id}/history/", {"page_size": 1, "page": 2}).json()
    assert first["count"] == 3 and [r["kind"] for r in first["results"]] == ["changed"]
    assert client.get(f"/api/v1/leads/{lead_id}/history/", {"x": 1}).status_code == 400


def test_history_of_a_record_the_caller_may_not_see_is_404():
    lead = LeadFactory(owner=user_with("sales"))
    response = api(user_with("sales")).get(f"/api/v1/leads/{lead.pk}/history/")
    assert response.status_code == 404
    assert response.json() == {"detail": "No Lead matches the given query."} or "detail" in (
        response.json()
    )


def test_sales_read_an_invoice_history_without_its_money_fields():
    seller, finance = user_with("sales"), user_with("finance")
    invoice = draft_invoice(account=AccountFactory(owner=seller), user=finance)
    fin = api(finance)
    edited = fin.patch(f"/api/v1/invoices/{invoice.pk}/", {"notes": "Wire only"})
    assert edited.status_code == 200, edited.content
    issued = fin.post(f"/api/v1/invoices/{invoice.pk}/transitions/issue/", {})
    assert issued.status_code == 200, issued.content
    full = fin.get(f"/api/v1/invoices/{invoice.pk}/history/").json()["results"]
    fields = {c["field"] for row in full for c in row["changes"]}
    assert {"notes", "number", "due_date"} <= fields
    partial = api(seller).get(f"/api/v1/invoices/{invoice.pk}/history/")
    assert partial.status_code == 200, partial.content
    fields = {c["field"] for row in partial.json()["results"] for c in row["changes"]}
    assert {"number", "due_date"} <= fields
    assert not fields & {"notes", "total", "balance", "amount_paid", "subtotal", "emailed_to"}


def test_the_account_page_shows_who_changed_which_field():
    seller = user_with("sales")
    account = AccountFactory(owner=seller, name="Old Name")
    client = api(seller)
    response = client.patch(f"/api/v1/accounts/{account.pk}/", {"name": "New Name"})
    assert response.status_code == 200, response.content
    client.force_login(seller)
    page = client.get(f"/customers/accounts/{account.pk}/").content.decode()
    assert 'data-testid="field-changes"' in page
    assert "Old Name" in page and "New Name" in page
    assert seller.username in page or seller.get_full_name() in page


def test_the_history_panel_shows_labels_and_yes_no_not_codes():
    from django.utils import translation

    from opportunities.models import Quote
    from opportunities.tests.factories import quote_in

    seller = user_with("sales")
    account = AccountFactory(owner=seller, industry="")
    client = api(seller)
    response = client.patch(f"/api/v1/accounts/{account.pk}/", {"industry": "manufacturing"})
    assert response.status_code == 200, response.content
    quote = quote_in("draft", opportunity__owner=seller, opportunity__account=account)
    quote.needs_manager_sign_off = True
    quote.save()
    assert Quote.history.filter(id=quote.pk).count() >= 2
    client.force_login(seller)
    with translation.override("zh-hans"):
        page = client.get(
            f"/customers/accounts/{account.pk}/", HTTP_ACCEPT_LANGUAGE="zh-hans"
        ).content.decode()
        assert "制造业" in page and ">manufacturing<" not in page
        page = client.get(quote.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    changes = page[page.index('data-testid="field-changes"') :]
    assert "False" not in changes and "True" not in changes
    assert "否" in changes and "是" in changes
