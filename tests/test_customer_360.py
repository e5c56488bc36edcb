"""The account's customer 360: every later stage's section on the account page and in
`GET /api/v1/accounts/{id}/summary/`, scoped to what the viewer may see, in a fixed number
of SQL queries however much the account has."""

from __future__ import annotations

import datetime
import html
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from activities.services import activity_create
from billing.tests.factories import invoice_in, pay
from customers.tests.factories import AccountFactory
from feedback.models import Survey
from feedback.tests.factories import survey_for, ticket_in
from opportunities.tests.factories import opportunity_in
from orders.models import Shipment
from orders.tests.factories import order_in
from roles.tests.factories import TeamFactory, user_with

pytestmark = pytest.mark.django_db


def grow(account, owner, n: int) -> None:
    """Give the account `n` of everything: deals through to orders (with a shipment each),
    open and lost opportunities, an overdue and a paid invoice, tickets and answered
    surveys."""
    for _ in range(n):
        order = order_in("shipped", account=account, owner=owner, lines=1)
        Shipment.objects.create(order=order, carrier="SF", tracking_number=f"SF{order.pk}")
        opportunity_in("proposal", account=account, owner=owner)
        opportunity_in("lost", account=account, owner=owner)
        invoice_in("overdue", account=account)
        pay(invoice_in("issued", account=account), "1130.00")
        ticket_in("open", account=account)
        survey = survey_for("nps", account=account, email=f"b{Survey.objects.count()}@x.cn")
        Survey.objects.filter(pk=survey.pk).update(score=9, answered_at=timezone.now())
        survey = survey_for("csat", account=account, email=f"c{Survey.objects.count()}@x.cn")
        Survey.objects.filter(pk=survey.pk).update(score=4, answered_at=timezone.now())


@pytest.fixture
def world():
    owner = user_with("sales", first_name="Li", last_name="Wei")
    team = TeamFactory(name="East sales")
    team.members.add(owner)
    account = AccountFactory(owner=owner, name="上海明辉制造有限公司")
    grow(account, owner, 2)
    return {"owner": owner, "account": account, "team": team}


def page(client, user, account):
    client.force_login(user)
    response = client.get(reverse("customers:account-detail", args=[account.pk]))
    assert response.status_code == 200
    return html.unescape(response.content.decode())


def summary(user, account, status=200):
    api = APIClient()
    api.force_authenticate(user)
    response = api.get(f"/api/v1/accounts/{account.pk}/summary/")
    assert response.status_code == status, response.content
    return response.json()


def test_manager_sees_every_section_with_figures(client, world):
    manager = user_with("manager")
    account = world["account"]
    body = page(client, manager, account)
    for key in ("opportunities", "quotes", "contracts", "orders", "invoices", "payments"):
        assert f'data-testid="summary-{key}"' in body
    assert 'data-testid="summary-tickets"' in body
    assert 'data-testid="summary-surveys"' in body
    assert "East sales" in body
    # two overdue invoices of 1130.00 each, two issued ones paid in full
    assert "¥2,260.00" in body
    assert f"/billing/invoices/?account={account.pk}" in body

    data = summary(manager, account)
    sections = data["sections"]
    assert data["team"]["name"] == "East sales"
    assert data["owner"] == world["owner"].pk
    assert sections["opportunities"]["open"] == 2
    assert sections["opportunities"]["won"] == 2
    assert sections["opportunities"]["lost"] == 2
    assert sections["opportunities"]["count"] == 6
    assert len(sections["opportunities"]["items"]) == 5
    assert sections["contracts"]["count"] == 2
    assert sections["contracts"]["items"][0]["plan_status"] == "complete"
    assert sections["orders"]["shipments_count"] == 2
    invoices = sections["invoices"]
    assert invoices["count"] == 4 and invoices["overdue"] == 2 and invoices["open"] == 2
    assert invoices["open_balance"] == [{"currency": "CNY", "amount": "2260.00"}]
    assert invoices["overdue_amount"] == [{"currency": "CNY", "amount": "2260.00"}]
    assert sections["payments"]["received"] == [{"currency": "CNY", "amount": "2260.00"}]
    assert sections["tickets"]["open"] == 2
    assert sections["surveys"]["latest_nps"]["score"] == 9
    assert sections["surveys"]["latest_csat"]["score"] == 4
    assert sections["invoices"]["list_url"] == f"/billing/invoices/?account={account.pk}"


def test_sales_owner_sees_invoice_states_without_amounts(client, world):
    owner, account = world["owner"], world["account"]
    data = summary(owner, account)
    invoices = data["sections"]["invoices"]
    assert invoices["count"] == 4 and invoices["overdue"] == 2
    assert invoices["money"] is False
    assert invoices["open_balance"] is None and invoices["overdue_amount"] is None
    assert {i["total"] for i in invoices["items"]} == {None}
    assert "payments" not in data["sections"]  # finance and the manager only
    body = page(client, owner, account)
    assert 'data-testid="summary-invoices"' in body
    assert 'data-testid="open-balance"' not in body
    assert 'data-testid="summary-payments"' not in body


