"""API hygiene: digits-only ids, JSON errors everywhere under /api/, strict decimals, a schema
that tells the truth, and a 400 for unknown query parameters."""

from __future__ import annotations

import importlib
import json
import pkgutil

import pytest
from drf_spectacular.generators import SchemaGenerator
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.test import APIClient, APIRequestFactory

from billing.tests.factories import issued_invoice
from config.api import API_APPS, router
from customers.tests.factories import AccountFactory
from leads.tests.factories import LeadFactory
from ltc.api.fields import StrictDecimalField
from ltc.api.query import allowed_query_params
from roles.tests.factories import user_with

pytestmark = pytest.mark.django_db


def client_for(*roles):
    client = APIClient()
    user = user_with(*roles)
    client.force_authenticate(user)
    return client, user


# --- ids and errors ---------------------------------------------------------------------------
def test_every_api_route_takes_digits_only_as_id():
    patterns = [str(p.pattern) for p in router.urls]
    with_ids = [p for p in patterns if "(?P<pk>" in p]
    assert len(with_ids) > 20
    for pattern in with_ids:
        assert "(?P<pk>[0-9]+)" in pattern, pattern


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/statements/abc/",
        "/api/v1/quotes/0.5/transitions/",
        "/api/v1/leads/1e3/",
        "/api/v1/leads/%EF%BC%91/",  # a full-width digit one
        "/api/v1/no-such-resource/",
        "/api/nothing-here/",
    ],
)
def test_an_unmatched_api_path_is_a_json_404(path):
    client, _user = client_for("finance", "manager")
    response = client.get(path)
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    assert json.loads(response.content) == {"detail": "Not found."}


def test_a_page_outside_the_api_keeps_the_html_404():
    client, _user = client_for("manager")
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


# --- strict decimals --------------------------------------------------------------------------
@pytest.mark.parametrize(
    "amount", ["１２３", "1_000", " 5 ", "5 ", "1E+2", "1e2", "NaN", "Infinity", True]
)
def test_a_payment_amount_must_be_a_plain_decimal(amount):
    from billing.models import Payment

    client, _user = client_for("finance")
    invoice = issued_invoice()
    response = client.post(
        "/api/v1/payments/",
        {"account": invoice.account_id, "amount": amount, "currency": invoice.currency},
        format="json",
    )
    assert response.status_code == 400, response.content
    assert "amount" in response.json()
    assert not Payment.objects.exists()


@pytest.mark.parametrize("price", ["１２３", "1_000", " 5 ", "1E+2"])
def test_a_product_price_must_be_a_plain_decimal(price):
    from catalog.models import Product

    client, _user = client_for("sales_support")
    response = client.post(
        "/api/v1/products/",
        {"code": "P-1", "name": "Widget", "unit": "pcs", "price": price, "currency": "CNY"},
        format="json",
    )
    assert response.status_code == 400, response.content
    assert "price" in response.json()
    assert not Product.objects.exists()


@pytest.mark.parametrize("price", ["12.50", 12.5, 12, "-0", ".5"])
def test_plain_decimals_and_json_numbers_are_taken(price):
    field = StrictDecimalField(max_digits=10, decimal_places=2)
    assert field.run_validation(price) is not None


