"""The lead-to-cash chain so far, through the API as each role would do it: win → draft
contract → 30/70 payment plan → finance approves → sales signs → order → confirm → fulfil →
two partial shipments → ship → deliver."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from contracts.models import Contract
from ltc.handoffs import order_delivered
from ltc.workqueue import work_queue
from notifications.models import Notification
from opportunities.models import Quote
from opportunities.tests.factories import QuoteFactory, add_line, opportunity_in
from orders.models import Order
from roles.tests.factories import user_with

pytestmark = pytest.mark.django_db


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def ok(response, status=200):
    assert response.status_code == status, response.content
    return response.json()


def test_win_to_delivery():
    seller = user_with("sales")
    support = user_with("sales_support")
    finance = user_with("finance")
    ops = user_with("operations")
    opp = opportunity_in("negotiation", owner=seller, solution_owner=support)
    quote = QuoteFactory(opportunity=opp)
    add_line(quote, quantity="10", unit_price="1000.00", tax_rate="13")
    add_line(quote, quantity="4", unit_price="250.00", tax_rate="13")
    Quote.objects.filter(pk=quote.pk).update(status="accepted")
    quote.refresh_from_db()
    assert quote.total == Decimal("12430.00")

    # sales wins the deal: the draft contract is there, assigned to the solution owner
    ok(api(seller).post(f"/api/v1/opportunities/{opp.pk}/transitions/win/", {}))
    contract = Contract.objects.get(opportunity=opp)
    assert Notification.objects.filter(recipient=support, key=f"contract-drafted:{contract.pk}")
    support_api = api(support)
    body = ok(support_api.get(f"/api/v1/contracts/{contract.pk}/"))
    assert body["status"] == "draft" and body["total"] == "12430.00"
    assert body["lead"] == opp.lead_id and body["quote"] == quote.pk

    # sales support: dates and a 30/70 payment plan, then submit for review
    today = timezone.localdate()
    ok(
        support_api.patch(
            f"/api/v1/contracts/{contract.pk}/",
            {
                "start_date": today.isoformat(),
                "end_date": (today + datetime.timedelta(days=365)).isoformat(),
            },
        )
    )
    plan = ok(
        support_api.put(
            f"/api/v1/contracts/{contract.pk}/payment-plan/",
            {
                "milestones": [
                    {"name": "Deposit", "percentage": "30", "trigger": "on_signing"},
                    {"name": "Balance", "percentage": "70", "trigger": "on_delivery"},
                ]
            },
            format="json",
        )
    )
    assert [m["amount"] for m in plan["milestones"]] == ["3729.00", "8701.00"]
    ok(support_api.post(f"/api/v1/contracts/{contract.pk}/transitions/submit_for_review/", {}))

    # finance approves (within the threshold, no credit limit): approved at once
    body = ok(api(finance).post(f"/api/v1/contracts/{contract.pk}/transitions/approve/", {}))
    assert body["status"] == "approved"
    assert [(s["role"], s["user"]) for s in body["sign_offs"]] == [("finance", finance.pk)]

    # sales signs: the contract is read-only and the order exists
    body = ok(
        api(seller).post(
            f"/api/v1/contracts/{contract.pk}/transitions/sign/",
            {"signed_on": today.isoformat(), "signed_by_name": "Mr Wang"},
        )
    )
    assert body["status"] == "signed" and body["signed_by_name"] == "Mr Wang"
    assert (
        api(support).patch(f"/api/v1/contracts/{contract.pk}/", {"terms": "x"}).status_code == 400
    )
    order = Order.objects.get(contract=contract)
    seller_api = api(seller)
    body = ok(seller_api.get(f"/api/v1/orders/{order.pk}/"))
    assert body["status"] == "pending" and body["total"] == "12430.00"
    assert [(line["quantity"], line["unit_price"]) for line in body["lines"]] == [
        ("10.000", "1000.00"),
        ("4.000", "250.00"),
    ]

    # sales confirms; the order is in operations' queue
    promised = (today + datetime.timedelta(days=14)).isoformat()
    ok(
        seller_api.post(
            f"/api/v1/orders/{order.pk}/transitions/confirm/", {"promised_delivery_date": promised}
        )
    )
    queue = {str(s["title"]): s["items"] for s in work_queue(ops)["sections"]}
    assert [o.pk for o in queue["Confirmed orders to start"]] == [order.pk]

    # operations: start, two partial shipments, ship, deliver
    ops_api = api(ops)
    ok(ops_api.post(f"/api/v1/orders/{order.pk}/transitions/start_fulfillment/", {}))
    lines = body["lines"]
    ok(
        ops_api.post(
            "/api/v1/shipments/",
            {
                "order": order.pk,
                "carrier": "SF Express",
                "tracking_number": "SF001",
                "lines": [{"order_line": lines[0]["id"], "quantity": "6"}],
            },
            format="json",
        ),
        201,
    )
    assert ops_api.post(f"/api/v1/orders/{order.pk}/transitions/ship/", {}).status_code == 400
    ok(
        ops_api.post(
            "/api/v1/shipments/",
            {
                "order": order.pk,
                "carrier": "SF Express",
                "tracking_number": "SF002",
                "lines": [
                    {"order_line": lines[0]["id"], "quantity": "4"},
                    {"order_line": lines[1]["id"], "quantity": "4"},
                ],
            },
            format="json",
        ),
        201,
    )
    body = ok(ops_api.post(f"/api/v1/orders/{order.pk}/transitions/ship/", {}))
    assert body["status"] == "shipped" and len(body["shipments"]) == 2

    delivered = []
    order_delivered.connect(
        lambda sender, instance, **kw: delivered.append(instance.pk),
        dispatch_uid="chain-test",
        weak=False,
    )
    try:
        body = ok(
            ops_api.post(
                f"/api/v1/orders/{order.pk}/transitions/deliver/",
                {"delivered_on": today.isoformat(), "proof_of_delivery": "POD signed by Ms Li"},
            )
        )
    finally:
        order_delivered.disconnect(dispatch_uid="chain-test")
    assert body["status"] == "delivered" and body["delivered_on"] == today.isoformat()
    assert delivered == [order.pk]
    contract.refresh_from_db()
    assert contract.status == "signed"  # completes when billing reports everything paid
