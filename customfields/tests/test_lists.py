"""Custom fields on a list page: the fields marked "show in the list" are columns, each
field a filter and text fields part of the search; a role that may not see a field gets no
column or filter for it; the queries do not grow with the rows."""

from __future__ import annotations

import pytest
from django.test import Client

from customfields.models import FieldType
from customfields.tests.factories import define
from leads.tests.factories import LeadFactory
from roles.tests.factories import user_with

pytestmark = pytest.mark.django_db


def browser(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def fields():
    return {
        "industry": define("lead", "industry", FieldType.CHOICE, label_en="Industry",
                           in_list=True),
        "volume": define("lead", "volume", FieldType.DECIMAL, label_en="Expected volume",
                         in_list=True),
        "buyer": define("lead", "buyer", FieldType.USER, label_en="Buyer", in_list=True),
        "region": define("lead", "region", FieldType.TEXT, label_en="Region"),
        "margin": define("lead", "margin", FieldType.TEXT, label_en="Secret margin",
                         in_list=True, view_roles=["manager"]),
    }  # fmt: skip


def test_list_columns_filters_and_search(fields):
    marketing = user_with("marketing", first_name="Mei", last_name="Lin")
    LeadFactory(name="Retail one", custom={"industry": "零售", "volume": "1250.5",
                "buyer": marketing.pk, "region": "华东 east", "margin": "42 pct"})  # fmt: skip
    LeadFactory(name="Factory one", custom={"industry": "制造业", "region": "华北"})
    client = browser(marketing)
    page = client.get("/leads/").content.decode()
    for label in ("Industry", "Expected volume", "Buyer"):
        assert f">{label}<" in page or label in page
    assert "1,250.50" in page and "Mei Lin" in page
    assert "Secret margin" not in page and "42 pct" not in page
    assert 'name="cf_industry"' in page and 'name="cf_margin"' not in page
    filtered = client.get("/leads/", {"cf_industry": "零售"}).content.decode()
    assert "Retail one" in filtered and "Factory one" not in filtered
    found = client.get("/leads/", {"q": "east"}).content.decode()
    assert "Retail one" in found and "Factory one" not in found


def test_a_column_can_be_chosen_and_a_hidden_one_cannot(fields):
    LeadFactory(name="Retail one", custom={"region": "华东", "margin": "42 pct"})
    marketing = browser(user_with("marketing"))
    page = marketing.get("/leads/", {"cols": "name,custom.region,custom.margin"}).content.decode()
    assert "华东" in page and "42 pct" not in page
    manager = browser(user_with("manager"))
    page = manager.get("/leads/", {"cols": "name,custom.margin"}).content.decode()
    assert "42 pct" in page


def test_list_page_queries_do_not_grow_with_rows(fields, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    marketing = user_with("marketing")
    client = browser(marketing)
    counts = []
    for rows in (3, 30):
        for _ in range(rows - (counts and 3 or 0)):
            LeadFactory(custom={"industry": "零售", "volume": "7", "buyer": marketing.pk,
                                "region": "x", "margin": "y"})  # fmt: skip
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/leads/").status_code == 200
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1], counts


def _account(name):
    from customers.tests.factories import AccountFactory

    return AccountFactory(name=name)


def _contact(name):
    from customers.tests.factories import ContactFactory

    return ContactFactory(name=name)


def _product(name):
    from catalog.tests.factories import ProductFactory

    return ProductFactory(name=name)


def _opportunity(name):
    from opportunities.tests.factories import OpportunityFactory

    return OpportunityFactory(name=name)


def _contract(name):
    from contracts.tests.factories import draft_contract

    contract = draft_contract()
    contract.account.__class__.objects.filter(pk=contract.account_id).update(name=name)
    return contract


def _order(name):
    from orders.tests.factories import order_in

    order = order_in()
    order.account.__class__.objects.filter(pk=order.account_id).update(name=name)
    return order


@pytest.mark.parametrize(
    "record,url,make",
    [
        ("account", "/customers/accounts/", _account),
        ("contact", "/customers/contacts/", _contact),
        ("product", "/catalog/products/", _product),
        ("opportunity", "/opportunities/", _opportunity),
        ("contract", "/contracts/", _contract),
        ("order", "/orders/", _order),
    ],
)
def test_each_list_page_filters_by_a_custom_field(record, url, make):
    define(record, "tier", FieldType.CHOICE, choices=["Gold", "Silver"], label_en="Tier")
    define(record, "motto", FieldType.TEXT, label_en="Motto")
    model = None
    for name, tier, motto in (
        ("Alpha Gold Co", "Gold", "find me"),
        ("Beta Plain Co", "Silver", ""),
    ):
        obj = make(name)
        model = type(obj)
        model.objects.filter(pk=obj.pk).update(custom={"tier": tier, "motto": motto})
    client = browser(user_with("manager"))
    page = client.get(url)
    assert page.status_code == 200
    assert 'name="cf_tier"' in page.content.decode()
    filtered = client.get(url, {"cf_tier": "Gold"}).content.decode()
    assert "Alpha Gold Co" in filtered and "Beta Plain Co" not in filtered
    if record != "order":  # the order list searches numbers and accounts only by design
        found = client.get(url, {"q": "find me"}).content.decode()
        assert "Alpha Gold Co" in found and "Beta Plain Co" not in found
