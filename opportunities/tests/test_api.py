"""The opportunities, quotes, quote-lines, lost-reasons and forecast API: bad input as field
errors, server-side totals, the rules named in 400s, visibility, the whole flow from a
converted lead to a won deal, the schema, and bounded queries."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from guardian.shortcuts import assign_perm
from rest_framework.test import APIClient

from catalog.tests.factories import ProductFactory
from leads.models import LeadStatus
from leads.tests.factories import lead_in
from opportunities import services
from opportunities.models import LostReason, Opportunity, Quote, QuoteLine
from opportunities.tests.factories import OpportunityFactory, opportunity_in, quote_in
from roles.tests.factories import user_with

pytestmark = pytest.mark.django_db


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def team():
    sales = user_with("sales")
    support = user_with("sales_support")
    opp = opportunity_in("needs_analysis", owner=sales)
    services.opportunity_assign_team(opportunity=opp, user=sales, solution_owner=support)
    quote = services.quote_create(opportunity=opp, user=support)
    return {"sales": sales, "support": support, "opp": opp, "quote": quote}


# --- lines: bad input and server-side totals --------------------------------------------------


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("quantity", "-1"),
        ("quantity", "0"),
        ("discount_pct", "100.5"),
        ("discount_pct", "-1"),
        ("unit_price", "-3"),
        ("quantity", "abc"),
    ],
)
def test_bad_line_is_400_with_the_field_error(team, field, value):
    product = ProductFactory()
    body = {"quote": team["quote"].pk, "product": product.pk, "quantity": "1", field: value}
    response = api(team["support"]).post("/api/v1/quote-lines/", body, format="json")
    assert response.status_code == 400, response.content
    assert field in response.json()
    assert not QuoteLine.objects.exists()


def test_product_in_another_currency_is_400_on_product(team):
    product = ProductFactory(currency="USD")
    body = {"quote": team["quote"].pk, "product": product.pk, "quantity": "1"}
    response = api(team["support"]).post("/api/v1/quote-lines/", body, format="json")
    assert response.status_code == 400
    assert "USD" in response.json()["product"][0]


def test_totals_are_computed_by_the_server_never_taken_from_the_client(team):
    product = ProductFactory(price=Decimal("10.00"), tax_rate=Decimal("6"))
    body = {
        "quote": team["quote"].pk,
        "product": product.pk,
        "quantity": "3",
        "discount_pct": "10",
        "gross": "1.00",
        "total": "0.01",
        "tax_amount": "999",
    }
    response = api(team["support"]).post("/api/v1/quote-lines/", body, format="json")
    assert response.status_code == 201, response.content
    line = response.json()
    assert (line["gross"], line["discount_amount"], line["tax_amount"], line["total"]) == (
        "30.00",
        "3.00",
        "1.62",
        "28.62",
    )
    response = api(team["support"]).patch(
        f"/api/v1/quotes/{team['quote'].pk}/",
        {"total": "1.00", "subtotal": "5", "notes": "hello"},
        format="json",
    )
    assert response.status_code == 200
    quote = response.json()
    assert (quote["subtotal"], quote["discount_total"], quote["tax_total"], quote["total"]) == (
        "30.00",
        "3.00",
        "1.62",
        "28.62",
    )
    assert quote["notes"] == "hello"
    assert quote["lines"][0]["id"] == line["id"]
    # edit and delete lines through the resource
    line_url = f"/api/v1/quote-lines/{line['id']}/"
    assert (
        api(team["support"]).patch(line_url, {"quantity": "1"}, format="json").json()["total"]
        == "9.54"
    )
    assert api(team["support"]).delete(line_url).status_code == 204
    assert Quote.objects.get(pk=team["quote"].pk).total == Decimal("0")


def test_status_and_stage_are_read_only(team):
    response = api(team["support"]).patch(
        f"/api/v1/quotes/{team['quote'].pk}/", {"status": "approved"}, format="json"
    )
    assert response.status_code == 200
    assert Quote.objects.get(pk=team["quote"].pk).status == "draft"
    response = api(team["sales"]).patch(
        f"/api/v1/opportunities/{team['opp'].pk}/", {"stage": "won", "probability": 40}
    )
    assert response.status_code == 200
    opp = Opportunity.objects.get(pk=team["opp"].pk)
    assert (opp.stage, opp.probability) == ("needs_analysis", 40)


def test_lines_of_a_submitted_quote_are_400(team):
    ProductFactory()
    services.quote_line_add(
        quote=team["quote"], user=team["support"], product=ProductFactory(), quantity=1
    )
    api(team["support"]).post(f"/api/v1/quotes/{team['quote'].pk}/transitions/submit/")
    line = QuoteLine.objects.get()
    response = api(team["support"]).patch(
        f"/api/v1/quote-lines/{line.pk}/", {"quantity": "9"}, format="json"
    )
    assert response.status_code == 400
    assert QuoteLine.objects.get().quantity == 1


# --- the rules, named in the 400 -----------------------------------------------------------


def test_propose_without_an_approved_quote_is_400_naming_the_rule(team):
    url = f"/api/v1/opportunities/{team['opp'].pk}/transitions/propose/"
    response = api(team["sales"]).post(url)
    assert response.status_code == 400
    assert "approved quote" in response.json()["quote"][0]
    assert Opportunity.objects.get(pk=team["opp"].pk).stage == "needs_analysis"


def test_win_without_an_accepted_quote_is_400_naming_the_rule(team):
    opp = opportunity_in("negotiation", owner=team["sales"])
    quote_in("approved", opportunity=opp)
    response = api(team["sales"]).post(f"/api/v1/opportunities/{opp.pk}/transitions/win/")
    assert response.status_code == 400
    assert "accepted quote" in response.json()["quote"][0]
    assert Opportunity.objects.get(pk=opp.pk).stage == "negotiation"


def test_lose_without_a_reason_is_400(team):
    url = f"/api/v1/opportunities/{team['opp'].pk}/transitions/lose/"
    response = api(team["sales"]).post(url, {}, format="json")
    assert response.status_code == 400 and "lost_reason" in response.json()


# --- the flow of the "done when", through the API -----------------------------------


def test_converted_lead_to_won_deal_through_the_api():
    sales, support, manager = user_with("sales"), user_with("sales_support"), user_with("manager")
    lead = lead_in(LeadStatus.QUALIFIED, owner=sales, budget=Decimal("80000"))
    assert api(sales).post(f"/api/v1/leads/{lead.pk}/transitions/convert/").status_code == 200
    (opp,) = api(sales).get("/api/v1/opportunities/").json()["results"]
    assert opp["amount"] == "80000.00" and opp["stage"] == "qualification"
    base = f"/api/v1/opportunities/{opp['id']}/"
    assert api(sales).post(f"{base}transitions/analyze/").json()["probability"] == 20
    team = api(sales).post(f"{base}assign-team/", {"solution_owner": support.pk}, format="json")
    assert team.status_code == 200 and team.json()["solution_owner"] == support.pk

    quote = api(support).post("/api/v1/quotes/", {"opportunity": opp["id"]}, format="json")
    assert quote.status_code == 201, quote.content
    qid = quote.json()["id"]
    product = ProductFactory(price=Decimal("40000.00"))
    line = api(support).post(
        "/api/v1/quote-lines/",
        {"quote": qid, "product": product.pk, "quantity": "2", "discount_pct": "15"},
        format="json",
    )
    assert line.status_code == 201, line.content
    q = f"/api/v1/quotes/{qid}/transitions/"
    submitted = api(support).post(f"{q}submit/").json()
    assert submitted["status"] == "pending_approval"
    assert submitted["missing_sign_offs"] == ["manager"]
    assert api(sales).post(f"{base}transitions/propose/").status_code == 400
    approved = api(manager).post(f"{q}approve/", {"comment": "ok for a reference customer"})
    assert approved.json()["status"] == "approved"
    assert approved.json()["sign_offs"][0]["role"] == "manager"
    assert api(sales).post(f"{base}transitions/propose/").json()["stage"] == "proposal"
    assert api(sales).post(f"{q}send/").json()["status"] == "sent"
    assert api(sales).post(f"{q}accept/").json()["status"] == "accepted"
    assert api(sales).post(f"{base}transitions/negotiate/").status_code == 200
    won = api(sales).post(f"{base}transitions/win/").json()
    assert (won["stage"], won["probability"]) == ("won", 100)


def test_finance_signs_a_deep_discount_through_the_api(team):
    manager, finance = user_with("manager"), user_with("finance")
    services.quote_line_add(
        quote=team["quote"],
        user=team["support"],
        product=ProductFactory(),
        quantity=1,
        discount_pct=Decimal("25"),
    )
    q = f"/api/v1/quotes/{team['quote'].pk}/"
    assert api(finance).get(q).status_code == 404  # not needed yet
    api(team["support"]).post(f"{q}transitions/submit/")
    assert api(finance).get(q).json()["missing_sign_offs"] == ["manager", "finance"]
    first = api(finance).post(f"{q}transitions/sign_off/", {"comment": "margin checked"})
    assert first.status_code == 200 and first.json()["status"] == "pending_approval"
    again = api(finance).post(f"{q}transitions/sign_off/")
    assert again.status_code == 400
    done = api(manager).post(f"{q}transitions/approve/").json()
    assert done["status"] == "approved"
    assert [(s["role"], s["decision"]) for s in done["sign_offs"]] == [
        ("finance", "approved"),
        ("manager", "approved"),
    ]


def test_revise_through_the_api_keeps_the_old_version(team):
    old = quote_in("declined", opportunity=team["opp"])
    response = api(team["support"]).post(f"/api/v1/quotes/{old.pk}/revise/")
    assert response.status_code == 201
    body = response.json()
    assert body["revised_from"] == old.pk and body["status"] == "draft"
    assert len(body["lines"]) == 1
    old_body = api(team["sales"]).get(f"/api/v1/quotes/{old.pk}/").json()
    assert old_body["superseded"] and old_body["status"] == "declined"
    assert api(team["support"]).post(f"/api/v1/quotes/{old.pk}/revise/").status_code == 400


# --- visibility, lost reasons, forecast ------------------------------------------------------


def test_quote_of_an_invisible_opportunity_cannot_be_created(team):
    other = OpportunityFactory()
    response = api(team["support"]).post(
        "/api/v1/quotes/", {"opportunity": other.pk}, format="json"
    )
    assert response.status_code == 400 and "opportunity" in response.json()
    response = api(team["sales"]).post(
        "/api/v1/quotes/", {"opportunity": team["opp"].pk}, format="json"
    )
    assert response.status_code == 403


def test_lost_reasons_are_edited_by_a_manager_only(team):
    assert api(team["sales"]).get("/api/v1/lost-reasons/").json()["count"] >= 5
    body = {"name": "Merger", "active": True, "position": 9}
    assert api(team["sales"]).post("/api/v1/lost-reasons/", body).status_code == 403
    assert api(user_with("manager")).post("/api/v1/lost-reasons/", body).status_code == 201
    assert LostReason.objects.filter(name="Merger").exists()


def test_forecast_endpoint(team):
    OpportunityFactory(
        owner=team["sales"], amount=Decimal("1000"), expected_close_date=datetime.date(2029, 1, 5)
    )
    response = api(team["sales"]).get("/api/v1/forecast/")
    assert response.status_code == 200
    rows = {r["month"]: r for r in response.json()}
    assert rows["2029-01"]["weighted"] == "100.00" and rows["2029-01"]["currency"] == "CNY"
    assert api(team["sales"]).get("/api/v1/forecast/", {"owner": "x"}).status_code == 400
    assert api(user_with("finance")).get("/api/v1/forecast/").json() == []


def test_opportunity_filters(team):
    march = OpportunityFactory(owner=team["sales"], expected_close_date=datetime.date(2027, 3, 1))
    client = api(team["sales"])
    ids = [
        r["id"]
        for r in client.get("/api/v1/opportunities/", {"close_month": "2027-03"}).json()["results"]
    ]
    assert ids == [march.pk]
    staged = client.get("/api/v1/opportunities/", {"stage": "needs_analysis"}).json()["results"]
    assert [r["id"] for r in staged] == [team["opp"].pk]


def test_schema_lists_the_stage_2_endpoints():
    client = api(user_with("sales"))
    response = client.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    paths = response.json()["paths"]
    for path in (
        "/api/v1/opportunities/",
        "/api/v1/opportunities/{id}/transitions/{name}/",
        "/api/v1/opportunities/{id}/assign-team/",
        "/api/v1/quotes/",
        "/api/v1/quotes/{id}/transitions/",
        "/api/v1/quotes/{id}/revise/",
        "/api/v1/quote-lines/",
        "/api/v1/forecast/",
        "/api/v1/lost-reasons/",
    ):
        assert path in paths, path


# --- bounded queries ------------------------------------------------------------------------


def _count(user, url, params):
    from django.contrib.auth import get_user_model

    client = api(get_user_model().objects.get(pk=user.pk))  # a fresh request's user
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params)
    assert response.status_code == 200, response.content
    return len(ctx.captured_queries), response.json()


@pytest.mark.parametrize("role", ["sales", "sales_support", "manager"])
def test_lists_run_a_fixed_number_of_queries(role):
    user = user_with(role)
    support = user_with("sales_support")
    manager = user_with("manager")
    for i in range(30):
        opp = OpportunityFactory(
            owner=user if role == "sales" else user_with("sales"),
            solution_owner=user if role == "sales_support" else support,
        )
        if i % 4 == 0:
            assign_perm("opportunities.view_opportunity", user, opp)
        quote = quote_in("pending_approval", opportunity=opp, manager=True)
        from opportunities.models import QuoteSignOff

        QuoteSignOff.objects.create(quote=quote, role="manager", user=manager, decision="approved")
    for url in ("/api/v1/opportunities/", "/api/v1/quotes/", "/api/v1/quote-lines/"):
        small, body_small = _count(user, url, {"page_size": 3})
        large, body_large = _count(user, url, {"page_size": 25})
        assert len(body_small["results"]) == 3 and len(body_large["results"]) == 25, url
        assert small == large, url
        assert large <= 8, url
    few, _ = _count(user, "/api/v1/forecast/", {})
    for _i in range(10):
        OpportunityFactory(
            owner=user if role == "sales" else user_with("sales"),
            solution_owner=user if role == "sales_support" else support,
            expected_close_date=datetime.date(2028, 1 + _i, 1),
        )
    many, rows = _count(user, "/api/v1/forecast/", {})
    assert few == many <= 4 and len(rows) >= 10
