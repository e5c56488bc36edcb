"""The product list as a shaped list (listviews): columns (custom fields too), sort, saved
and default views, its filters kept, and a query count that does not grow with the rows."""

import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient

from catalog.tests.factories import ProductFactory
from customfields.models import FieldType
from customfields.tests.factories import define
from listviews.models import SavedView
from roles.tests.factories import user_with

pytestmark = pytest.mark.django_db

LIST = reverse("catalog:product-list")


def headers(response) -> list[str]:
    return re.findall(r'data-col="([a-z_.]+)"', response.content.decode())


@pytest.fixture
def fields():
    return {
        "grade": define("product", "grade", FieldType.CHOICE, label_en="Grade", in_list=True,
                        choices=["A", "B"]),
        "weight": define("product", "weight", FieldType.DECIMAL, label_en="Weight"),
        "cost": define("product", "cost", FieldType.MONEY, label_en="Cost", in_list=True,
                       view_roles=["operations"]),
    }  # fmt: skip


def test_default_columns_include_custom_fields_the_role_may_see(client, fields):
    ProductFactory(code="A-1", custom={"grade": "A", "cost": {"amount": "3.00", "currency": "CNY"}})
    client.force_login(user_with("sales"))
    page = client.get(LIST)
    assert page.status_code == 200
    assert headers(page) == ["code", "name", "unit", "price", "tax", "status", "custom.grade"]
    client.force_login(user_with("operations"))
    page = client.get(LIST)
    assert headers(page)[-2:] == ["custom.grade", "custom.cost"]
    assert "3.00" in page.content.decode()


def test_chosen_columns_and_sort_keep_the_filters(client, fields):
    ProductFactory(code="B-1", name="Bolt", custom={"grade": "A", "weight": "2.5"})
    ProductFactory(code="B-2", name="Bracket", custom={"grade": "B"})
    ProductFactory(code="C-1", name="Cable", custom={"grade": "A"}, active=False)
    client.force_login(user_with("operations"))
    params = {"q": "B", "active": "true", "cf_grade": "A", "sort": "-code",
              "cols": "name,custom.weight,code"}  # fmt: skip
    page = client.get(LIST, params)
    assert headers(page) == ["name", "custom.weight", "code"]
    body = page.content.decode()
    assert "Bolt" in body and "Bracket" not in body and "Cable" not in body
    assert "2.50" in body or "2.5" in body
    assert 'name="sort" value="-code"' in body  # the filter bar keeps the sort
    page = client.get(LIST, {"sort": "-code", "active": "true"}).content.decode()
    assert page.index("B-2") < page.index("B-1")
    # Unknown columns and sorts are ignored, never an error.
    page = client.get(LIST, {"sort": "nonsense", "cols": "nope"})
    assert page.status_code == 200 and headers(page)[0] == "code"


def test_saved_default_view_opens_the_product_list(client, fields):
    ProductFactory()
    user = user_with("sales")
    client.force_login(user)
    response = client.post(
        reverse("listviews:save"),
        {
            "list_name": "products",
            "state": "active=true&sort=-code&cols=code,custom.grade",
            "name": "Graded",
            "make_default": "on",
        },
    )
    assert response.status_code == 302
    view = SavedView.objects.get()
    assert (view.query, view.sort, view.columns) == (
        "active=true",
        "-code",
        ["code", "custom.grade"],
    )
    assert client.get(LIST)["Location"] == view.address()
    assert headers(client.get(view.address())) == ["code", "custom.grade"]


def test_a_column_of_a_hidden_field_cannot_be_saved(client, fields):
    client.force_login(user_with("sales"))
    response = client.post(
        reverse("listviews:save"),
        {"list_name": "products", "state": "cols=code,custom.cost", "name": "Costs"},
    )
    assert response.status_code == 400
    assert "Unknown column" in response.content.decode()
    assert not SavedView.objects.exists()


@pytest.mark.parametrize(
    "body, field",
    [
        ({"columns": ["code", "nonsense"]}, "columns"),
        ({"query": "colour=red"}, "query"),
        ({"query": "cf_grade=Z"}, "query"),
        ({"sort": "price"}, "sort"),
    ],
)
def test_api_refuses_bad_product_views(fields, body, field):
    c = APIClient()
    c.force_authenticate(user_with("sales"))
    response = c.post(
        "/api/v1/list-views/", {"list_name": "products", "name": "Bad", **body}, format="json"
    )
    assert response.status_code == 400 and field in response.json()
    assert not SavedView.objects.exists()


def test_api_saves_a_product_view(fields):
    c = APIClient()
    c.force_authenticate(user_with("sales"))
    response = c.post(
        "/api/v1/list-views/",
        {"list_name": "products", "name": "Mine", "query": "active=true",
         "columns": ["code", "custom.grade"], "sort": "code"},
        format="json",
    )  # fmt: skip
    assert response.status_code == 201, response.json()
    assert response.json()["address"].startswith(LIST + "?")


def test_queries_do_not_grow_with_rows_with_every_column(client, fields):
    client.force_login(user_with("operations"))
    every = (
        "code,name,unit,price,tax,status,description,currency,"
        "custom.grade,custom.weight,custom.cost"
    )
    custom = {"grade": "A", "weight": "1.5", "cost": {"amount": "9.00", "currency": "USD"}}
    ProductFactory(custom=custom, price=Decimal("5.00"))
    client.get(LIST, {"cols": every})

    def count():
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(LIST, {"cols": every, "sort": "code"})
        assert response.status_code == 200 and len(headers(response)) == 11
        return len(ctx.captured_queries)

    few = count()
    for _ in range(20):
        ProductFactory(custom=custom)
    assert count() == few
