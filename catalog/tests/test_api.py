"""Products in the API: everyone reads the active catalog, sales support and operations
maintain it, Decimal money, bad input, filters, no delete, bounded queries."""

from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from catalog.models import Product
from catalog.tests.factories import ProductFactory
from roles.tests.factories import UserFactory, user_with

pytestmark = pytest.mark.django_db

PRODUCTS = "/api/v1/products/"
GOOD = {"code": "SRV-01", "name": "Installation", "price": "1999.90", "tax_rate": "6.00"}


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def token_api(user) -> APIClient:
    """A client that authenticates every request afresh, as an integrator's would (nothing
    cached on the user object between requests)."""
    from roles.tokens import token_issue

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token_issue(user=user)[1]}")
    # A token in use: its first use is recorded once (last_used_at), outside the counts.
    assert client.get("/api/v1/").status_code == 200
    return client


def ids(response) -> set[int]:
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


@pytest.mark.parametrize("role", ["sales_support", "operations"])
def test_maintainers_create_and_edit_products(role):
    client = api(user_with(role))
    created = client.post(PRODUCTS, GOOD)
    assert created.status_code == 201, created.content
    product = Product.objects.get()
    assert product.price == Decimal("1999.90")
    assert created.json()["price"] == "1999.90"
    assert created.json()["currency"] == "CNY"

    edited = client.patch(f"{PRODUCTS}{product.pk}/", {"active": False, "price": "10.05"})
    assert edited.status_code == 200
    product.refresh_from_db()
    assert (product.active, product.price) == (False, Decimal("10.05"))


@pytest.mark.parametrize("role", ["marketing", "sales", "finance", "service", "manager"])
def test_other_roles_read_but_do_not_maintain(role):
    product = ProductFactory()
    client = api(user_with(role))
    assert ids(client.get(PRODUCTS)) == {product.pk}
    assert client.post(PRODUCTS, GOOD).status_code == 403
    assert client.patch(f"{PRODUCTS}{product.pk}/", {"price": "1.00"}).status_code == 403
    assert Product.objects.count() == 1
    assert Product.objects.get().price == Decimal("100.00")


def test_inactive_products_only_for_maintainers():
    active = ProductFactory()
    retired = ProductFactory(active=False)
    assert ids(api(user_with("sales")).get(PRODUCTS)) == {active.pk}
    assert api(user_with("sales")).get(f"{PRODUCTS}{retired.pk}/").status_code == 404
    assert ids(api(user_with("operations")).get(PRODUCTS)) == {active.pk, retired.pk}


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({**GOOD, "code": ""}, "code"),
        ({**GOOD, "price": "-1"}, "price"),
        ({**GOOD, "price": "1.234"}, "price"),
        ({**GOOD, "price": "free"}, "price"),
        ({**GOOD, "tax_rate": "101"}, "tax_rate"),
        ({**GOOD, "currency": "BTC"}, "currency"),
        ({k: v for k, v in GOOD.items() if k != "name"}, "name"),
    ],
)
def test_bad_input_is_400_and_creates_nothing(body, field):
    response = api(user_with("operations")).post(PRODUCTS, body)
    assert response.status_code == 400
    assert field in response.json()
    assert not Product.objects.exists()


def test_duplicate_code_is_400():
    ProductFactory(code="SRV-01")
    response = api(user_with("operations")).post(PRODUCTS, GOOD)
    assert response.status_code == 400
    assert "code" in response.json()


def test_products_are_not_deleted_through_the_api():
    product = ProductFactory()
    response = api(UserFactory(is_superuser=True)).delete(f"{PRODUCTS}{product.pk}/")
    assert response.status_code == 405
    assert Product.objects.filter(pk=product.pk).exists()


def test_filters_search_and_ordering():
    ops = user_with("operations")
    a = ProductFactory(code="A-1", name="Sensor", currency="USD")
    b = ProductFactory(code="B-1", name="Gateway", active=False)
    client = api(ops)
    assert ids(client.get(PRODUCTS, {"active": "false"})) == {b.pk}
    assert ids(client.get(PRODUCTS, {"currency": "USD"})) == {a.pk}
    assert ids(client.get(PRODUCTS, {"search": "gate"})) == {b.pk}
    assert ids(client.get(PRODUCTS, {"search": "a-1"})) == {a.pk}
    codes = [r["code"] for r in client.get(PRODUCTS, {"ordering": "-code"}).json()["results"]]
    assert codes == ["B-1", "A-1"]
    assert client.get(PRODUCTS, {"currency": "BTC"}).status_code == 400


def test_idempotent_create():
    client = api(user_with("operations"))
    first = client.post(PRODUCTS, GOOD, HTTP_IDEMPOTENCY_KEY="p-1")
    second = client.post(PRODUCTS, GOOD, HTTP_IDEMPOTENCY_KEY="p-1")
    assert first.status_code == second.status_code == 201
    assert first.json() == second.json()
    assert Product.objects.count() == 1


def test_list_runs_a_fixed_number_of_queries(django_assert_max_num_queries):
    ProductFactory.create_batch(55)
    client = token_api(user_with("sales"))
    # token+user, roles, count, page
    for size in (5, 50):
        with django_assert_max_num_queries(4):
            response = client.get(PRODUCTS, {"page_size": size})
        assert len(response.json()["results"]) == size
