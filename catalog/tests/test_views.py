"""Products in the browser: everyone reads active products; sales support and operations
maintain the catalog."""

import html
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from catalog.models import Product
from catalog.tests.factories import ProductFactory
from roles.tests.factories import UserFactory, user_with

pytestmark = pytest.mark.django_db

MAINTAINERS = ["sales_support", "operations"]
READERS = ["marketing", "sales", "finance", "service", "manager"]


def text(response):
    return html.unescape(response.content.decode())


def product_form(**overrides):
    data = {
        "code": "ERP-STD",
        "name": "ERP Standard licence",
        "unit": "seat",
        "price": "3800.00",
        "currency": "CNY",
        "tax_rate": "13.00",
        "active": "on",
    }
    data.update(overrides)
    return data


def listed(client, user, **params):
    client.force_login(user)
    response = client.get(reverse("catalog:product-list"), params)
    assert response.status_code == 200
    return {p.code for p in response.context["page"].object_list}


@pytest.mark.parametrize("role", READERS)
def test_readers_see_active_products_only(client, role):
    ProductFactory(code="A-1")
    retired = ProductFactory(code="OLD-1", active=False)
    user = user_with(role)
    assert listed(client, user) == {"A-1"}
    assert client.get(retired.get_absolute_url()).status_code == 404
    assert client.get(Product.objects.get(code="A-1").get_absolute_url()).status_code == 200


@pytest.mark.parametrize("role", MAINTAINERS)
def test_maintainers_see_inactive_products_too(client, role):
    ProductFactory(code="A-1")
    ProductFactory(code="OLD-1", active=False)
    assert listed(client, user_with(role)) == {"A-1", "OLD-1"}
    assert listed(client, user_with(role), active="false") == {"OLD-1"}


def test_product_search(client):
    ProductFactory(code="SCAN-X1", name="Barcode scanner")
    ProductFactory(code="ERP-PRO", name="ERP Professional")
    user = user_with("sales")
    assert listed(client, user, q="scanner") == {"SCAN-X1"}
    assert listed(client, user, q="erp-") == {"ERP-PRO"}


@pytest.mark.parametrize("role", MAINTAINERS)
def test_maintainers_create_and_edit(client, role):
    client.force_login(user_with(role))
    assert client.get(reverse("catalog:product-create")).status_code == 200
    response = client.post(reverse("catalog:product-create"), product_form())
    product = Product.objects.get()
    assert response.status_code == 302
    assert response["Location"] == product.get_absolute_url()
    assert product.price == Decimal("3800.00")
    url = reverse("catalog:product-edit", args=[product.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, product_form(price="3999.50", active=""))
    assert response.status_code == 302
    product.refresh_from_db()
    assert product.price == Decimal("3999.50")
    assert product.active is False


@pytest.mark.parametrize("role", READERS)
def test_readers_cannot_create_or_edit(client, role):
    product = ProductFactory(code="A-1", name="Keep")
    client.force_login(user_with(role))
    assert client.get(reverse("catalog:product-create")).status_code == 403
    assert client.post(reverse("catalog:product-create"), product_form()).status_code == 403
    url = reverse("catalog:product-edit", args=[product.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, product_form(code="A-1", name="Hijack")).status_code == 403
    assert Product.objects.get(pk=product.pk).name == "Keep"
    assert Product.objects.count() == 1


def test_user_without_role_cannot_edit(client):
    client.force_login(UserFactory())
    assert client.get(reverse("catalog:product-create")).status_code == 403


@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"code": ""}, "code"),
        ({"name": ""}, "name"),
        ({"price": "free"}, "price"),
        ({"price": "-1"}, "price"),
        ({"price": "1.234"}, "price"),
        ({"tax_rate": "101"}, "tax_rate"),
        ({"tax_rate": "-1"}, "tax_rate"),
        ({"currency": "BTC"}, "currency"),
    ],
)
def test_bad_input_is_400_with_errors_and_creates_nothing(client, overrides, field):
    client.force_login(user_with("operations"))
    response = client.post(reverse("catalog:product-create"), product_form(**overrides))
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert field in errors
    for error in errors[field]:
        assert error in text(response)
    assert not Product.objects.exists()


def test_duplicate_code_is_400(client):
    ProductFactory(code="ERP-STD")
    client.force_login(user_with("sales_support"))
    response = client.post(reverse("catalog:product-create"), product_form())
    assert response.status_code == 400
    assert "code" in response.context["form"].errors
    assert Product.objects.count() == 1


def test_edit_bad_input_changes_nothing(client):
    product = ProductFactory(code="A-1", price=Decimal("10.00"))
    client.force_login(user_with("operations"))
    url = reverse("catalog:product-edit", args=[product.pk])
    response = client.post(url, product_form(code="A-1", price="-3"))
    assert response.status_code == 400
    assert Product.objects.get(pk=product.pk).price == Decimal("10.00")


def test_product_list_runs_a_fixed_number_of_queries(client):
    client.force_login(user_with("sales"))
    ProductFactory()
    client.get(reverse("catalog:product-list"))
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("catalog:product-list"))
    for _ in range(30):
        ProductFactory()
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("catalog:product-list"))
    assert len(many) == len(few)
