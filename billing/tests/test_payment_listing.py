"""The payment list as a shaped list (listviews): only the roles that see money open it or
save a view of it; its status and account filters keep working beside sort and columns; the
queries do not grow with the rows."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient

from billing.models import Payment
from billing.tests.factories import finance_user, issued_invoice, pay
from customers.tests.factories import AccountFactory
from listviews.models import SavedView
from roles.tests.factories import user_with

pytestmark = pytest.mark.django_db

LIST = reverse("billing:payment-list")


def headers(response) -> list[str]:
    return re.findall(r'data-col="([a-z_.]+)"', response.content.decode())


@pytest.fixture
def finance(client):
    user = finance_user()
    client.force_login(user)
    return user


def test_columns_sort_and_filters(client, finance):
    first = pay(issued_invoice(user=finance), "10.00", user=finance, reference="REF-A")
    second = pay(issued_invoice(user=finance), "20.00", user=finance, reference="REF-B")
    Payment.objects.filter(pk=second.pk).update(status="reversed")  # fixture shortcut
    page = client.get(LIST)
    assert headers(page) == ["payment", "status", "date", "reference", "amount", "unallocated"]
    page = client.get(LIST, {"sort": "-reference", "cols": "reference,invoices,method"})
    assert headers(page) == ["reference", "invoices", "method"]
    body = page.content.decode()
    assert body.index("REF-B") < body.index("REF-A")
    assert first.allocations.get().invoice.number in body
    filtered = client.get(LIST, {"status": "reversed", "sort": "reference"}).content.decode()
    assert "REF-B" in filtered and "REF-A" not in filtered
    assert 'name="sort" value="reference"' in filtered
    other = client.get(LIST, {"account": first.account_id}).content.decode()
    assert "REF-A" in other and "REF-B" not in other
    # A status that does not exist or an unknown sort is ignored, never an error.
    page = client.get(LIST, {"status": "nonsense", "sort": "amount"})
    assert page.status_code == 200 and "REF-A" in page.content.decode()


def test_default_view_opens_the_payment_list(client, finance):
    response = client.post(
        reverse("listviews:save"),
        {"list_name": "payments", "state": "status=recorded&sort=-payment", "name": "Open",
         "make_default": "on"},
    )  # fmt: skip
    assert response.status_code == 302
    view = SavedView.objects.get()
    assert client.get(LIST)["Location"] == view.address()
    assert client.get(view.address()).status_code == 200


@pytest.mark.parametrize("role", ["sales", "marketing", "service"])
def test_roles_without_money_may_not_open_or_save(client, role):
    user = user_with(role)
    client.force_login(user)
    assert client.get(LIST).status_code == 403
    response = client.post(
        reverse("listviews:save"), {"list_name": "payments", "state": "", "name": "Mine"}
    )
    assert response.status_code == 400
    c = APIClient()
    c.force_authenticate(user)
    response = c.post("/api/v1/list-views/", {"list_name": "payments", "name": "x"}, format="json")
    assert response.status_code == 400 and "list_name" in response.json()
    assert not SavedView.objects.exists()


@pytest.mark.parametrize("role", ["finance", "manager"])
def test_money_roles_save_payment_views_through_the_api(role):
    c = APIClient()
    c.force_authenticate(user_with(role))
    response = c.post(
        "/api/v1/list-views/",
        {"list_name": "payments", "name": "x", "query": "status=recorded", "sort": "-status"},
        format="json",
    )
    assert response.status_code == 201, response.json()
    response = c.post(
        "/api/v1/list-views/",
        {"list_name": "payments", "name": "y", "query": "status=nope", "columns": ["zz"]},
        format="json",
    )
    assert response.status_code == 400 and {"query", "columns"} <= set(response.json())


def test_queries_do_not_grow_with_rows_with_every_column(client, finance):
    every = "payment,status,date,reference,amount,unallocated,created,method,allocated,invoices"
    account = AccountFactory()
    pay(issued_invoice(user=finance, account=account), "10.00", user=finance)
    client.get(LIST, {"cols": every})

    def count():
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(LIST, {"cols": every, "sort": "-payment"})
        assert response.status_code == 200 and len(headers(response)) == 10
        return len(ctx.captured_queries)

    few = count()
    for _ in range(5):
        pay(issued_invoice(user=finance, account=account), "10.00", user=finance)
    assert count() == few
