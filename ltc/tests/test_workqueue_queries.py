"""The home page's work queue runs a fixed number of queries, however many items it shows."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from leads.tests.factories import lead_in
from opportunities.tests.factories import opportunity_in
from roles.tests.factories import user_with

pytestmark = pytest.mark.django_db


def queries_for_home(client, seller) -> int:
    client.force_login(seller)
    client.get(reverse("home"))
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(reverse("home")).status_code == 200
    return len(ctx.captured_queries)


def test_home_queries_do_not_grow_with_the_items(client):
    seller = user_with("sales")
    opportunity_in("negotiation", owner=seller)
    lead_in("working", owner=seller)
    few = queries_for_home(client, seller)
    for _i in range(5):  # owners shown on every item: joined, not queried per item
        opportunity_in("negotiation", owner=seller)
        lead_in("working", owner=seller)
    assert queries_for_home(client, seller) == few