def _project_serializers():
    """Every serializer class defined in the project's apps."""
    for app in API_APPS:
        package = importlib.import_module(app)
        for info in pkgutil.walk_packages(package.__path__, f"{app}."):
            if ".tests" in info.name or ".migrations" in info.name:
                continue
            if not info.name.endswith(("api", "serializers", "integrations", "views")):
                continue
            importlib.import_module(info.name)

    def walk(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from walk(sub)

    for cls in set(walk(serializers.BaseSerializer)):
        if cls.__module__.split(".")[0] in API_APPS and not cls.__name__.startswith("Patched"):
            yield cls


def _fields(serializer, prefix=""):
    for name, field in serializer.fields.items():
        yield f"{prefix}{name}", field
        child = getattr(field, "child", None)
        if isinstance(field, serializers.BaseSerializer) and hasattr(field, "fields"):
            yield from _fields(field, f"{prefix}{name}.")
        elif isinstance(child, serializers.BaseSerializer):
            yield from _fields(child, f"{prefix}{name}[].")


def test_every_writable_decimal_in_the_api_is_strict():
    request = APIRequestFactory().get("/")
    request.user = user_with("manager")
    checked = []
    for cls in _project_serializers():
        try:
            instance = cls(context={"request": request})
            fields = list(_fields(instance))
        except (TypeError, AssertionError, AttributeError, KeyError):
            continue  # needs arguments only its view gives; its fields are checked via others
        for name, field in fields:
            if isinstance(field, serializers.DecimalField) and not field.read_only:
                checked.append(f"{cls.__name__}.{name}")
                assert isinstance(field, StrictDecimalField), f"{cls.__name__}.{name}"
    assert len(checked) > 10, checked


# --- unknown query parameters -----------------------------------------------------------------
def test_an_unknown_query_parameter_is_a_400_naming_it():
    client, _user = client_for("sales")
    response = client.get("/api/v1/leads/", {"bogus": "1", "alsobad": "x"})
    assert response.status_code == 400
    message = response.json()["query_params"][0]
    assert "alsobad" in message and "bogus" in message


def test_known_query_parameters_are_taken():
    client, user = client_for("sales")
    LeadFactory(owner=user)
    response = client.get(
        "/api/v1/leads/",
        {"page": 1, "page_size": 5, "ordering": "-score", "search": "x", "status": "new"},
    )
    assert response.status_code == 200, response.content


def test_a_record_read_takes_no_list_parameters():
    client, user = client_for("sales")
    lead = LeadFactory(owner=user)
    assert client.get(f"/api/v1/leads/{lead.pk}/").status_code == 200
    response = client.get(f"/api/v1/leads/{lead.pk}/", {"page": "2"})
    assert response.status_code == 400
    assert "page" in response.json()["query_params"][0]


def test_documented_query_parameters_are_exactly_the_accepted_ones():
    """What the schema lists for each operation is what the view lets through."""
    generator = SchemaGenerator()
    schema = generator.get_schema(request=None, public=True)
    endpoints = generator._get_paths_and_endpoints()
    assert len(endpoints) > 50
    user = user_with("manager")
    mismatches = []
    for path, _regex, method, view in endpoints:
        if path not in schema["paths"]:
            continue  # the schema and docs views themselves
        operation = schema["paths"][path][method.lower()]
        documented = {p["name"] for p in operation.get("parameters", []) if p["in"] == "query"}
        view.request = Request(APIRequestFactory().generic(method, path))
        view.request.user = user
        accepted = allowed_query_params(view) - {"format"}
        if documented != accepted:
            mismatches.append((method, path, sorted(documented), sorted(accepted)))
    assert not mismatches, mismatches


# --- the schema tells the truth ----------------------------------------------------------------
@pytest.fixture(scope="module")
def components(django_db_blocker):
    with django_db_blocker.unblock():
        return SchemaGenerator().get_schema(request=None, public=True)["components"]["schemas"]


def test_blank_emails_are_documented_as_email_or_empty(components):
    for component, field in [("Account", "email"), ("Invoice", "emailed_to"), ("Survey", "email")]:
        prop = components[component]["properties"][field]
        assert "format" not in prop, (component, field)
        formats = [(option.get("format"), option.get("maxLength")) for option in prop["oneOf"]]
        assert formats[0][0] == "email" and formats[1] == (None, 0), (component, field)


def test_owner_name_is_nullable_where_the_owner_is(components):
    assert components["Lead"]["properties"]["owner_name"]["nullable"] is True
    assert components["Account"]["properties"]["owner_name"]["nullable"] is True


def test_invoice_money_fields_are_not_required_as_sales_do_not_get_them(components):
    required = set(components["Invoice"]["required"])
    assert {"id", "number", "status", "account"} <= required
    assert not {"amount_credited", "total", "balance", "lines"} & required
    client, user = client_for("sales")
    invoice = issued_invoice(account=AccountFactory(owner=user))
    body = client.get(f"/api/v1/invoices/{invoice.pk}/").json()
    assert "total" not in body and body["status"] == "issued"


def test_every_operation_documents_the_common_error_answers():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            codes = set(operation["responses"])
            if path.endswith("/auth/token/"):
                assert {"400", "429"} <= codes
                continue
            assert {"400", "401", "403", "404", "429"} <= codes, (method, path)
            if method in ("post", "put", "patch", "delete"):
                assert {"409", "413"} <= codes, (method, path)


@pytest.mark.parametrize(
    "moment", ["1271-02-18T07:45:01", "1900-01-01T00:00:00Z", "9999-12-31T23:59:59"]
)
def test_a_date_time_outside_1970_to_9000_is_refused(moment):
    from leads.models import Lead

    client, _user = client_for("sales")
    response = client.post(
        "/api/v1/leads/",
        {"name": "Li", "email": "li@example.com", "next_follow_up_at": moment},
        format="json",
    )
    assert response.status_code == 400, response.content
    assert "next_follow_up_at" in response.json()
    assert not Lead.objects.exists()
