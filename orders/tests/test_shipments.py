"""Shipments: partial quantities, never beyond what was ordered (also when two are recorded at
once, on PostgreSQL), and `ship` only when every line is covered."""

from __future__ import annotations

import threading
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction
from rest_framework.test import APIClient

from orders.models import OrderLine, Shipment
from orders.tests.factories import order_in
from roles.tests.factories import user_with

pytestmark = pytest.mark.django_db


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def ship_body(order, quantities, tracking="SF1001"):
    lines = list(order.lines.order_by("position", "pk"))
    return {
        "order": order.pk,
        "carrier": "SF Express",
        "tracking_number": tracking,
        "lines": [
            {"order_line": line.pk, "quantity": str(q)}
            for line, q in zip(lines, quantities, strict=False)
            if q
        ],
    }


def shipped(order):
    return [line.shipped_quantity for line in order.lines.order_by("position", "pk")]


def test_two_partial_shipments_then_ship():
    order = order_in("in_fulfillment", quantity="10", lines=2)
    ops = user_with("operations")
    client = api(ops)
    first = client.post("/api/v1/shipments/", ship_body(order, [4, 10]), format="json")
    assert first.status_code == 201, first.content
    assert first.json()["carrier"] == "SF Express"
    assert shipped(order) == [Decimal("4"), Decimal("10")]
    # not every line is covered yet: ship is refused with the reason
    refused = client.post(f"/api/v1/orders/{order.pk}/transitions/ship/", {})
    assert refused.status_code == 400
    assert "4.000/10.000" in str(refused.json()["shipments"])
    second = client.post("/api/v1/shipments/", ship_body(order, [6], "SF1002"), format="json")
    assert second.status_code == 201, second.content
    assert shipped(order) == [Decimal("10"), Decimal("10")]
    response = client.post(f"/api/v1/orders/{order.pk}/transitions/ship/", {})
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "shipped" and len(body["shipments"]) == 2
    assert [line["remaining"] for line in body["lines"]] == ["0.000", "0.000"]


@pytest.mark.parametrize(
    "quantities,needle",
    [
        ([11], "more than the 10 left"),
        ([Decimal("10.001")], "more than the 10 left"),
        ([0], "greater than or equal to 0.001"),
    ],
)
def test_a_shipment_over_the_ordered_quantity_is_refused(quantities, needle):
    order = order_in("in_fulfillment", quantity="10", lines=1)
    body = ship_body(order, [1])
    body["lines"][0]["quantity"] = str(quantities[0])
    response = api(user_with("operations")).post("/api/v1/shipments/", body, format="json")
    assert response.status_code == 400
    assert needle in str(response.json())
    assert not Shipment.objects.exists()
    assert shipped(order) == [Decimal("0")]


def test_the_same_line_twice_in_one_shipment_counts_together():
    order = order_in("in_fulfillment", quantity="10", lines=1)
    line = order.lines.get()
    body = ship_body(order, [6])
    body["lines"].append({"order_line": line.pk, "quantity": "6"})
    response = api(user_with("operations")).post("/api/v1/shipments/", body, format="json")
    assert response.status_code == 400
    assert "12" in str(response.json())
    assert not Shipment.objects.exists()


def test_after_a_partial_shipment_only_the_rest_can_ship():
    order = order_in("in_fulfillment", quantity="10", lines=1)
    client = api(user_with("operations"))
    assert (
        client.post("/api/v1/shipments/", ship_body(order, [7]), format="json").status_code == 201
    )
    response = client.post("/api/v1/shipments/", ship_body(order, [4]), format="json")
    assert response.status_code == 400
    assert "3 left" in str(response.json())
    assert shipped(order) == [Decimal("7")]


def test_a_line_of_another_order_is_refused():
    order = order_in("in_fulfillment", lines=1)
    other = order_in("in_fulfillment", lines=1)
    body = ship_body(order, [1])
    body["lines"][0]["order_line"] = other.lines.get().pk
    response = api(user_with("operations")).post("/api/v1/shipments/", body, format="json")
    assert response.status_code == 400
    assert shipped(other) == [Decimal("0")]


@pytest.mark.parametrize("state", ["pending", "confirmed", "shipped", "cancelled"])
def test_shipments_only_while_in_fulfilment(state):
    order = order_in(state, lines=1)
    response = api(user_with("operations")).post(
        "/api/v1/shipments/", ship_body(order, [1]), format="json"
    )
    assert response.status_code == 400
    assert "in fulfilment" in str(response.json())


def test_carrier_and_tracking_are_required():
    order = order_in("in_fulfillment", lines=1)
    body = ship_body(order, [1]) | {"carrier": "", "tracking_number": ""}
    response = api(user_with("operations")).post("/api/v1/shipments/", body, format="json")
    assert response.status_code == 400
    assert {"carrier", "tracking_number"} <= set(response.json())


