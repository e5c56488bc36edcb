"""The pages: list (+ CSV), the pipeline board (drag moves, refused with the reason), detail
with the team, the quote document page with lines, the forecast; the role × transition matrix
through the browser's transition endpoint; bounded queries."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from catalog.tests.factories import ProductFactory
from customers.tests.factories import AccountFactory
from leads.models import LeadStatus
from leads.tests.factories import lead_in
from ltc.transitions import run
from opportunities import services
from opportunities.models import Opportunity, Quote, QuoteLine
from opportunities.tests.factories import OpportunityFactory, opportunity_in, quote_in
from opportunities.tests.test_matrix import (
    OPPORTUNITY_TABLE,
    QUOTE_TABLE,
    data_for,
    opportunity_for,
    people,  # noqa: F401 - fixture
    quote_for,
)
from roles.tests.factories import user_with

pytestmark = pytest.mark.django_db


def browser(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def deal():
    sales, support = user_with("sales"), user_with("sales_support")
    opp = OpportunityFactory(
        owner=sales, account=AccountFactory(owner=sales), name="华东工厂 MES 项目"
    )
    services.opportunity_assign_team(opportunity=opp, user=sales, solution_owner=support)
    return {"sales": sales, "support": support, "opp": opp}


# --- pages per role --------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["list", "board", "forecast"])
def test_pipeline_pages(deal, name):
    url = reverse(f"opportunities:{name}")
    response = browser(deal["sales"]).get(url)
    assert response.status_code == 200
    if name != "forecast":
        assert "华东工厂 MES 项目" in response.content.decode()
    for role in ("marketing", "finance", "service"):
        assert browser(user_with(role)).get(url).status_code == 403


def test_detail_is_404_for_who_may_not_see_it(deal):
    url = deal["opp"].get_absolute_url()
    assert browser(deal["sales"]).get(url).status_code == 200
    assert browser(deal["support"]).get(url).status_code == 200
    assert browser(user_with("manager")).get(url).status_code == 200
    assert browser(user_with("sales")).get(url).status_code == 404


def test_csv_export_has_the_filtered_rows(deal):
    OpportunityFactory(
        owner=deal["sales"], name="Other", expected_close_date=datetime.date(2029, 5, 1)
    )
    response = browser(deal["sales"]).get(
        reverse("opportunities:list"), {"export": "csv", "close_month": "2029-05"}
    )
    assert response.status_code == 200
    body = b"".join(response.streaming_content).decode("utf-8")
    lines = body.lstrip("\ufeff").strip().splitlines()
    assert len(lines) == 2 and "Other" in lines[1]


def test_team_form_grants_the_solution_owner(deal):
    other = user_with("sales_support")
    response = browser(deal["sales"]).post(
        reverse("opportunities:team", args=[deal["opp"].pk]),
        {"owner": deal["sales"].pk, "solution_owner": other.pk},
    )
    assert response.status_code == 302
    assert browser(other).get(deal["opp"].get_absolute_url()).status_code == 200
    assert browser(deal["support"]).get(deal["opp"].get_absolute_url()).status_code == 404


def test_create_and_edit_pages(deal):
    client = browser(deal["sales"])
    account = deal["opp"].account
    response = client.post(
        reverse("opportunities:create"),
        {
            "name": "New deal",
            "account": account.pk,
            "amount": "10",
            "currency": "CNY",
            "probability": 10,
            "source": "web",
        },
    )
    assert response.status_code == 302, response.content
    opp = Opportunity.objects.get(name="New deal")
    assert opp.owner == deal["sales"]
    response = client.post(
        reverse("opportunities:edit", args=[opp.pk]),
        {
            "name": "New deal",
            "account": account.pk,
            "amount": "10",
            "currency": "CNY",
            "probability": 150,
            "source": "web",
        },
    )
    assert response.status_code == 400
    assert (
        browser(user_with("sales_support")).get(reverse("opportunities:create")).status_code == 403
    )


# --- the quote page ----------------------------------------------------------------------------


def test_quote_building_on_the_page(deal):
    client = browser(deal["support"])
    response = client.post(reverse("opportunities:quote-create", args=[deal["opp"].pk]))
    quote = Quote.objects.get()
    assert response.url == quote.get_absolute_url()
    product = ProductFactory(price=Decimal("1000.00"), tax_rate=Decimal("13"))
    url = reverse("opportunities:quote-line-add", args=[quote.pk])
    response = client.post(url, {"product": product.pk, "quantity": "2", "discount_pct": "15"})
    assert response.status_code == 302
    page = client.get(quote.get_absolute_url())
    assert page.status_code == 200
    # 2000 − 300 = 1700, + 13% tax = 1921
    assert "1,921.00" in page.content.decode()
    bad = client.post(url, {"product": product.pk, "quantity": "-1", "discount_pct": "101"})
    assert bad.status_code == 400
    form = bad.context["line_form"]
    assert "quantity" in form.errors and "discount_pct" in form.errors
    usd = ProductFactory(currency="USD")
    bad = client.post(url, {"product": usd.pk, "quantity": "1"})
    assert bad.status_code == 400 and "product" in bad.context["line_form"].errors
    assert QuoteLine.objects.count() == 1
    printable = client.get(quote.get_absolute_url(), {"print": "1"})
    assert printable.status_code == 200 and "华东工厂 MES 项目" in printable.content.decode()
    line = QuoteLine.objects.get()
    client.post(reverse("opportunities:quote-line-remove", args=[quote.pk, line.pk]))
    assert not QuoteLine.objects.exists()


# --- the board: drag moves --------------------------------------------------------------------


def move(user, opp, stage):
    return browser(user).post(reverse("opportunities:move", args=[opp.pk]), {"stage": stage})


def test_board_move_runs_the_transition(deal):
    response = move(deal["sales"], deal["opp"], "needs_analysis")
    assert response.status_code == 204
    opp = Opportunity.objects.get(pk=deal["opp"].pk)
    assert (opp.stage, opp.probability) == ("needs_analysis", 20)


def test_board_refuses_an_illegal_drag_with_the_reason(deal):
    opp = deal["opp"]
    # wrong role: sales support may not move the deal
    response = move(deal["support"], opp, "needs_analysis")
    assert response.status_code == 403 and "may not" in response.content.decode()
    # no such move
    response = move(deal["sales"], opp, "won")
    assert response.status_code == 409 and "no move" in response.content.decode().lower()
    # rule not met: propose needs an approved quote
    Opportunity.objects.filter(pk=opp.pk).update(stage="needs_analysis")
    response = move(deal["sales"], opp, "proposal")
    assert response.status_code == 400 and "approved quote" in response.content.decode()
    # lose needs a reason
    response = move(deal["sales"], opp, "lost")
    assert response.status_code == 400 and "reason" in response.content.decode()
    assert Opportunity.objects.get(pk=opp.pk).stage == "needs_analysis"
    # a deal the user cannot see
    assert move(user_with("sales"), opp, "proposal").status_code == 404


def test_board_totals_and_weighted_totals(deal):
    opportunity_in("proposal", owner=deal["sales"], amount=Decimal("2000"))
    opportunity_in("proposal", owner=deal["sales"], amount=Decimal("1000"))
    page = browser(deal["sales"]).get(reverse("opportunities:board"))
    html = page.content.decode()
    assert 'data-testid="count-proposal">2<' in html
    assert "¥3,000.00" in html and "¥1,500.00" in html


# --- the browser's transition endpoint: the role × transition matrix ---------------------------

BROWSER_MATRIX = [
    (model, name, sources[0], role)
    for model, table in (("opportunity", OPPORTUNITY_TABLE), ("quote", QUOTE_TABLE))
    for name, (sources, _t, _w) in table.items()
    for role in ("sales_owner", "support_assigned", "manager", "finance", "marketing")
]


@pytest.mark.parametrize(("model", "name", "source", "actor"), BROWSER_MATRIX)
def test_browser_matrix(people, model, name, source, actor):  # noqa: F811
    from opportunities.tests.test_matrix import ROLE_OF, sees

    table = OPPORTUNITY_TABLE if model == "opportunity" else QUOTE_TABLE
    obj = opportunity_for(people, source) if model == "opportunity" else quote_for(people, source)
    if name in ("approve", "sign_off"):
        from opportunities.models import QuoteSignOff

        other = "finance" if name == "approve" else "manager"
        QuoteSignOff.objects.create(quote=obj, role=other, user=people[other], decision="approved")
    url = reverse("transition", args=["opportunities", model, obj.pk, name])
    response = browser(people[actor]).post(url, data_for(name))
    resource = "opportunities" if model == "opportunity" else "quotes"
    role = ROLE_OF.get(actor, actor)
    if not sees(resource, actor, source):
        assert response.status_code == 404
        return
    allowed = role in table[name][2]
    assert response.status_code == (302 if allowed else 403), response.content[:300]
    fresh = type(obj).objects.get(pk=obj.pk)
    state = fresh.stage if model == "opportunity" else fresh.status
    expected = table[name][1] if allowed else source
    if allowed and name == "sign_off":
        expected = "approved"
    assert state == expected


# --- the "done when", in the browser --------------------------------------------------


def test_converted_lead_to_won_deal_in_the_browser():
    sales, support, manager = user_with("sales"), user_with("sales_support"), user_with("manager")
    lead = lead_in(LeadStatus.QUALIFIED, owner=sales, company="明辉制造", budget=Decimal("100000"))
    run(obj=lead, name="convert", user=sales)
    opp = Opportunity.objects.get(lead=lead)
    assert "明辉制造" in browser(sales).get(reverse("opportunities:board")).content.decode()
    assert move(sales, opp, "needs_analysis").status_code == 204
    browser(sales).post(
        reverse("opportunities:team", args=[opp.pk]),
        {"owner": sales.pk, "solution_owner": support.pk},
    )
    browser(support).post(reverse("opportunities:quote-create", args=[opp.pk]))
    quote = Quote.objects.get()
    browser(support).post(
        reverse("opportunities:quote-line-add", args=[quote.pk]),
        {
            "product": ProductFactory(price=Decimal("50000")).pk,
            "quantity": "2",
            "discount_pct": "15",
        },
    )

    def t(user, name, **data):
        url = reverse("transition", args=["opportunities", "quote", quote.pk, name])
        return browser(user).post(url, data)

    assert t(support, "submit").status_code == 302
    assert Quote.objects.get().status == "pending_approval"
    assert t(manager, "approve").status_code == 302
    assert Quote.objects.get().status == "approved"
    assert move(sales, opp, "proposal").status_code == 204
    assert t(sales, "send").status_code == 302
    assert t(sales, "accept").status_code == 302
    assert move(sales, opp, "negotiation").status_code == 204
    assert move(sales, opp, "won").status_code == 204
    assert Opportunity.objects.get(pk=opp.pk).stage == "won"


# --- bounded queries ----------------------------------------------------------------------------


def _queries(user, url, params=None):
    from django.contrib.auth import get_user_model

    client = browser(get_user_model().objects.get(pk=user.pk))
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params or {})
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("name", ["list", "board", "forecast"])
def test_pages_run_a_fixed_number_of_queries(name):
    sales = user_with("sales")
    url = reverse(f"opportunities:{name}")
    for i in range(3):
        opportunity_in(["qualification", "proposal", "negotiation"][i % 3], owner=sales)
    few = _queries(sales, url)
    for i in range(30):
        opportunity_in(
            ["qualification", "needs_analysis", "proposal", "negotiation"][i % 4],
            owner=sales,
            expected_close_date=datetime.date(2028, 1 + i % 12, 1),
        )
    many = _queries(sales, url)
    assert few == many, (few, many)


def test_quote_page_runs_a_fixed_number_of_queries(deal):
    quote = quote_in("draft", opportunity=deal["opp"])
    few = _queries(deal["support"], quote.get_absolute_url())
    from opportunities.tests.factories import add_line

    for _i in range(10):
        add_line(quote)
    many = _queries(deal["support"], quote.get_absolute_url())
    assert few == many, (few, many)


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_exports_write_formula_names_as_text(deal, kind):
    OpportunityFactory(
        owner=deal["sales"], name='=HYPERLINK("http://evil","x")', next_step="@SUM(1)"
    )
    from ltc.exports import download_bytes, read_table

    response = browser(deal["sales"]).get(reverse("opportunities:list"), {"export": kind})
    assert response.status_code == 200
    rows = read_table(download_bytes(response), kind)
    header = rows[0]
    (row,) = [r for r in rows if "HYPERLINK" in str(r[header.index("Name")])]
    assert row[header.index("Name")] == '\'=HYPERLINK("http://evil","x")'
    assert row[header.index("Next step")] == "'@SUM(1)"
