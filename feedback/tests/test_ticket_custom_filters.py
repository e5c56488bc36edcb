"""The ticket list page filters on custom fields (`cf_<key>`) and finds text custom fields
with its search; a role that may not see a field gets no filter for it; the page's queries
do not grow with the rows."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from customfields.models import FieldType
from customfields.tests.factories import define
from feedback.tests.factories import ticket_in
from roles.tests.factories import user_with

pytestmark = pytest.mark.django_db


@pytest.fixture
def fields():
    define("ticket", "channel", FieldType.CHOICE, label_en="Channel", choices=["phone", "wechat"])
    define("ticket", "site", FieldType.TEXT, label_en="Site")
    define("ticket", "cost", FieldType.TEXT, label_en="Internal cost", view_roles=["manager"])


def browser(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_filter_narrows_the_rows(fields):
    ticket_in(subject="Phone case", custom={"channel": "phone", "site": "Suzhou plant"})
    ticket_in(subject="Wechat case", custom={"channel": "wechat", "site": "Wuxi"})
    client = browser(user_with("service"))
    page = client.get("/service/tickets/").content.decode()
    assert 'name="cf_channel"' in page and 'name="cf_site"' in page
    assert 'name="cf_cost"' not in page  # a field the role may not see
    assert "Phone case" in page and "Wechat case" in page

    filtered = client.get("/service/tickets/", {"cf_channel": "wechat"}).content.decode()
    assert "Wechat case" in filtered and "Phone case" not in filtered
    found = client.get("/service/tickets/", {"q": "suzhou"}).content.decode()
    assert "Phone case" in found and "Wechat case" not in found
    both = client.get("/service/tickets/", {"cf_channel": "phone", "status": "resolved"})
    assert "Phone case" not in both.content.decode()


def test_a_bad_filter_value_is_shown_with_its_error(fields):
    ticket_in(subject="Phone case", custom={"channel": "phone"})
    page = browser(user_with("service")).get("/service/tickets/", {"cf_channel": "fax"})
    assert page.status_code == 200
    assert "Select a valid choice." in page.content.decode()


def test_the_queries_do_not_grow_with_the_rows(fields, django_assert_max_num_queries):
    client = browser(user_with("service"))
    counts = []
    for rows in (3, 30):  # a part page, then a full one (25 a page)
        for _ in range(rows - (3 if counts else 0)):
            ticket_in(custom={"channel": "phone", "site": "x"})
        with CaptureQueriesContext(connection) as ctx:
            page = client.get("/service/tickets/", {"cf_channel": "phone"})
        assert page.status_code == 200
        links = page.content.decode().count('class="cell-main" href="/service/tickets/')
        assert links == min(rows, 25)
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1], counts
    with django_assert_max_num_queries(counts[1]):
        client.get("/service/tickets/", {"cf_channel": "phone", "page": 2})


@pytest.mark.parametrize(
    ("chosen", "shown", "hidden"),
    [
        ("operations", "Broken delivery", "Billing question"),
        ("service", "Billing question", "Broken delivery"),
    ],
)
def test_the_handled_by_filter_is_offered_and_narrows_the_rows(chosen, shown, hidden):
    ticket_in(subject="Broken delivery", assigned_role="operations")
    ticket_in(subject="Billing question", assigned_role="service")
    client = browser(user_with("manager"))
    page = client.get("/service/tickets/").content.decode()
    assert '<select name="assigned_role"' in page and "Handled by anyone" in page
    page = client.get(f"/service/tickets/?assigned_role={chosen}").content.decode()
    assert f'<option value="{chosen}" selected>' in page
    assert shown in page and hidden not in page


def test_the_handled_by_filter_is_translated():
    client = browser(user_with("manager"))
    page = client.get("/service/tickets/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "全部处理部门" in page and "运营" in page
