"""Sorting a list by a custom field column: numbers, money and dates in their own order (not
as text), yes/no and text, empty values last either way; fields that do not sort, hidden
fields and unknown keys are ignored in the page and refused by a saved view; the queries do
not grow with the rows."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient

from customers.tests.factories import AccountFactory
from customfields.models import FieldType
from customfields.tests.factories import define
from listviews.lists import registry
from listviews.models import SavedView
from roles.tests.factories import user_with

pytestmark = pytest.mark.django_db

LIST = reverse("customers:account-list")
NAMES = ("Aardvark", "Buffalo", "Camel")
EMPTY = "Nullhorn"

# type: values in ascending order (their text order differs where it matters)
ASCENDING = {
    FieldType.INTEGER: [5, 40, 300],
    FieldType.DECIMAL: ["9.5", "10.25", "100"],
    FieldType.MONEY: [
        {"amount": "9.00", "currency": "CNY"},
        {"amount": "10.00", "currency": "USD"},
        {"amount": "100.00", "currency": "CNY"},
    ],
    FieldType.DATE: ["2025-12-31", "2026-01-05", "2026-02-01"],
    FieldType.TEXT: ["apple", "banana", "cherry"],
    FieldType.CHOICE: ["alpha", "beta", "gamma"],
    FieldType.BOOLEAN: [False, True],
}


def order(response, names) -> list[str]:
    body = response.content.decode()
    assert response.status_code == 200
    found = {name: body.find(f">{name}<") for name in names}
    assert all(i >= 0 for i in found.values()), found
    return sorted(names, key=found.get)


def headers(response) -> list[str]:
    return re.findall(r'data-col="([a-z_.]+)"', response.content.decode())


@pytest.fixture
def manager(client):
    user = user_with("manager")
    client.force_login(user)
    return user


@pytest.mark.parametrize("kind", list(ASCENDING))
def test_sort_by_each_type_with_empty_values_last(client, manager, kind):
    define("account", "f", kind, choices=["gamma", "alpha", "beta"])
    values = ASCENDING[kind]
    names = NAMES[: len(values)]
    # Saved in an order unlike the sorted one (the newest first is the list's own order).
    for name, value in reversed(list(zip(names, values, strict=True))[::2]):
        AccountFactory(name=name, custom={"f": value})
    AccountFactory(name=EMPTY, custom={})
    for name, value in list(zip(names, values, strict=True))[1::2]:
        AccountFactory(name=name, custom={"f": value})
    everyone = [*names, EMPTY]
    up = client.get(LIST, {"sort": "custom.f", "cols": "name,custom.f"})
    assert order(up, everyone) == [*names, EMPTY]
    assert 'aria-sort="ascending"' in up.content.decode()
    down = client.get(LIST, {"sort": "-custom.f", "cols": "name,custom.f"})
    assert order(down, everyone) == [*reversed(names), EMPTY]


def test_a_value_stored_as_json_null_sorts_as_empty(client, manager):
    define("account", "f", FieldType.INTEGER)
    AccountFactory(name="Buffalo", custom={"f": 2})
    AccountFactory(name=EMPTY, custom={"f": None})
    AccountFactory(name="Aardvark", custom={"f": 1})
    for sort, expected in (
        ("custom.f", ["Aardvark", "Buffalo"]),
        ("-custom.f", ["Buffalo", "Aardvark"]),
    ):
        page = client.get(LIST, {"sort": sort})
        assert order(page, ["Aardvark", "Buffalo", EMPTY]) == [*expected, EMPTY]


def test_sort_link_in_the_header_of_a_custom_column(client, manager):
    define("account", "size", FieldType.INTEGER, in_list=True)
    AccountFactory(custom={"size": 3})
    body = client.get(LIST).content.decode()
    assert re.search(
        r'data-col="custom\.size"[^>]*>\s*<a class="sort-link" href="\?sort=custom\.size"', body
    )
    body = client.get(LIST, {"sort": "custom.size"}).content.decode()
    assert 'href="?sort=-custom.size"' in body


@pytest.mark.parametrize("kind", [FieldType.MULTI_CHOICE, FieldType.USER, FieldType.LONG_TEXT])
def test_fields_that_do_not_sort_are_ignored_and_refused(client, manager, kind):
    define("account", "f", kind, in_list=True)
    AccountFactory(name="Aardvark")
    page = client.get(LIST, {"sort": "custom.f"})
    assert page.status_code == 200 and "aria-sort" not in page.content.decode()
    assert 'data-col="custom.f"' in page.content.decode()
    assert not re.search(
        r'data-col="custom\.f"[^>]*>\s*<a class="sort-link"', page.content.decode()
    )
    response = client.post(
        reverse("listviews:save"),
        {"list_name": "accounts", "state": "sort=custom.f", "name": "Bad"},
    )
    assert response.status_code == 400 and "This list sorts only by" in response.content.decode()
    assert not SavedView.objects.exists()


@pytest.mark.parametrize(
    "sort", ["custom.nope", "-custom.", "custom", "custom.f.amount", "--custom.f", "-"]
)
def test_unknown_sort_keys_are_ignored_in_the_page_and_refused_by_the_api(manager, client, sort):
    define("account", "f", FieldType.INTEGER)
    AccountFactory(name="Aardvark", custom={"f": 1})
    page = client.get(LIST, {"sort": sort})
    assert page.status_code == 200 and "Aardvark" in page.content.decode()
    c = APIClient()
    c.force_authenticate(manager)
    response = c.post(
        "/api/v1/list-views/", {"list_name": "accounts", "name": "x", "sort": sort}, format="json"
    )
    assert response.status_code == 400 and "sort" in response.json()
    assert not SavedView.objects.exists()


def test_a_field_the_role_may_not_see_does_not_sort(client):
    define("account", "margin", FieldType.INTEGER, view_roles=["manager"])
    AccountFactory(name="Buffalo", custom={"margin": 1})
    AccountFactory(name="Aardvark", custom={"margin": 2})
    sales = user_with("sales")
    client.force_login(sales)
    page = client.get(LIST, {"sort": "custom.margin"})
    assert page.status_code == 200 and "aria-sort" not in page.content.decode()
    c = APIClient()
    c.force_authenticate(sales)
    response = c.post(
        "/api/v1/list-views/",
        {"list_name": "accounts", "name": "x", "sort": "custom.margin"},
        format="json",
    )
    assert response.status_code == 400 and "sort" in response.json()
    c.force_authenticate(user_with("manager"))
    response = c.post(
        "/api/v1/list-views/",
        {"list_name": "accounts", "name": "x", "sort": "-custom.margin"},
        format="json",
    )
    assert response.status_code == 201, response.json()


def test_a_saved_view_sorted_by_a_custom_field(client, manager):
    define("account", "size", FieldType.DECIMAL)
    AccountFactory(name="Buffalo", custom={"size": "20"})
    AccountFactory(name="Aardvark", custom={"size": "3"})
    response = client.post(
        reverse("listviews:save"),
        {
            "list_name": "accounts",
            "state": "sort=-custom.size&cols=name,custom.size",
            "name": "Big",
        },
    )
    assert response.status_code == 302
    view = SavedView.objects.get()
    assert view.sort == "-custom.size"
    page = client.get(view.address())
    assert headers(page) == ["name", "custom.size"]
    assert order(page, ["Aardvark", "Buffalo"]) == ["Buffalo", "Aardvark"]


def test_a_retired_field_no_longer_sorts_a_saved_view(client, manager):
    from django.utils import timezone

    field = define("account", "size", FieldType.INTEGER)
    AccountFactory(name="Aardvark", custom={"size": 1})
    client.post(
        reverse("listviews:save"),
        {"list_name": "accounts", "state": "sort=custom.size", "name": "By size"},
    )
    field.retired_at = timezone.now()
    field.save()
    page = client.get(SavedView.objects.get().address())
    assert page.status_code == 200 and "Aardvark" in page.content.decode()


def test_queries_do_not_grow_with_rows_when_sorted_by_a_custom_field(client, manager):
    define("account", "size", FieldType.MONEY, in_list=True)
    define("account", "since", FieldType.DATE, in_list=True)
    custom = {"size": {"amount": "5.00", "currency": "CNY"}, "since": "2026-01-01"}
    AccountFactory(custom=custom)
    client.get(LIST, {"sort": "-custom.size"})

    def count(sort):
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(LIST, {"sort": sort})
        assert response.status_code == 200
        return len(ctx.captured_queries)

    plain = count("name")
    few = count("-custom.size")
    assert few == plain
    for _ in range(30):
        AccountFactory(custom=custom)
    assert count("-custom.size") == few
    assert count("custom.since") == few


ROWS = {
    "leads": "leads.tests.factories.LeadFactory",
    "contacts": "customers.tests.factories.ContactFactory",
    "opportunities": "opportunities.tests.factories.OpportunityFactory",
    "contracts": "contracts.tests.factories.draft_contract",
    "orders": "orders.tests.factories.order_in",
    "tickets": "feedback.tests.factories.ticket_in",
    "products": "catalog.tests.factories.ProductFactory",
}
RECORDS = {
    "leads": "lead",
    "contacts": "contact",
    "opportunities": "opportunity",
    "contracts": "contract",
    "orders": "order",
    "tickets": "ticket",
    "products": "product",
}


@pytest.mark.parametrize("name", sorted(ROWS))
def test_every_list_with_custom_fields_sorts_by_one(client, manager, name):
    from django.utils.module_loading import import_string

    spec = registry()[name]
    define(RECORDS[name], "rank", FieldType.INTEGER)
    make = import_string(ROWS[name])
    rows = [make() for _ in range(3)]
    model = type(rows[0])
    for row, rank in zip(rows, (20, None, 3), strict=True):
        model.objects.filter(pk=row.pk).update(custom={} if rank is None else {"rank": rank})
    seen = []
    for sort in ("custom.rank", "-custom.rank"):
        with CaptureQueriesContext(connection):
            response = client.get(
                spec.url(), {"sort": sort, "cols": f"{spec.columns[0].key},custom.rank"}
            )
        assert response.status_code == 200
        assert headers(response) == [spec.columns[0].key, "custom.rank"]
        body = response.content.decode()
        cells = re.findall(r'<td class="num" data-label="Rank">([^<]*)</td>', body)
        seen.append([c.strip() for c in cells])
    assert seen == [["3", "20", "—"], ["20", "3", "—"]]
