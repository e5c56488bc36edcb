"""Billing pages: lists, detail with transitions, invoice and payment entry, bank review,
aging; money hidden from sales; fixed query counts on the lists."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from billing.models import BankStatementLine, Invoice, Payment
from billing.tests.factories import draft_invoice, issued_invoice, pay
from customers.tests.factories import AccountFactory
from roles.tests.factories import user_with

pytestmark = pytest.mark.django_db


@pytest.fixture
def finance(client):
    user = user_with("finance")
    client.force_login(user)
    return user


def test_invoice_pages_for_finance(client, finance):
    invoice = issued_invoice(user=finance)
    page = client.get(reverse("billing:invoice-list"))
    assert page.status_code == 200 and invoice.number in page.content.decode()
    detail = client.get(invoice.get_absolute_url())
    body = detail.content.decode()
    assert detail.status_code == 200 and "1,130.00" in body
    assert 'data-transition="void"' in body and 'data-transition="settle"' not in body
    assert client.get(reverse("billing:invoice-pdf", args=[invoice.pk]))["Content-Type"] == (
        "application/pdf"
    )


def test_issue_from_the_page(client, finance):
    invoice = draft_invoice(user=finance)
    response = client.post(
        reverse("transition", args=["billing", "invoice", invoice.pk, "issue"]), {}
    )
    assert response.status_code == 302 and response["Location"] == invoice.get_absolute_url()
    invoice.refresh_from_db()
    assert invoice.status == "issued" and invoice.number


def test_new_invoice_form(client, finance):
    account = AccountFactory()
    data = {
        "account": account.pk,
        "currency": "CNY",
        "payment_terms_days": 30,
        "notes": "",
        "lines-TOTAL_FORMS": 4,
        "lines-INITIAL_FORMS": 0,
        "lines-0-description": "Service",
        "lines-0-quantity": "2",
        "lines-0-unit_price": "50.00",
        "lines-0-tax_rate": "6",
    }
    response = client.post(reverse("billing:invoice-create"), data)
    assert response.status_code == 302
    invoice = Invoice.objects.get()
    assert invoice.total == Decimal("106.00") and invoice.status == "draft"


def test_payment_entry_and_credit(client, finance):
    invoice = issued_invoice(user=finance)
    response = client.post(
        reverse("billing:payment-create"),
        {
            "account": invoice.account_id,
            "amount": "1200.00",
            "currency": "CNY",
            "date": "2026-01-05",
            "method": "bank_transfer",
            "reference": "TT",
            "invoice": invoice.pk,
        },
    )
    assert response.status_code == 302
    payment = Payment.objects.get()
    assert payment.amount_allocated == Decimal("1130.00") and payment.unallocated == Decimal(
        "70.00"
    )
    invoice.refresh_from_db()
    assert invoice.status == "paid"
    assert client.get(payment.get_absolute_url()).status_code == 200


def test_overpayment_from_the_page_is_refused_with_the_reason(client, finance):
    invoice = issued_invoice(user=finance)
    response = client.post(
        reverse("billing:payment-create"),
        {
            "account": invoice.account_id,
            "amount": "2000.00",
            "currency": "CNY",
            "date": "2026-01-05",
            "method": "bank_transfer",
            "invoice": invoice.pk,
            "allocate": "2000.00",
        },
        follow=True,
    )
    assert "balance never goes below zero" in response.content.decode()
    assert Payment.objects.count() == 0


def test_bank_review_upload_and_confirm(client, finance):
    invoice = issued_invoice(user=finance)
    csv = f"date,amount,reference,payer\n2026-01-05,1130.00,{invoice.number},X\n"
    upload = SimpleUploadedFile("s.csv", csv.encode(), content_type="text/csv")
    response = client.post(reverse("billing:bank-review"), {"file": upload, "currency": "CNY"})
    assert response.status_code == 302
    line = BankStatementLine.objects.get()
    assert line.status == "suggested"
    assert invoice.number in client.get(reverse("billing:bank-review")).content.decode()
    client.post(reverse("billing:bank-line-action", args=[line.pk, "confirm"]))
    invoice.refresh_from_db()
    assert invoice.status == "paid"


def test_bad_statement_shows_every_bad_row(client, finance):
    csv = "date,amount,reference,payer\nnope,1,a,b\n2026-01-01,x,a,b\n"
    upload = SimpleUploadedFile("s.csv", csv.encode(), content_type="text/csv")
    body = client.post(
        reverse("billing:bank-review"), {"file": upload, "currency": "CNY"}, follow=True
    ).content.decode()
    assert "Row 2" in body and "Row 3" in body
    assert BankStatementLine.objects.count() == 0


def test_aging_page(client, finance):
    invoice = issued_invoice(user=finance)
    body = client.get(reverse("billing:aging")).content.decode()
    assert invoice.account.name in body and "DSO" in body


def test_sales_sees_status_not_money(client):
    seller = user_with("sales")
    invoice = issued_invoice(account=AccountFactory(owner=seller))
    client.force_login(seller)
    body = client.get(invoice.get_absolute_url()).content.decode()
    assert invoice.number in body and "1,130.00" not in body
    assert client.get(reverse("billing:aging")).status_code == 403
    assert client.get(reverse("billing:payment-list")).status_code == 403


def test_work_queue_shows_finance_sections(client, finance):
    draft_invoice(user=finance)
    body = client.get(reverse("home")).content.decode()
    assert "Draft invoices to issue" in body


@pytest.mark.parametrize("name", ["billing:invoice-list", "billing:payment-list"])
def test_list_pages_fixed_queries(client, finance, name, django_assert_max_num_queries):
    def make(n):
        for _ in range(n):
            pay(issued_invoice(user=finance), "10.00", user=finance)

    make(2)
    client.get(reverse(name))
    with django_assert_max_num_queries(30) as small:
        client.get(reverse(name))
    make(6)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get(reverse(name)).status_code == 200


def test_milestone_billing_include_for_the_contract_page(rf, finance):
    from django.template.loader import render_to_string

    from contracts.models import PaymentMilestone
    from contracts.tests.factories import contract_in

    contract = contract_in("signed", unit_price="1000.00", plan=False)
    milestone = PaymentMilestone.objects.create(
        contract=contract, name="Deposit", amount=Decimal("300.00"), trigger="on_signing"
    )
    from billing import services

    invoice = services.invoice_draft_from_milestone(milestone=milestone)
    services.invoice_issue(obj=invoice, user=finance, data={})
    request = rf.get("/")
    request.user = finance
    html = render_to_string(
        "billing/includes/milestone_billing.html", {"contract": contract}, request=request
    )
    assert "Deposit" in html and "300.00" in html
    request.user = user_with("operations")
    assert "Deposit" not in render_to_string(
        "billing/includes/milestone_billing.html", {"contract": contract}, request=request
    )


def test_contract_page_shows_planned_invoiced_collected_for_finance_only(client):
    """Billing adds its panel to the contract page through ltc.panels (contracts does not
    import billing)."""
    from contracts.tests.factories import draft_contract

    contract = draft_contract()
    finance_user = user_with("finance")
    client.force_login(finance_user)
    page = client.get(contract.get_absolute_url())
    assert page.status_code == 200
    assert 'data-testid="milestone-billing"' in page.content.decode()
    client.force_login(contract.owner)
    page = client.get(contract.get_absolute_url())
    assert page.status_code == 200
    assert 'data-testid="milestone-billing"' not in page.content.decode()
