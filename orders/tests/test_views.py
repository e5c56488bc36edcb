"""Order pages: the role × transition matrix through the browser transition view, the detail
page, recording shipments in the page, the operations queue, bounded queries."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from orders.models import Order
from orders.tests.factories import order_in
from orders.tests.test_api import ORDER_TABLE, SEES, STATES, make_actor
from orders.tests.test_api import expected as api_expected
from roles.tests.factories import user_with

pytestmark = pytest.mark.django_db

DATA = {
    "reason": "Customer changed plans",
    "delivered_on": timezone.localdate().isoformat(),
    "accepted_on": timezone.localdate().isoformat(),
}


def expected(actor, name, state) -> int:
    code = api_expected(actor, name, state)
    return 302 if code == 200 else code


def other_state(name):
    return next(s for s in STATES if s not in ORDER_TABLE[name][0])


CASES = [(a, n, s) for a in SEES for n in ORDER_TABLE for s in (*ORDER_TABLE[n][0], other_state(n))]


@pytest.mark.parametrize("actor,name,state", CASES)
def test_browser_role_transition_matrix(client, actor, name, state):
    from django.db.models import F

    order = order_in(state)
    if name == "ship":
        order.lines.update(shipped_quantity=F("quantity"))
    client.force_login(make_actor(actor, order))
    response = client.post(reverse("transition", args=["orders", "order", order.pk, name]), DATA)
    want = expected(actor, name, state)
    assert response.status_code == want, (actor, name, state)
    order.refresh_from_db()
    if want == 302:
        assert order.status == ORDER_TABLE[name][1]
    else:
        assert order.status == state
        if want != 404:
            assert b'data-testid="order-status"' in response.content


def ship_data(order, quantities, tracking="SF1"):
    data = {"carrier": "SF Express", "tracking_number": tracking, "notes": ""}
    for line, quantity in zip(order.lines.order_by("position", "pk"), quantities, strict=False):
        data[f"line_{line.pk}"] = str(quantity)
    return data


def test_operations_record_two_partial_shipments_in_the_page(client):
    order = order_in("in_fulfillment", quantity="10", lines=2)
    client.force_login(user_with("operations"))
    page = client.get(order.get_absolute_url()).content.decode()
    assert 'id="shipment-form"' in page
    url = reverse("orders:shipment-add", args=[order.pk])
    assert client.post(url, ship_data(order, [4, 10])).status_code == 302
    # over the remaining quantity: refused on the page with the reason, nothing recorded
    response = client.post(url, ship_data(order, [7], "SF2"))
    assert response.status_code == 400
    assert "more than the 6 left" in response.content.decode()
    assert order.shipments.count() == 1
    assert client.post(url, ship_data(order, [6], "SF3")).status_code == 302
    response = client.post(reverse("transition", args=["orders", "order", order.pk, "ship"]))
    assert response.status_code == 302
    order.refresh_from_db()
    assert order.status == "shipped"
    html = client.get(order.get_absolute_url()).content.decode()
    assert "SF1" in html and "SF3" in html and 'id="shipment-form"' not in html


def test_sales_cannot_record_shipments_in_the_page(client):
    order = order_in("in_fulfillment", lines=1)
    client.force_login(order.owner)
    assert 'id="shipment-form"' not in client.get(order.get_absolute_url()).content.decode()
    response = client.post(reverse("orders:shipment-add", args=[order.pk]), ship_data(order, [1]))
    assert response.status_code == 403
    assert not order.shipments.exists()


def test_the_operations_queue_page_is_oldest_first(client):
    first = order_in("confirmed")
    second = order_in("confirmed")
    Order.objects.filter(pk=first.pk).update(
        confirmed_at=timezone.now() - datetime.timedelta(days=2)
    )
    order_in("pending")
    client.force_login(user_with("operations"))
    html = client.get(reverse("orders:queue")).content.decode()
    assert html.index(first.get_absolute_url()) < html.index(second.get_absolute_url())
    client.force_login(user_with("sales"))
    assert client.get(reverse("orders:queue")).status_code == 403


def test_order_list_visibility(client):
    mine = order_in("pending")
    other = order_in("pending")
    client.force_login(mine.owner)
    html = client.get(reverse("orders:list")).content.decode()
    assert mine.get_absolute_url() in html and other.get_absolute_url() not in html
    assert client.get(other.get_absolute_url()).status_code == 404
    client.force_login(user_with("finance"))
    assert client.get(reverse("orders:list")).status_code == 403


@pytest.mark.parametrize("page", ["orders:list", "orders:queue"])
def test_lists_run_a_fixed_number_of_queries(client, page, django_assert_max_num_queries):
    client.force_login(user_with("operations"))
    for n in (2, 12):
        while Order.objects.count() < n:
            order_in("confirmed")
        with django_assert_max_num_queries(14):
            response = client.get(reverse(page))
        assert response.status_code == 200
