"""The cash end of lead-to-cash, through the API: sign a 30/70 contract → the 30 % invoice is
drafted; finance issues it and records the payment; delivery drafts the 70 % invoice; a bank
statement reconciles it; the contract is completed. Planned vs invoiced vs collected shows it."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core import mail
from django.utils import timezone
from rest_framework.test import APIClient

from billing.models import Invoice
from billing.reports import milestone_billing
from contracts.models import MilestoneTrigger, PaymentMilestone
from contracts.tests.factories import contract_in
from customers.tests.factories import ContactFactory
from orders.models import Order
from roles.tests.factories import user_with

pytestmark = pytest.mark.django_db


def api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_thirty_seventy_contract_from_signing_to_completed(django_capture_on_commit_callbacks):
    seller = user_with("sales")
    finance = user_with("finance")
    operations = user_with("operations")
    contract = contract_in("approved", owner=seller, unit_price="10000.00", plan=False)
    ContactFactory(account=contract.account, email="ap@buyer.example.com", is_billing=True)
    PaymentMilestone.objects.create(
        contract=contract,
        position=1,
        name="Down payment",
        percentage=Decimal("30"),
        amount=Decimal("3000.00"),
        trigger=MilestoneTrigger.ON_SIGNING,
        payment_terms_days=15,
    )
    PaymentMilestone.objects.create(
        contract=contract,
        position=2,
        name="On delivery",
        percentage=Decimal("70"),
        amount=Decimal("7000.00"),
        trigger=MilestoneTrigger.ON_DELIVERY,
    )
    today = timezone.localdate().isoformat()

    signed = api(seller).post(
        f"/api/v1/contracts/{contract.pk}/transitions/sign/",
        {"signed_on": today, "signed_by_name": "Ms Buyer"},
    )
    assert signed.status_code == 200, signed.content
    down = Invoice.objects.get(contract=contract)
    assert (down.status, down.total, down.payment_terms_days) == ("draft", Decimal("3000.00"), 15)

    fin = api(finance)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        issued = fin.post(f"/api/v1/invoices/{down.pk}/transitions/issue/", {})
    assert issued.status_code == 200 and issued.json()["number"]
    assert [m.to for m in mail.outbox] == [["ap@buyer.example.com"]]
    paid = fin.post(
        "/api/v1/payments/",
        {
            "account": contract.account_id,
            "amount": "3000.00",
            "reference": "TT-DOWN",
            "allocations": [{"invoice": down.pk, "amount": "3000.00"}],
        },
        HTTP_IDEMPOTENCY_KEY="down-1",
    )
    assert paid.status_code == 201, paid.content
    contract.refresh_from_db()
    assert contract.status == "signed"  # the order is not delivered yet

    order = Order.objects.get(contract=contract)
    Order.objects.filter(pk=order.pk).update(status="shipped", shipped_at=timezone.now())
    delivered = api(operations).post(
        f"/api/v1/orders/{order.pk}/transitions/deliver/", {"delivered_on": today}
    )
    assert delivered.status_code == 200, delivered.content
    rest = Invoice.objects.get(contract=contract, status="draft")
    assert rest.total == Decimal("7000.00")
    assert fin.post(f"/api/v1/invoices/{rest.pk}/transitions/issue/", {}).status_code == 200
    rest.refresh_from_db()

    statement = fin.post(
        "/api/v1/bank-statements/",
        {
            "csv": f"date,amount,reference,payer\n{today},7000.00,{rest.number},Buyer\n",
            "currency": contract.currency,
        },
    )
    assert statement.status_code == 201, statement.content
    line = statement.json()["lines"][0]
    assert line["status"] == "suggested"
    assert fin.post(f"/api/v1/bank-lines/{line['id']}/confirm/", {}).status_code == 200

    contract.refresh_from_db()
    assert contract.status == "completed"
    rows = milestone_billing(contract)
    assert [(r["planned"], r["invoiced"], r["collected"]) for r in rows] == [
        (Decimal("3000.00"), Decimal("3000.00"), Decimal("3000.00")),
        (Decimal("7000.00"), Decimal("7000.00"), Decimal("7000.00")),
    ]
    aging = fin.get("/api/v1/reports/ar-aging/").json()
    assert aging["rows"] == []
