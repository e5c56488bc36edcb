"""The opportunity's amount follows its quote: approval and acceptance set the amount and
currency to the quote's total (inside the transition), win needs an accepted quote (400 /
form error), the accepted quote offers the win (page and API), and the data migration brings
existing deals in line."""

from __future__ import annotations

import importlib
from decimal import Decimal

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from rest_framework.test import APIClient

from catalog.tests.factories import ProductFactory
from ltc.transitions import run
from opportunities import services
from opportunities.models import Opportunity, Quote, Stage
from opportunities.tests.factories import add_line, opportunity_in, quote_in
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
    opp = opportunity_in("needs_analysis", owner=sales, amount=Decimal("300000.00"))
    services.opportunity_assign_team(opportunity=opp, user=sales, solution_owner=support)
    return {"sales": sales, "support": support, "manager": user_with("manager"), "opp": opp}


def build(team, discount="0", currency=None) -> Quote:
    quote = services.quote_create(opportunity=team["opp"], user=team["support"], currency=currency)
    services.quote_line_add(
        quote=quote,
        user=team["support"],
        product=ProductFactory(price=Decimal("1234.56"), currency=quote.currency),
        quantity=Decimal("3"),
        discount_pct=Decimal(discount),
    )
    quote.refresh_from_db()
    return quote


def amount(opp) -> tuple[Decimal, str]:
    opp = Opportunity.objects.get(pk=opp.pk)
    return opp.amount, opp.currency


def test_approval_on_submission_sets_the_amount(team):
    quote = build(team)
    assert amount(team["opp"]) == (Decimal("300000.00"), "CNY")
    quote = run(obj=quote, name="submit", user=team["support"])
    assert quote.status == "approved"
    assert amount(team["opp"]) == (quote.total, "CNY")
    assert quote.total != Decimal("300000.00")


def test_manager_approval_sets_the_amount_and_currency(team):
    quote = build(team, discount="15", currency="USD")
    quote = run(obj=quote, name="submit", user=team["support"])
    assert quote.status == "pending_approval"
    assert amount(team["opp"]) == (Decimal("300000.00"), "CNY")  # not approved yet
    quote = run(obj=quote, name="approve", user=team["manager"])
    assert quote.status == "approved"
    assert amount(team["opp"]) == (quote.total, "USD")


def test_accepting_sets_the_amount_and_a_later_approval_does_not_move_it(team):
    accepted = quote_in("sent", opportunity=team["opp"])
    run(obj=accepted, name="accept", user=team["sales"])
    assert amount(team["opp"]) == (accepted.total, "CNY")
    other = build(team, discount="0")
    run(obj=other, name="submit", user=team["support"])
    other.refresh_from_db()
    assert other.status == "approved" and other.total != accepted.total
    assert amount(team["opp"]) == (accepted.total, "CNY")


def test_a_failed_acceptance_changes_nothing(team):
    quote = quote_in("approved", opportunity=team["opp"])
    with pytest.raises(Exception):  # noqa: B017 - not sent: TransitionNotAllowed
        run(obj=quote, name="accept", user=team["sales"])
    assert amount(team["opp"]) == (Decimal("300000.00"), "CNY")


def test_won_amount_is_the_accepted_quote_total(team):
    Opportunity.objects.filter(pk=team["opp"].pk).update(stage=Stage.NEGOTIATION)
    quote = quote_in("accepted", opportunity=team["opp"])  # accepted before this rule existed
    opp = run(obj=Opportunity.objects.get(pk=team["opp"].pk), name="win", user=team["sales"])
    assert opp.stage == "won"
    assert amount(opp) == (quote.total, "CNY")


def test_win_without_an_accepted_quote_is_a_400(team):
    Opportunity.objects.filter(pk=team["opp"].pk).update(stage=Stage.NEGOTIATION)
    quote_in("sent", opportunity=team["opp"])
    response = api(team["sales"]).post(
        f"/api/v1/opportunities/{team['opp'].pk}/transitions/win/", {}, format="json"
    )
    assert response.status_code == 400
    assert "quote" in response.json()
    assert Opportunity.objects.get(pk=team["opp"].pk).stage == "negotiation"
    with pytest.raises(ValidationError):
        run(obj=Opportunity.objects.get(pk=team["opp"].pk), name="win", user=team["sales"])


def test_win_without_an_accepted_quote_is_a_form_error_in_the_browser(team, client):
    Opportunity.objects.filter(pk=team["opp"].pk).update(stage=Stage.NEGOTIATION)
    client.force_login(team["sales"])
    response = client.post(
        f"/records/opportunities/opportunity/{team['opp'].pk}/transitions/win/", {}
    )
    assert response.status_code == 400
    assert "An accepted quote is required" in response.content.decode()
    assert Opportunity.objects.get(pk=team["opp"].pk).stage == "negotiation"


def test_api_accept_answers_the_next_step_and_the_win_follows(team):
    Opportunity.objects.filter(pk=team["opp"].pk).update(stage=Stage.NEGOTIATION)
    quote = quote_in("sent", opportunity=team["opp"])
    client = api(team["sales"])
    response = client.post(f"/api/v1/quotes/{quote.pk}/transitions/accept/", {}, format="json")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "accepted"
    assert body["next"]["transition"] == "win"
    assert body["next"]["opportunity"] == team["opp"].pk
    won = client.post(body["next"]["api"], {}, format="json")
    assert won.status_code == 200, won.content
    assert won.json()["stage"] == "won"
    assert Decimal(won.json()["amount"]) == quote.total


def test_api_next_step_from_proposal_is_negotiate_and_null_before_acceptance(team):
    Opportunity.objects.filter(pk=team["opp"].pk).update(stage=Stage.PROPOSAL)
    quote = quote_in("sent", opportunity=team["opp"])
    client = api(team["sales"])
    assert client.get(f"/api/v1/quotes/{quote.pk}/").json()["next"] is None
    body = client.post(f"/api/v1/quotes/{quote.pk}/transitions/accept/", {}).json()
    assert body["next"]["transition"] == "negotiate"


def test_quote_page_offers_the_win_to_sales_only(team, client):
    Opportunity.objects.filter(pk=team["opp"].pk).update(stage=Stage.NEGOTIATION)
    quote = quote_in("accepted", opportunity=team["opp"])
    client.force_login(team["sales"])
    page = client.get(quote.get_absolute_url()).content.decode()
    assert 'data-testid="offer-win"' in page
    assert f"/records/opportunities/opportunity/{team['opp'].pk}/transitions/win/" in page
    client.force_login(team["support"])
    assert 'data-testid="offer-win"' not in client.get(quote.get_absolute_url()).content.decode()


def test_data_migration_sets_open_and_won_amounts_from_their_quotes():
    migration = importlib.import_module("opportunities.migrations.0003_amount_from_quote")
    won = opportunity_in("won", amount=Decimal("300000.00"))
    accepted = quote_in("accepted", opportunity=won)
    later = quote_in("approved", opportunity=won)  # a later approved version: accepted counts
    add_line(later, unit_price="500.00")
    open_opp = opportunity_in("proposal", amount=Decimal("90000.00"))
    approved = quote_in("sent", opportunity=open_opp)
    lost = opportunity_in("lost", amount=Decimal("75000.00"))
    quote_in("accepted", opportunity=lost)
    bare = opportunity_in("qualification", amount=Decimal("60000.00"))
    migration.forwards(apps, None)
    assert amount(won)[0] == accepted.total
    assert amount(open_opp)[0] == approved.total
    assert amount(lost)[0] == Decimal("75000.00")
    assert amount(bare)[0] == Decimal("60000.00")
