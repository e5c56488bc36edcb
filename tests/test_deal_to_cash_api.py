"""A deal taken through the API as each role would, from a new lead to a fully paid
30/60/10 payment plan whose last milestone falls due on the customer's acceptance. The
contract completes; after the next rollup the deal is in bookings, collections and the
lead-to-cash cycle time; the chain view shows every step with the time spent in it; and each
next record is reached from the previous one in one request, never by scanning a list."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from catalog.tests.factories import ProductFactory
from kpis.rollup import rollup
from roles.tests.factories import user_with

pytestmark = pytest.mark.django_db


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def ok(response, status=200) -> dict:
    assert response.status_code == status, (response.status_code, response.content[:500])
    return response.json()


def only(ids: list[int]) -> int:
    assert len(ids) == 1, ids
    return ids[0]


def test_lead_to_paid_thirty_sixty_ten_plan_with_acceptance():
    marketing = api(user_with("marketing"))
    seller_user = user_with("sales")
    support_user = user_with("sales_support")
    seller, support = api(seller_user), api(support_user)
    manager_user = user_with("manager")
    manager, finance = api(manager_user), api(user_with("finance"))
    ops = api(user_with("operations"))
    today = timezone.localdate()

    # Marketing captures the lead and hands it to sales; sales works, qualifies, converts.
    lead = ok(
        marketing.post(
            "/api/v1/leads/",
            {"name": "Zhou Min", "company": "Wuxi Lianhe Robotics", "email": "zhou@lianhe.example",
             "source": "web"},
        ),
        201,
    )  # fmt: skip
    ok(marketing.post(f"/api/v1/leads/{lead['id']}/assign/", {"owner": seller_user.pk}))
    ok(seller.post(f"/api/v1/leads/{lead['id']}/transitions/start_work/", {}))
    ok(
        seller.post(
            f"/api/v1/leads/{lead['id']}/transitions/qualify/",
            {"need": "Welding cell", "budget": "300000", "decision_maker": "CTO Wu",
             "expected_close_date": (today + datetime.timedelta(days=60)).isoformat()},
        )
    )  # fmt: skip
    lead = ok(seller.post(f"/api/v1/leads/{lead['id']}/transitions/convert/", {}))
    assert lead["status"] == "converted"

    # The lead names its opportunity: one hop.
    opp_id = lead["opportunity"]
    base = f"/api/v1/opportunities/{opp_id}/"
    ok(seller.post(f"{base}transitions/analyze/", {}))
    ok(seller.post(f"{base}assign-team/", {"solution_owner": support_user.pk}, format="json"))

    # Sales support prices it; no discount, so no sign-off is needed.
    quote = ok(support.post("/api/v1/quotes/", {"opportunity": opp_id}, format="json"), 201)
    product = ProductFactory(price=Decimal("10000.00"))
    ok(
        support.post(
            "/api/v1/quote-lines/",
            {"quote": quote["id"], "product": product.pk, "quantity": "5"},
            format="json",
        ),
        201,
    )
    q = f"/api/v1/quotes/{quote['id']}/transitions/"
    assert ok(support.post(f"{q}submit/", {}))["status"] == "approved"
    ok(seller.post(f"{base}transitions/propose/", {}))
    ok(seller.post(f"{q}send/", {}))
    assert ok(seller.post(f"{q}accept/", {}))["status"] == "accepted"
    opportunity = ok(seller.get(base))
    quote = ok(seller.get(f"/api/v1/quotes/{quote['id']}/"))
    # The deal's amount follows its accepted quote, not the lead's budget.
    assert Decimal(opportunity["amount"]) == Decimal(quote["total"]) != Decimal("300000")
    ok(seller.post(f"{base}transitions/negotiate/", {}))
    won = ok(seller.post(f"{base}transitions/win/", {}))
    assert won["stage"] == "won"

    # The opportunity names its contract: sales support drafts a 30/60/10 plan.
    contract_id = ok(seller.get(base))["contract"]
    assert contract_id
    c = f"/api/v1/contracts/{contract_id}/"
    ok(
        support.patch(
            c,
            {"start_date": today.isoformat(),
             "end_date": (today + datetime.timedelta(days=365)).isoformat()},
        )
    )  # fmt: skip
    plan = ok(
        support.put(
            f"{c}payment-plan/",
            {"milestones": [
                {"name": "Deposit", "percentage": "30", "trigger": "on_signing"},
                {"name": "Delivery", "percentage": "60", "trigger": "on_delivery"},
                {"name": "Acceptance", "percentage": "10", "trigger": "on_acceptance"},
            ]},
            format="json",
        )
    )  # fmt: skip
    total = Decimal(quote["total"])
    amounts = [Decimal(m["amount"]) for m in plan["milestones"]]
    assert sum(amounts) == total
    ok(support.post(f"{c}transitions/submit_for_review/", {}))
    ok(finance.post(f"{c}transitions/approve/", {}))
    contract = ok(
        seller.post(
            f"{c}transitions/sign/",
            {"signed_on": today.isoformat(), "signed_by_name": "Mr Wu"},
        )
    )
    assert contract["status"] == "signed"

    # The contract names its order and (for finance) its invoices: signing drafted the deposit.
    contract = ok(finance.get(c))
    order_id = only(contract["orders"])
    drafted = ok(finance.get("/api/v1/invoices/", {"contract": contract_id}))["results"]
    assert [Decimal(i["total"]) for i in drafted] == [amounts[0]]

    # Sales confirms; operations ships everything and delivers.
    o = f"/api/v1/orders/{order_id}/"
    promised = (today + datetime.timedelta(days=10)).isoformat()
    ok(seller.post(f"{o}transitions/confirm/", {"promised_delivery_date": promised}))
    ok(ops.post(f"{o}transitions/start_fulfillment/", {}))
    lines = ok(ops.get(o))["lines"]
    ok(
        ops.post(
            "/api/v1/shipments/",
            {"order": order_id, "carrier": "SF Express", "tracking_number": "SF900",
             "lines": [{"order_line": ln["id"], "quantity": ln["quantity"]} for ln in lines]},
            format="json",
        ),
        201,
    )  # fmt: skip
    ok(ops.post(f"{o}transitions/ship/", {}))
    ok(
        ops.post(
            f"{o}transitions/deliver/",
            {"delivered_on": today.isoformat(), "proof_of_delivery": "POD signed by Ms Qian"},
        )
    )
    # The customer's acceptance (验收), recorded by sales, raises the last milestone's invoice.
    accepted = ok(seller.post(f"{o}transitions/accept/", {"accepted_on": today.isoformat()}))
    assert accepted["status"] == "accepted"
    assert len(ok(ops.get(o))["shipments"]) == 1

    # Finance issues the three milestone invoices and the customer pays each.
    drafts = ok(finance.get("/api/v1/invoices/", {"contract": contract_id}))["results"]
    assert sorted(Decimal(i["total"]) for i in drafts) == sorted(amounts)
    account_id = contract["account"]
    for n, invoice in enumerate(sorted(drafts, key=lambda i: i["id"])):
        issued = ok(finance.post(f"/api/v1/invoices/{invoice['id']}/transitions/issue/", {}))
        payment = ok(
            finance.post(
                "/api/v1/payments/",
                {"account": account_id, "amount": issued["total"], "reference": f"TT-{n}",
                 "allocations": [{"invoice": invoice["id"], "amount": issued["total"]}]},
                format="json",
            ),
            201,
        )  # fmt: skip
        # The invoice names its payments; the payment its allocations.
        paid = ok(finance.get(f"/api/v1/invoices/{invoice['id']}/"))
        assert paid["status"] == "paid"
        assert payment["allocations"][0]["invoice"] == invoice["id"]

    # Every milestone invoiced and paid, the order delivered and accepted: completed.
    assert ok(finance.get(c))["status"] == "completed"

    # The next rollup counts the deal in bookings, collections and lead-to-cash.
    rollup(today - datetime.timedelta(days=1), today, today=today)
    params = {"from": today.isoformat(), "to": today.isoformat(), "group_by": "day"}

    def kpi(metric: str) -> dict:
        values = ok(manager.get("/api/v1/kpis/", {**params, "metric": metric}))["values"]
        (value,) = [v for v in values if v.get("currency") in (None, "", "CNY")]
        return value

    assert Decimal(kpi("bookings")["numerator"]) == total
    assert Decimal(kpi("collected")["numerator"]) == total
    cycle = kpi("lead_to_cash")
    assert Decimal(cycle["denominator"]) == 1 and Decimal(cycle["numerator"]) >= 0

    # The figure drills down to the deal's contract, and its rows add up to it.
    browser = Client()
    browser.force_login(manager_user)
    drill = browser.get(
        "/kpis/drill/", {"period": "month", "at": today.replace(day=1).isoformat(),
                         "metric": "lead_to_cash"},
    )  # fmt: skip
    assert drill.status_code == 200
    assert drill.context["result"]["count"] == 1
    assert contract["number"] in drill.content.decode()

    # The chain view from the lead shows every step with its states and the time in each.
    chain = ok(manager.get(f"/api/v1/chain/lead/{lead['id']}/"))
    found = {s["step"]: s["records"] for s in chain["steps"]}
    for step in ("lead", "opportunity", "quote", "contract", "order", "shipment", "invoice",
                 "payment"):  # fmt: skip
        assert found[step], step
        for record in found[step]:
            assert record["states"], (step, record)
            assert all("seconds" in s and "entered_at" in s for s in record["states"]), step
    assert len(found["invoice"]) == 3 and len(found["payment"]) == 3
    assert found["contract"][0]["state"] == "completed"
    assert chain["cycle_time"]["complete"] is True
    assert abs(chain["cycle_time"]["seconds"] - float(cycle["numerator"]) * 86400) < 60