def test_marketing_sees_no_deal_sections(client, world):
    marketing = user_with("marketing")
    data = summary(marketing, world["account"])
    assert set(data["sections"]) == {"invoices"}
    assert data["sections"]["invoices"]["open_balance"] is None
    body = page(client, marketing, world["account"])
    assert 'data-testid="summary-opportunities"' not in body
    assert 'data-testid="summary-contracts"' not in body


def test_other_salesperson_gets_404(world):
    summary(user_with("sales"), world["account"], status=404)


def test_section_lists_only_what_the_viewer_may_see(world):
    """A colleague's deal on the same account is counted for neither the section nor the
    list (sales see their team's opportunities only)."""
    account, owner = world["account"], world["owner"]
    opportunity_in("proposal", account=account, owner=user_with("sales"))
    data = summary(owner, account)
    assert data["sections"]["opportunities"]["open"] == 2
    assert summary(user_with("manager"), account)["sections"]["opportunities"]["open"] == 3


def test_last_activity_follows_activities_on_the_account_records(world):
    account, owner = world["account"], world["owner"]
    opp = opportunity_in("proposal", account=account, owner=owner)
    activity = activity_create(record=opp, owner=owner, kind="call", subject="Budget call")
    account.refresh_from_db()
    assert account.last_activity_at == activity.created_at
    assert summary(owner, account)["last_activity_at"] is not None


@pytest.mark.parametrize("role", ["manager", "sales"])
def test_query_count_is_fixed_as_the_account_grows(client, django_assert_max_num_queries, role):
    owner = user_with("sales")
    small, large = AccountFactory(owner=owner), AccountFactory(owner=owner)
    grow(small, owner, 1)
    grow(large, owner, 4)
    viewer = owner if role == "sales" else user_with("manager")
    client.force_login(viewer)
    api = APIClient()
    api.force_authenticate(viewer)
    # a first request fills the per-process caches (content types, permissions)
    client.get(reverse("customers:account-detail", args=[small.pk]))
    api.get(f"/api/v1/accounts/{small.pk}/summary/")
    counts = {}
    for account in (small, large):
        with CaptureQueriesContext(connection) as page_queries:
            assert (
                client.get(reverse("customers:account-detail", args=[account.pk])).status_code
                == 200
            )
        with CaptureQueriesContext(connection) as api_queries:
            assert api.get(f"/api/v1/accounts/{account.pk}/summary/").status_code == 200
        counts[account.pk] = (len(page_queries), len(api_queries))
    assert counts[small.pk] == counts[large.pk], counts
    with django_assert_max_num_queries(counts[small.pk][0]):
        client.get(reverse("customers:account-detail", args=[large.pk]))
    assert counts[small.pk][1] <= 40


def test_summary_schema_names_every_section(client):
    client.force_login(user_with("manager"))
    schema = client.get("/api/schema/?format=json").json()
    path = schema["paths"]["/api/v1/accounts/{id}/summary/"]["get"]
    ref = path["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
    sections_ref = schema["components"]["schemas"][ref.split("/")[-1]]["properties"]["sections"]
    name = (sections_ref.get("$ref") or sections_ref["allOf"][0]["$ref"]).split("/")[-1]
    keys = set(schema["components"]["schemas"][name]["properties"])
    assert keys == {
        "opportunities",
        "quotes",
        "contracts",
        "orders",
        "invoices",
        "payments",
        "tickets",
        "surveys",
    }


def test_full_lists_filter_by_account(client, world):
    manager = user_with("manager")
    other = AccountFactory(name="Other Co")
    invoice_in("issued", account=other)
    client.force_login(manager)
    account = world["account"]
    for name in (
        "opportunities:list",
        "contracts:list",
        "orders:list",
        "billing:invoice-list",
        "billing:payment-list",
        "feedback:ticket-list",
    ):
        response = client.get(f"{reverse(name)}?account={account.pk}")
        assert response.status_code == 200, name
        assert response.context["page"].paginator.count >= 1, name
        for row in response.context["page"].object_list:
            assert row.account_id == account.pk, name
    assert client.get(f"{reverse('billing:invoice-list')}?account=abc").status_code == 200


def test_overdue_amount_leaves_out_invoices_not_yet_due(world):
    account = world["account"]
    invoice_in("issued", account=account)  # due in 30 days: open, not overdue
    invoices = summary(user_with("finance"), account)["sections"]["invoices"]
    assert invoices["open_balance"] == [{"currency": "CNY", "amount": "3390.00"}]
    assert invoices["overdue_amount"] == [{"currency": "CNY", "amount": "2260.00"}]
    assert Decimal(invoices["open_balance"][0]["amount"]) > datetime.date.today().day