def test_services_ship_without_carrier_or_tracking_but_goods_do_not():
    from catalog.models import Product

    order = order_in("in_fulfillment", lines=1)
    Product.objects.filter(pk=order.lines.get().product_id).update(is_goods=False)
    body = ship_body(order, [1]) | {"carrier": "", "tracking_number": ""}
    response = api(user_with("operations")).post("/api/v1/shipments/", body, format="json")
    assert response.status_code == 201, response.json()
    assert Shipment.objects.get(order=order).carrier == ""

    goods = order_in("in_fulfillment", lines=1)  # a product is goods unless marked otherwise
    body = ship_body(goods, [1]) | {"carrier": " ", "tracking_number": ""}
    response = api(user_with("operations")).post("/api/v1/shipments/", body, format="json")
    assert response.status_code == 400
    assert {"carrier", "tracking_number"} <= set(response.json())
    assert not Shipment.objects.filter(order=goods).exists()


def test_the_shipment_form_without_carrier_is_shown_again_for_goods(client):
    order = order_in("in_fulfillment", lines=1)
    line = order.lines.get()
    client.force_login(user_with("operations"))
    url = f"/orders/{order.pk}/shipments/"
    response = client.post(url, {"carrier": "", "tracking_number": "", f"line_{line.pk}": "1"})
    assert response.status_code == 400
    assert "The carrier is required for goods." in response.content.decode()
    assert not Shipment.objects.filter(order=order).exists()


def test_only_operations_record_shipments_and_the_owner_sees_them():
    order = order_in("in_fulfillment", lines=1)
    for user in (order.owner, user_with("manager"), user_with("service")):
        response = api(user).post("/api/v1/shipments/", ship_body(order, [1]), format="json")
        assert response.status_code == 403
    client = api(user_with("operations"))
    created = client.post("/api/v1/shipments/", ship_body(order, [1]), format="json")
    assert created.status_code == 201
    owner_view = api(order.owner).get("/api/v1/shipments/").json()["results"]
    assert [s["id"] for s in owner_view] == [created.json()["id"]]
    assert api(user_with("sales")).get("/api/v1/shipments/").json()["results"] == []


def test_the_database_refuses_shipped_beyond_ordered():
    order = order_in("in_fulfillment", quantity="5", lines=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        OrderLine.objects.filter(order=order).update(shipped_quantity=Decimal("5.001"))


def test_shipments_list_runs_a_fixed_number_of_queries(django_assert_max_num_queries):
    ops = user_with("operations")
    client = api(ops)
    for i in range(6):
        order = order_in("in_fulfillment", quantity="10", lines=2)
        client.post("/api/v1/shipments/", ship_body(order, [1, 1], f"T{i}"), format="json")
    for size in (2, 6):
        with django_assert_max_num_queries(6):
            response = client.get("/api/v1/shipments/", {"page_size": size})
        assert len(response.json()["results"]) == size
        assert len(response.json()["results"][0]["lines"]) == 2


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_shipments_recorded_at_once_never_exceed_the_order():
    order = order_in("in_fulfillment", quantity="10", lines=1)
    ops = [user_with("operations"), user_with("operations")]
    barrier = threading.Barrier(2)
    answers: list[int] = []

    def attempt(user, tracking):
        try:
            client = api(user)
            barrier.wait(timeout=10)
            response = client.post(
                "/api/v1/shipments/", ship_body(order, [6], tracking), format="json"
            )
            answers.append(response.status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt, args=(user, f"T{i}")) for i, user in enumerate(ops)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(answers) == [201, 400]
    assert shipped(order) == [Decimal("6")]
    assert Shipment.objects.filter(order=order).count() == 1


def test_a_retried_shipment_post_with_an_idempotency_key_records_once():
    order = order_in("in_fulfillment", quantity="10", lines=1)
    client = api(user_with("operations"))
    body = ship_body(order, [3])
    first = client.post("/api/v1/shipments/", body, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    again = client.post("/api/v1/shipments/", body, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert first.status_code == again.status_code == 201
    assert first.json()["id"] == again.json()["id"]
    assert Shipment.objects.count() == 1 and shipped(order) == [Decimal("3")]


def test_the_shipment_form_names_what_is_left_in_the_readers_language():
    from django.utils import translation

    from orders.forms import ShipmentForm

    order = order_in("in_fulfillment", quantity="4", lines=1)
    line = order.lines.get()
    with translation.override("zh-hans"):
        label = str(ShipmentForm(order_lines=[line]).fields[f"line_{line.pk}"].label)
    assert label == f"{line}（剩余：4）"
    with translation.override("en"):
        label = str(ShipmentForm(order_lines=[line]).fields[f"line_{line.pk}"].label)
    assert label == f"{line} (left: 4)"
