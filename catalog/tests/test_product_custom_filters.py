"""The product list page shows a filter for each custom field of products and applies it;
the page's queries do not grow with the rows."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from catalog.tests.factories import ProductFactory
from customfields.models import FieldType
from customfields.tests.factories import define
from roles.tests.factories import user_with

pytestmark = pytest.mark.django_db


@pytest.fixture
def fields():
    define("product", "family", FieldType.CHOICE, label_en="Family", choices=["MES", "ERP"])
    define("product", "export_ok", FieldType.BOOLEAN, label_en="Export allowed")


def browser(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_filter_is_shown_and_narrows_the_rows(fields):
    ProductFactory(name="Shop floor suite", custom={"family": "MES", "export_ok": True})
    ProductFactory(name="Ledger suite", custom={"family": "ERP"})
    client = browser(user_with("sales"))
    page = client.get("/catalog/products/").content.decode()
    assert 'name="cf_family"' in page and 'name="cf_export_ok"' in page
    assert "Shop floor suite" in page and "Ledger suite" in page
    filtered = client.get("/catalog/products/", {"cf_family": "ERP"}).content.decode()
    assert "Ledger suite" in filtered and "Shop floor suite" not in filtered
    yes = client.get("/catalog/products/", {"cf_export_ok": "yes"}).content.decode()
    assert "Shop floor suite" in yes and "Ledger suite" not in yes


def test_the_queries_do_not_grow_with_the_rows(fields, django_assert_max_num_queries):
    client = browser(user_with("sales"))
    counts = []
    for rows in (3, 30):  # a part page, then a full one (25 a page)
        for _ in range(rows - (3 if counts else 0)):
            ProductFactory(custom={"family": "MES"})
        with CaptureQueriesContext(connection) as ctx:
            page = client.get("/catalog/products/", {"cf_family": "MES"})
        assert page.status_code == 200
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1], counts
    with django_assert_max_num_queries(counts[1]):
        client.get("/catalog/products/", {"cf_family": "MES", "page": 2})
