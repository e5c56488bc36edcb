"""The billing API: role × transition matrix (from DESIGN.md), visibility and money fields,
bad input refused with field errors and nothing changed, idempotent payments, bounded
queries on lists and the aging report."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from billing.models import CreditNote, Invoice, Payment
from billing.tests.factories import draft_invoice, invoice_in, issued_invoice, pay
from customers.tests.factories import AccountFactory
from ltc.models import IdempotencyKey
from roles.tests.factories import user_with

pytestmark = pytest.mark.django_db
D = Decimal
ROLES = ("marketing", "sales", "sales_support", "operations", "finance", "service", "manager")

# DESIGN.md, Invoice: transition -> (from states, to state, who). "system" transitions are run
# by the payment service and Celery only: every caller of the API gets 403.
INVOICE_TABLE = {
    "issue": (("draft",), "issued", {"finance"}),
    "void": (("draft", "issued"), "void", {"finance"}),
    "mark_overdue": (("issued", "partially_paid"), "overdue", {"system"}),
    "apply_payment": (("issued", "overdue", "partially_paid"), "partially_paid", {"system"}),
    "settle": (("issued", "overdue", "partially_paid"), "paid", {"system"}),
    "reopen": (("paid", "partially_paid", "overdue"), "issued", {"system"}),
    "reopen_partial": (("paid",), "partially_paid", {"system"}),
}
INVOICE_STATES = ("draft", "issued", "partially_paid", "paid", "overdue", "void")
# Who sees invoices at all (others get 404): finance, manager; sales their accounts;
# marketing without money fields.
SEES_INVOICES = {"finance", "manager", "sales", "marketing"}

# DESIGN.md, Payment: recorded → reconciled (finance) or → reversed (finance, reason).
PAYMENT_TABLE = {
    "reconcile": (("recorded",), "reconciled", {"finance"}),
    "reverse": (("recorded", "reconciled"), "reversed", {"finance"}),
}
PAYMENT_STATES = ("recorded", "reconciled", "reversed")
SEES_PAYMENTS = {"finance", "manager"}
DATA = {"void": {"reason": "Wrong customer"}, "reverse": {"reason": "Bounced"}}


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def expected(table, name, state, role, sees):
    sources, target, who = table[name]
    if role not in sees:
        return 404
    if role not in who:
        return 403
    if state not in sources:
        return 409
    return 200


@pytest.mark.parametrize("state", INVOICE_STATES)
@pytest.mark.parametrize("role", ROLES)
def test_invoice_role_transition_matrix(role, state):
    actor = user_with(role)
    for name, (_sources, target, _who) in INVOICE_TABLE.items():
        account = AccountFactory(owner=actor if role == "sales" else None)
        invoice = invoice_in(state, account=account)
        want = expected(INVOICE_TABLE, name, state, role, SEES_INVOICES)
        response = api(actor).post(
            f"/api/v1/invoices/{invoice.pk}/transitions/{name}/", DATA.get(name, {})
        )
        assert response.status_code == want, (name, role, state, response.content)
        invoice.refresh_from_db()
        assert invoice.status == (target if want == 200 else state), (name, role, state)


@pytest.mark.parametrize("role", ROLES)
def test_invoice_transitions_listing_matches_the_table(role):
    actor = user_with(role)
    invoice = invoice_in("draft", account=AccountFactory(owner=actor))
    response = api(actor).get(f"/api/v1/invoices/{invoice.pk}/transitions/")
    if role not in SEES_INVOICES:
        assert response.status_code == 404
        return
    allowed = {row["name"] for row in response.json() if row["allowed"]}
    assert allowed == ({"issue", "void"} if role == "finance" else set())


def payment_in(state: str) -> Payment:
    invoice = issued_invoice()
    payment = pay(invoice, "100.00")
    if state != "recorded":
        Payment.objects.filter(pk=payment.pk).update(status=state)
        payment.refresh_from_db()
    return payment


@pytest.mark.parametrize("state", PAYMENT_STATES)
@pytest.mark.parametrize("role", ROLES)
def test_payment_role_transition_matrix(role, state):
    actor = user_with(role)
    for name, (_sources, target, _who) in PAYMENT_TABLE.items():
        payment = payment_in(state)
        want = expected(PAYMENT_TABLE, name, state, role, SEES_PAYMENTS)
        response = api(actor).post(
            f"/api/v1/payments/{payment.pk}/transitions/{name}/", DATA.get(name, {})
        )
        assert response.status_code == want, (name, role, state, response.content)
        payment.refresh_from_db()
        assert payment.status == (target if want == 200 else state)


def test_reverse_needs_a_reason_400():
    payment = payment_in("recorded")
    response = api(user_with("finance")).post(
        f"/api/v1/payments/{payment.pk}/transitions/reverse/", {}
    )
    assert response.status_code == 400 and "reason" in response.json()
    payment.refresh_from_db()
    assert payment.status == "recorded"


# --- visibility -------------------------------------------------------------------------------
def test_sales_see_status_of_their_accounts_invoices_without_money():
    seller = user_with("sales")
    mine = issued_invoice(account=AccountFactory(owner=seller))
    issued_invoice(account=AccountFactory())
    response = api(seller).get("/api/v1/invoices/")
    assert response.status_code == 200
    rows = response.json()["results"]
    assert [r["id"] for r in rows] == [mine.pk]
    assert rows[0]["status"] == "issued"
    assert not {"total", "balance", "amount_paid", "lines", "subtotal"} & set(rows[0])
    assert api(seller).get("/api/v1/payments/").json()["results"] == []
    assert api(seller).patch(f"/api/v1/invoices/{mine.pk}/", {"notes": "x"}).status_code == 403


def test_marketing_sees_no_money_fields_and_service_sees_nothing():
    invoice = issued_invoice()
    row = api(user_with("marketing")).get(f"/api/v1/invoices/{invoice.pk}/").json()
    assert row["status"] == "issued" and "total" not in row and "balance" not in row
    assert api(user_with("service")).get(f"/api/v1/invoices/{invoice.pk}/").status_code == 404
    assert api(user_with("marketing")).get("/api/v1/reports/ar-aging/").status_code == 403


def test_manager_reads_everything_but_changes_nothing():
    manager = user_with("manager")
    invoice = issued_invoice()
    assert api(manager).get(f"/api/v1/invoices/{invoice.pk}/").json()["total"] == "1130.00"
    response = api(manager).post(
        "/api/v1/payments/",
        {"account": invoice.account_id, "amount": "10.00"},
    )
    assert response.status_code == 403
    assert Payment.objects.count() == 0


# --- creating and paying through the API ------------------------------------------------------
def test_finance_creates_issues_and_pays_an_invoice():
    finance = user_with("finance")
    account = AccountFactory()
    client = api(finance)
    response = client.post(
        "/api/v1/invoices/",
        {
            "account": account.pk,
            "payment_terms_days": 14,
            "lines": [
                {
                    "description": "Licence",
                    "quantity": "2",
                    "unit_price": "100.00",
                    "tax_rate": "13",
                },
                {"description": "Setup", "quantity": "1", "unit_price": "50.00", "tax_rate": "6"},
            ],
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["subtotal"], body["tax"], body["total"]) == ("250.00", "29.00", "279.00")
    assert len(body["lines"]) == 2 and body["number"] is None
    issued = client.post(f"/api/v1/invoices/{body['id']}/transitions/issue/", {})
    assert issued.status_code == 200
    assert issued.json()["number"].startswith("INV-")
    assert (
        issued.json()["due_date"]
        == (timezone.localdate() + datetime.timedelta(days=14)).isoformat()
    )
    paid = client.post(
        "/api/v1/payments/",
        {
            "account": account.pk,
            "amount": "300.00",
            "reference": "TT-1",
            "allocations": [{"invoice": body["id"], "amount": "279.00"}],
        },
    )
    assert paid.status_code == 201, paid.content
    assert paid.json()["unallocated"] == "21.00"
    assert paid.json()["allocations"][0]["amount"] == "279.00"
    assert client.get(f"/api/v1/invoices/{body['id']}/").json()["status"] == "paid"


def test_overpayment_is_400_with_a_reason_and_changes_nothing():
    invoice = issued_invoice()
    response = api(user_with("finance")).post(
        "/api/v1/payments/",
        {
            "account": invoice.account_id,
            "amount": "2000.00",
            "allocations": [{"invoice": invoice.pk, "amount": "1130.01"}],
        },
    )
    assert response.status_code == 400
    assert "balance" in " ".join(response.json()["allocations"])
    assert Payment.objects.count() == 0
    invoice.refresh_from_db()
    assert invoice.balance == D("1130.00")


def test_allocation_to_another_accounts_invoice_is_400():
    invoice = issued_invoice()
    response = api(user_with("finance")).post(
        "/api/v1/payments/",
        {
            "account": AccountFactory().pk,
            "amount": "100.00",
            "allocations": [{"invoice": invoice.pk, "amount": "100.00"}],
        },
    )
    assert response.status_code == 400
    assert "another account" in " ".join(response.json()["allocations"])
    assert Payment.objects.count() == 0


def test_edit_or_delete_of_an_issued_invoice_is_400():
    invoice = issued_invoice()
    client = api(user_with("finance"))
    response = client.patch(f"/api/v1/invoices/{invoice.pk}/", {"notes": "changed"})
    assert response.status_code == 400
    assert "credit note" in " ".join(response.json()["non_field_errors"])
    response = client.delete(f"/api/v1/invoices/{invoice.pk}/")
    assert response.status_code == 400
    invoice.refresh_from_db()
    assert invoice.notes == "" and Invoice.objects.filter(pk=invoice.pk).exists()


def test_draft_can_be_edited_and_deleted():
    invoice = draft_invoice()
    client = api(user_with("finance"))
    response = client.patch(
        f"/api/v1/invoices/{invoice.pk}/",
        {"lines": [{"description": "X", "quantity": "1", "unit_price": "10.00", "tax_rate": "0"}]},
    )
    assert response.status_code == 200 and response.json()["total"] == "10.00"
    assert client.delete(f"/api/v1/invoices/{invoice.pk}/").status_code == 204


def test_bad_lines_are_field_errors():
    response = api(user_with("finance")).post(
        "/api/v1/invoices/",
        {"account": AccountFactory().pk, "lines": [{"description": "", "unit_price": "abc"}]},
    )
    assert response.status_code == 400
    assert "lines" in response.json()
    assert Invoice.objects.count() == 0


def test_credit_note_through_the_api():
    invoice = issued_invoice()
    client = api(user_with("finance"))
    response = client.post(
        "/api/v1/credit-notes/", {"invoice": invoice.pk, "amount": "130.00", "reason": "Discount"}
    )
    assert response.status_code == 201, response.content
    assert response.json()["number"].startswith("CN-")
    too_much = client.post(
        "/api/v1/credit-notes/", {"invoice": invoice.pk, "amount": "1000.01", "reason": "x"}
    )
    assert too_much.status_code == 400 and "amount" in too_much.json()
    assert CreditNote.objects.count() == 1
    invoice.refresh_from_db()
    assert invoice.balance == D("1000.00")


def test_idempotency_key_returns_the_first_payment():
    invoice = issued_invoice()
    client = api(user_with("finance"))
    body = {
        "account": invoice.account_id,
        "amount": "100.00",
        "allocations": [{"invoice": invoice.pk, "amount": "100.00"}],
    }
    first = client.post("/api/v1/payments/", body, HTTP_IDEMPOTENCY_KEY="pay-1")
    again = client.post("/api/v1/payments/", body, HTTP_IDEMPOTENCY_KEY="pay-1")
    assert first.status_code == again.status_code == 201
    assert first.json()["id"] == again.json()["id"]
    assert Payment.objects.count() == 1 and IdempotencyKey.objects.count() == 1
    invoice.refresh_from_db()
    assert invoice.amount_paid == D("100.00")


# --- bounded queries --------------------------------------------------------------------------
@pytest.mark.parametrize(
    "path", ["/api/v1/invoices/", "/api/v1/payments/", "/api/v1/credit-notes/"]
)
def test_lists_run_a_fixed_number_of_queries(path, django_assert_max_num_queries):
    finance = user_with("finance")
    client = api(finance)

    def make(n):
        for _ in range(n):
            invoice = issued_invoice(user=finance)
            pay(invoice, "10.00", user=finance)
            from billing import services

            services.credit_note_issue(invoice=invoice, user=finance, amount="1.00", reason="r")

    make(2)
    client.get(path)  # warm caches (content types, roles)
    with django_assert_max_num_queries(12) as small:
        assert client.get(path).status_code == 200
    make(8)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(path)
    assert response.json()["count"] == 10


def test_aging_report_fixed_queries(django_assert_max_num_queries):
    finance = user_with("finance")
    client = api(finance)
    issued_invoice(user=finance)
    client.get("/api/v1/reports/ar-aging/")
    with django_assert_max_num_queries(10) as small:
        client.get("/api/v1/reports/ar-aging/")
    for _ in range(6):
        issued_invoice(user=finance)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get("/api/v1/reports/ar-aging/")
    assert len(response.json()["rows"]) == 7
