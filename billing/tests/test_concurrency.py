"""Races on PostgreSQL (real row locks): gapless numbering under 50 concurrent issues, one
payment for 20 identical requests with one Idempotency-Key, and concurrent payments never
taking a balance below zero."""

from __future__ import annotations

import threading
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone
from rest_framework.test import APIClient

from billing import services
from billing.models import Invoice, Payment, PaymentAllocation
from billing.tests.factories import draft_invoice, issued_invoice
from customers.tests.factories import AccountFactory
from ltc.models import IdempotencyKey
from roles.tests.factories import user_with

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def run_threads(n, target):
    barrier = threading.Barrier(n)
    results: list = []
    lock = threading.Lock()

    def worker(i):
        try:
            barrier.wait(timeout=30)
            outcome = target(i)
        except Exception as exc:  # recorded, asserted below
            outcome = exc
        finally:
            connection.close()
        with lock:
            results.append(outcome)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    return results


def test_fifty_invoices_issued_at_once_get_fifty_consecutive_numbers():
    finance = user_with("finance")
    account = AccountFactory()
    drafts = [draft_invoice(user=finance, account=account) for _ in range(50)]

    def issue(i):
        return services.invoice_issue(obj=drafts[i], user=finance, data={}).number

    results = run_threads(50, issue)
    errors = [r for r in results if isinstance(r, Exception)]
    assert not errors, errors[:3]
    year = timezone.localdate().year
    assert sorted(results) == [f"INV-{year}-{n:06d}" for n in range(1, 51)]
    assert Invoice.objects.filter(status="issued").count() == 50


def test_twenty_identical_payment_requests_with_one_key_create_one_payment():
    finance = user_with("finance")
    invoice = issued_invoice(user=finance)
    body = {
        "account": invoice.account_id,
        "amount": "100.00",
        "reference": "TT-20",
        "allocations": [{"invoice": invoice.pk, "amount": "100.00"}],
    }

    def post(i):
        client = APIClient()
        client.force_authenticate(finance)
        response = client.post("/api/v1/payments/", body, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
        return response.status_code, response.json().get("id")

    results = run_threads(20, post)
    assert all(not isinstance(r, Exception) for r in results), results
    assert {code for code, _id in results} == {201}
    assert len({pid for _code, pid in results}) == 1
    assert Payment.objects.count() == 1 and IdempotencyKey.objects.count() == 1
    invoice.refresh_from_db()
    assert invoice.amount_paid == Decimal("100.00") and invoice.balance == Decimal("1030.00")


def test_concurrent_payments_never_take_a_balance_below_zero():
    finance = user_with("finance")
    invoice = issued_invoice(user=finance)  # 1130.00

    def pay(i):
        return services.payment_record(
            user=finance,
            account=invoice.account,
            amount="400.00",
            allocations=[{"invoice": invoice.pk, "amount": "400.00"}],
        )

    results = run_threads(8, pay)
    paid = [r for r in results if isinstance(r, Payment)]
    assert len(paid) == 2  # 2 × 400 fit in 1130; a third would go below zero
    invoice.refresh_from_db()
    assert invoice.balance == Decimal("330.00") and invoice.status == "partially_paid"
    assert invoice.amount_paid == sum(a.amount for a in PaymentAllocation.objects.all())
    assert Payment.objects.count() == 2
