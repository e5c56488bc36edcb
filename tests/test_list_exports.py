"""Exports of the lists (page `?export=` and API `export/`): the rows the list shows with its
filters and never one the caller may not see, formula-safe cells, numeric amounts, headers
in the caller's language, and a query count that does not grow with the rows."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation
from rest_framework.test import APIClient

from billing.tests.factories import issued_invoice, pay
from catalog.tests.factories import ProductFactory
from customers.tests.factories import AccountFactory, ContactFactory
from ltc.exports import MAX_ROWS, download_bytes, read_table, registry
from opportunities.tests.factories import OpportunityFactory
from roles.tests.factories import user_with

pytestmark = pytest.mark.django_db


def browser(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def page_rows(user, url_name, fmt="csv", **params):
    response = browser(user).get(reverse(url_name), {"export": fmt, **params})
    assert response.status_code == 200, response.status_code
    return read_table(download_bytes(response), fmt)


def api_rows(user, path, fmt="csv", **params):
    response = api(user).get(f"/api/v1/{path}/export/", {"export": fmt, **params})
    assert response.status_code == 200, (response.status_code, getattr(response, "data", ""))
    return read_table(download_bytes(response), fmt)


def column(rows, key_label):
    index = rows[0].index(key_label)
    return [row[index] for row in rows[1:]]


@pytest.fixture
def two_sellers():
    mine, other = user_with("sales"), user_with("sales")
    a1 = AccountFactory(owner=mine, name="Alpha Steel", industry="manufacturing")
    a2 = AccountFactory(owner=mine, name="Beta Foods", industry="retail")
    hidden = AccountFactory(owner=other, name="Gamma Hidden", industry="manufacturing")
    return {"mine": mine, "other": other, "a1": a1, "a2": a2, "hidden": hidden}


# --- what is shown, and nothing else --------------------------------------------------------
def test_accounts_export_holds_the_filtered_visible_rows(two_sellers):
    mine = two_sellers["mine"]
    for fetch in (
        lambda **p: page_rows(mine, "customers:account-list", **p),
        lambda **p: api_rows(mine, "accounts", **p),
    ):
        assert sorted(column(fetch(), "Account")) == ["Alpha Steel", "Beta Foods"]
        assert column(fetch(industry="manufacturing"), "Account") == ["Alpha Steel"]
    # the page's search box narrows the export the same way
    assert column(page_rows(mine, "customers:account-list", q="beta"), "Account") == ["Beta Foods"]


def test_contacts_export_never_holds_a_hidden_accounts_contact(two_sellers):
    ContactFactory(account=two_sellers["a1"], name="Ann")
    ContactFactory(account=two_sellers["hidden"], name="Hidden Hal")
    for rows in (
        page_rows(two_sellers["mine"], "customers:contact-list"),
        api_rows(two_sellers["mine"], "contacts", "xlsx"),
        api_rows(two_sellers["mine"], "contacts", account=two_sellers["hidden"].pk),
    ):
        assert "Hidden Hal" not in column(rows, "Name")
    rows = page_rows(two_sellers["mine"], "customers:contact-list")
    assert column(rows, "Name") == ["Ann"]
    assert column(rows, "Account ID") == [str(two_sellers["a1"].pk)]


def test_products_export_follows_the_active_filter():
    ProductFactory(code="P-1", active=True)
    ProductFactory(code="P-2", active=False)
    operations = user_with("operations")
    assert column(page_rows(operations, "catalog:product-list", active="false"), "Code") == ["P-2"]
    # sales read active products only: the inactive one is not exported to them
    assert column(page_rows(user_with("sales"), "catalog:product-list"), "Code") == ["P-1"]


def test_opportunity_export_has_chain_links_and_owner_scope(two_sellers):
    mine = two_sellers["mine"]
    deal = OpportunityFactory(owner=mine, account=two_sellers["a1"], amount=Decimal("1234.50"))
    OpportunityFactory(owner=two_sellers["other"], account=two_sellers["hidden"])
    rows = api_rows(mine, "opportunities")
    assert column(rows, "ID") == [str(deal.pk)]
    assert column(rows, "Account ID") == [str(two_sellers["a1"].pk)]
    assert column(rows, "Amount") == ["1234.50"]
    assert {"Lead ID", "Quotes", "Contracts", "Orders"} <= set(rows[0])


def test_invoice_export_amounts_are_numbers_and_payments_linked():
    finance = user_with("finance")
    invoice = issued_invoice(user=finance)
    payment = pay(invoice, "130.00", user=finance)
    rows = page_rows(finance, "billing:invoice-list", "xlsx")
    (total,) = column(rows, "Total")
    assert isinstance(total, (int, float)) and total == 1130
    assert column(rows, "Balance") == [1000]
    assert column(rows, "Payments") == [str(payment.pk)]
    assert column(rows, "Currency") == [invoice.currency]
    csv_rows = page_rows(finance, "billing:invoice-list")
    assert column(csv_rows, "Total") == ["1130.00"]


def test_sales_invoice_export_has_no_amounts_and_payments_are_finance_only(two_sellers):
    finance = user_with("finance")
    issued_invoice(user=finance, account=two_sellers["a1"])
    issued_invoice(user=finance, account=two_sellers["hidden"])
    rows = page_rows(two_sellers["mine"], "billing:invoice-list")
    assert column(rows, "Account") == ["Alpha Steel"]
    assert "Total" not in rows[0] and "Balance" not in rows[0]
    assert browser(two_sellers["mine"]).get(
        reverse("billing:payment-list"), {"export": "csv"}
    ).status_code in (302, 403)
    assert api(two_sellers["mine"]).get("/api/v1/payments/export/").status_code == 403


# --- formula safety, language -----------------------------------------------------------------
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_formula_cells_are_neutralised(fmt):
    marketing = user_with("marketing")
    AccountFactory(name='=HYPERLINK("http://evil","x")', phone="+1 555", notes="@SUM(A1)")
    rows = page_rows(marketing, "customers:account-list", fmt)
    assert column(rows, "Account") == ['\'=HYPERLINK("http://evil","x")']
    assert column(rows, "Phone") == ["'+1 555"]
    assert column(rows, "Notes") == ["'@SUM(A1)"]


def test_headers_follow_the_callers_language():
    marketing = user_with("marketing")
    AccountFactory(name="京东")
    response = browser(marketing).get(
        reverse("customers:account-list"), {"export": "xlsx"}, HTTP_ACCEPT_LANGUAGE="zh-hans"
    )
    rows = read_table(download_bytes(response), "xlsx")
    assert rows[0][:2] == ["编号", "客户"]
    assert rows[1][1] == "京东"


def test_every_header_is_translated():
    """Each declared column has a Chinese header (and the importers can map both)."""
    specs = registry()
    assert {"accounts", "contacts", "products", "opportunities", "invoices"} <= set(specs)
    for spec in specs.values():
        for col in spec.columns:
            with translation.override("en"):
                english = str(col.label)
            with translation.override("zh-hans"):
                assert str(col.label) != english, (spec.name, col.key, english)


def test_bad_format_and_bad_filter_are_400():
    marketing = user_with("marketing")
    assert api(marketing).get("/api/v1/accounts/export/", {"export": "pdf"}).status_code == 400
    bad = api(marketing).get("/api/v1/accounts/export/", {"industry": "nonsense"})
    assert bad.status_code == 400


def test_export_beyond_the_cap_is_refused(monkeypatch):
    import ltc.exports

    marketing = user_with("marketing")
    AccountFactory.create_batch(3)
    monkeypatch.setattr(ltc.exports, "MAX_ROWS", 2)
    response = api(marketing).get("/api/v1/accounts/export/")
    assert response.status_code == 400
    assert "at most 2 rows" in response.data["detail"]
    page = browser(marketing).get(reverse("customers:account-list"), {"export": "csv"})
    assert page.status_code == 302 and "export" not in page["Location"]
    assert MAX_ROWS == 100_000


def test_selection_export_holds_only_visible_selected_ids(two_sellers):
    mine = two_sellers["mine"]
    ids = f"{two_sellers['a1'].pk},{two_sellers['hidden'].pk}"
    assert column(api_rows(mine, "accounts", ids=ids), "Account") == ["Alpha Steel"]
    rows = page_rows(mine, "customers:account-list", ids=ids)
    assert column(rows, "Account") == ["Alpha Steel"]


# --- fixed query counts -------------------------------------------------------------------------
def _count_queries(django_assert_max_num_queries, client, url, params, limit):
    with django_assert_max_num_queries(limit) as ctx:
        response = client.get(url, params)
        download_bytes(response)
    return len(ctx.captured_queries)


@pytest.mark.parametrize(
    "url,path",
    [
        ("customers:account-list", "accounts"),
        ("customers:contact-list", "contacts"),
        ("catalog:product-list", "products"),
        ("opportunities:list", "opportunities"),
        ("billing:invoice-list", "invoices"),
    ],
)
def test_export_queries_do_not_grow_with_rows(django_assert_max_num_queries, url, path):
    manager = user_with("manager", "finance", "operations")

    def make(n):
        for _ in range(n):
            account = AccountFactory()
            ContactFactory(account=account)
            ProductFactory()
            OpportunityFactory(owner=manager, account=account)
            issued_invoice(account=account)

    counts = []
    make(1)
    for client, target in (
        (browser(manager), reverse(url)),
        (api(manager), f"/api/v1/{path}/export/"),
    ):
        download_bytes(client.get(target, {"export": "csv"}))  # warm the per-process caches
    for n in (2, 12):
        make(n)
        page = _count_queries(
            django_assert_max_num_queries, browser(manager), reverse(url), {"export": "csv"}, 30
        )
        endpoint = _count_queries(
            django_assert_max_num_queries, api(manager), f"/api/v1/{path}/export/", {}, 30
        )
        counts.append((page, endpoint))
    assert counts[0] == counts[1], counts


# --- the other lists: leads, contracts, orders, shipments, quotes, tickets, surveys, activities
def _lead(owner):
    from leads.tests.factories import LeadFactory

    return LeadFactory(owner=owner)


def _order(owner):
    from orders.tests.factories import order_in

    return order_in("pending", owner=owner, lines=1)


def _contract(owner):
    return _order(owner).contract


def _shipment(owner):
    from orders.models import Shipment

    order = _order(owner)
    return Shipment.objects.create(order=order, carrier="SF", tracking_number="=1+2")


def _quote(owner):
    from opportunities.tests.factories import QuoteFactory

    return QuoteFactory(opportunity=OpportunityFactory(owner=owner))


def _ticket(owner):
    from feedback.tests.factories import ticket_in

    return ticket_in(account=AccountFactory(owner=owner))


def _survey(owner):
    from feedback.tests.factories import survey_for

    return survey_for(account=AccountFactory(owner=owner))


def _activity(owner):
    from activities.services import activity_create

    return activity_create(
        record=AccountFactory(owner=owner), owner=owner, kind="call", subject="Ring"
    )


LISTS = [
    # (api path, page url name or None, maker, seller's own record is visible to them)
    ("leads", "leads:list", _lead),
    ("contracts", "contracts:list", _contract),
    ("orders", "orders:list", _order),
    ("shipments", None, _shipment),
    ("quotes", None, _quote),
    ("tickets", "feedback:ticket-list", _ticket),
    ("surveys", "feedback:survey-list", _survey),
    ("activities", "activities", _activity),
]


@pytest.mark.parametrize("path,url,make", LISTS)
def test_each_list_exports_the_sellers_rows_only(path, url, make):
    mine, other = user_with("sales"), user_with("sales")
    own, foreign = make(mine), make(other)
    fetches = [lambda: api_rows(mine, path), lambda: api_rows(mine, path, "xlsx")]
    if url:
        fetches.append(lambda: page_rows(mine, url))
    for fetch in fetches:
        ids = [str(v) for v in column(fetch(), "ID")]
        assert ids == [str(own.pk)], (path, ids, own.pk, foreign.pk)


@pytest.mark.parametrize("path,url,make", LISTS)
def test_each_list_export_query_count_is_fixed(django_assert_max_num_queries, path, url, make):
    manager = user_with("manager", "sales")
    make(manager)
    targets = [(api(manager), f"/api/v1/{path}/export/")]
    if url:
        targets.append((browser(manager), reverse(url)))
    for client, target in targets:
        download_bytes(client.get(target, {"export": "csv"}))  # warm the per-process caches
    counts = []
    for n in (1, 4):
        for _ in range(n):
            make(manager)
        counts.append(
            [
                _count_queries(django_assert_max_num_queries, c, t, {"export": "csv"}, 30)
                for c, t in targets
            ]
        )
    assert counts[0] == counts[1], counts


def test_order_export_names_its_contract_and_shipments():
    manager = user_with("manager")
    shipment = _shipment(user_with("sales"))
    rows = api_rows(manager, "orders")
    assert column(rows, "Contract ID") == [str(shipment.order.contract_id)]
    assert column(rows, "Shipments") == [str(shipment.pk)]
    contract_rows = api_rows(manager, "contracts")
    assert column(contract_rows, "Orders") == [shipment.order.number or str(shipment.order.pk)]
    assert column(api_rows(manager, "shipments"), "Tracking number") == ["'=1+2"]
