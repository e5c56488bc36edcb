"""Invoices, payments, credit notes and reversals through the services: the money rules."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from billing import services
from billing.models import CreditNote, Invoice, InvoiceLine, NumberCounter, Payment
from billing.tests.factories import draft_invoice, finance_user, issued_invoice, pay
from customers.tests.factories import AccountFactory, ContactFactory
from ltc.models import TransitionLog
from roles.tests.factories import user_with

pytestmark = pytest.mark.django_db
D = Decimal


def year():
    return timezone.localdate().year


def test_draft_totals_from_lines():
    invoice = draft_invoice(
        lines=[
            {"description": "A", "quantity": "3", "unit_price": "33.33", "tax_rate": "13"},
            {"description": "B", "quantity": "1.5", "unit_price": "10.01", "tax_rate": "6"},
        ]
    )
    # A: 99.99 net, 13.00 tax (12.9987); B: 15.02 net (15.015 half up), 0.90 tax (0.9012)
    assert invoice.subtotal == D("115.01")
    assert invoice.tax == D("13.90")
    assert invoice.total == D("128.91")
    assert invoice.balance == invoice.total
    assert invoice.number is None and invoice.status == "draft"


def test_only_finance_creates_invoices():
    with pytest.raises(PermissionDenied):
        draft_invoice(user=user_with("sales"))
    assert Invoice.objects.count() == 0


def test_issue_numbers_due_date_and_mails_pdf_to_billing_contact(
    django_capture_on_commit_callbacks,
):
    account = AccountFactory()
    ContactFactory(account=account, email="ap@customer.example.com", is_billing=True)
    ContactFactory(account=account, email="boss@customer.example.com", is_billing=False)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        invoice = issued_invoice(account=account, terms=45)
    assert invoice.status == "issued"
    assert invoice.number == f"INV-{year()}-000001"
    assert invoice.issue_date == timezone.localdate()
    assert invoice.due_date == timezone.localdate() + datetime.timedelta(days=45)
    assert [m.to for m in mail.outbox] == [["ap@customer.example.com"]]
    name, content, mimetype = mail.outbox[0].attachments[0]
    assert name == f"{invoice.number}.pdf" and mimetype == "application/pdf"
    assert content[:4] == b"%PDF"
    second = issued_invoice(account=account)
    assert second.number == f"INV-{year()}-000002"
    log = TransitionLog.objects.get(object_id=invoice.pk, transition="issue")
    assert log.source == "draft" and log.target == "issued"


def test_issue_rolled_back_gives_the_number_back():
    user = finance_user()
    first = draft_invoice(user=user)
    with pytest.raises(RuntimeError), transaction.atomic():
        services.invoice_issue(obj=first, user=user, data={})
        raise RuntimeError("boom after numbering")
    first.refresh_from_db()
    assert first.status == "draft" and first.number is None
    again = services.invoice_issue(obj=first, user=user, data={})
    assert again.number == f"INV-{year()}-000001"
    assert NumberCounter.objects.get(series="INV", year=year()).last == 1


def test_issued_invoice_cannot_be_edited_or_deleted():
    invoice = issued_invoice()
    user = finance_user()
    with pytest.raises(ValidationError) as exc:
        services.invoice_update(invoice=invoice, user=user, notes="changed")
    assert "credit note" in str(exc.value)
    invoice.refresh_from_db()
    invoice.total = D("1.00")
    with pytest.raises(ValidationError):
        invoice.save()
    with pytest.raises(ValidationError):
        invoice.delete()
    line = invoice.lines.first()
    line.unit_price = D("1.00")
    with pytest.raises(ValidationError):
        line.save()
    with pytest.raises(ValidationError):
        line.delete()
    stored = Invoice.objects.get(pk=invoice.pk)
    assert stored.total == D("1130.00") and stored.notes == ""
    assert InvoiceLine.objects.get(pk=line.pk).unit_price == D("500.00")


def test_partial_then_full_payment():
    invoice = issued_invoice()
    payment = pay(invoice, "130.00")
    invoice.refresh_from_db()
    assert invoice.status == "partially_paid"
    assert (invoice.amount_paid, invoice.balance) == (D("130.00"), D("1000.00"))
    assert payment.amount_allocated == D("130.00") and payment.unallocated == 0
    pay(invoice, "1000.00")
    invoice.refresh_from_db()
    assert invoice.status == "paid" and invoice.balance == 0 and invoice.paid_at


def test_overpayment_refused_changing_nothing():
    invoice = issued_invoice()
    with pytest.raises(ValidationError) as exc:
        pay(invoice, "1130.01")
    assert "balance" in str(exc.value)
    invoice.refresh_from_db()
    assert invoice.balance == D("1130.00") and invoice.status == "issued"
    assert Payment.objects.count() == 0


def test_unallocated_remainder_is_account_credit_and_can_be_allocated_later():
    invoice = issued_invoice()
    user = finance_user()
    payment = services.payment_record(user=user, account=invoice.account, amount="2000.00")
    assert services.account_credit(invoice.account) == D("2000.00")
    services.payment_allocate(
        payment=payment, user=user, allocations=[{"invoice": invoice.pk, "amount": "1130.00"}]
    )
    assert services.account_credit(invoice.account) == D("870.00")
    invoice.refresh_from_db()
    assert invoice.status == "paid"


def test_allocation_to_another_accounts_invoice_refused():
    invoice = issued_invoice()
    user = finance_user()
    other = AccountFactory()
    with pytest.raises(ValidationError) as exc:
        services.payment_record(
            user=user,
            account=other,
            amount="100.00",
            allocations=[{"invoice": invoice.pk, "amount": "100.00"}],
        )
    assert "another account" in str(exc.value)
    assert Payment.objects.count() == 0
    invoice.refresh_from_db()
    assert invoice.amount_paid == 0


def test_allocation_in_another_currency_refused():
    invoice = issued_invoice(currency="USD")
    with pytest.raises(ValidationError) as exc:
        services.payment_record(
            user=finance_user(),
            account=invoice.account,
            amount="100.00",
            currency="CNY",
            allocations=[{"invoice": invoice.pk, "amount": "100.00"}],
        )
    assert "USD" in str(exc.value)


def test_allocating_more_than_the_payment_refused():
    invoice = issued_invoice()
    user = finance_user()
    payment = services.payment_record(user=user, account=invoice.account, amount="100.00")
    with pytest.raises(ValidationError):
        services.payment_allocate(
            payment=payment, user=user, allocations=[{"invoice": invoice.pk, "amount": "100.01"}]
        )


def test_draft_invoice_takes_no_payment():
    invoice = draft_invoice()
    with pytest.raises(ValidationError):
        pay(invoice, "10.00")


def test_reversal_reopens_the_balance():
    invoice = issued_invoice()
    payment = pay(invoice, "1130.00")
    user = finance_user()
    with pytest.raises(ValidationError):
        services.payment_reverse(obj=payment, user=user, data={})  # reason required
    services.payment_reverse(obj=payment, user=user, data={"reason": "Bounced"})
    invoice.refresh_from_db()
    payment.refresh_from_db()
    assert payment.status == "reversed" and payment.amount_allocated == 0
    assert invoice.status == "issued"
    assert (invoice.amount_paid, invoice.balance) == (D("0.00"), D("1130.00"))
    assert payment.allocations.get().reversed is True


def test_reversal_of_one_of_two_payments_leaves_partially_paid():
    invoice = issued_invoice()
    pay(invoice, "130.00")
    second = pay(invoice, "1000.00")
    services.payment_reverse(obj=second, user=finance_user(), data={"reason": "Bounced"})
    invoice.refresh_from_db()
    assert invoice.status == "partially_paid" and invoice.balance == D("1000.00")


def test_reversal_of_a_past_due_invoice_makes_it_overdue():
    invoice = issued_invoice(issue_date=timezone.localdate() - datetime.timedelta(days=40))
    payment = pay(invoice, "1130.00")
    services.payment_reverse(obj=payment, user=finance_user(), data={"reason": "Bounced"})
    invoice.refresh_from_db()
    assert invoice.status == "overdue"


def test_credit_note_reduces_balance_and_is_numbered():
    invoice = issued_invoice()
    user = finance_user()
    note = services.credit_note_issue(invoice=invoice, user=user, amount="30.00", reason="Discount")
    assert note.number == f"CN-{year()}-000001"
    invoice.refresh_from_db()
    assert (invoice.amount_credited, invoice.balance) == (D("30.00"), D("1100.00"))
    with pytest.raises(ValidationError):
        services.credit_note_issue(invoice=invoice, user=user, amount="1100.01", reason="x")
    with pytest.raises(ValidationError):
        services.credit_note_issue(invoice=invoice, user=user, amount="1.00", reason=" ")
    services.credit_note_issue(invoice=invoice, user=user, amount="1100.00", reason="Write-off")
    invoice.refresh_from_db()
    assert invoice.status == "paid" and invoice.balance == 0
    assert CreditNote.objects.count() == 2


def test_void_only_without_payments_and_with_reason():
    user = finance_user()
    invoice = issued_invoice(user=user)
    with pytest.raises(ValidationError):
        services.invoice_void(obj=invoice, user=user, data={})
    voided = services.invoice_void(obj=invoice, user=user, data={"reason": "Wrong customer"})
    assert voided.status == "void" and voided.number  # the number stays used
    paid = issued_invoice(user=user)
    pay(paid, "10.00")
    paid.refresh_from_db()
    from django_fsm import TransitionNotAllowed

    with pytest.raises(TransitionNotAllowed):  # partially paid: not a source of void
        services.invoice_void(obj=paid, user=user, data={"reason": "x"})


def test_void_refused_for_issued_invoice_with_reversed_then_reapplied_payment():
    user = finance_user()
    invoice = issued_invoice(user=user)
    payment = pay(invoice, "10.00")
    services.payment_reverse(obj=payment, user=user, data={"reason": "Bounced"})
    invoice.refresh_from_db()
    # the reversed allocation does not count as a payment applied
    voided = services.invoice_void(obj=invoice, user=user, data={"reason": "Cancelled"})
    assert voided.status == "void"


def test_database_refuses_a_negative_balance():
    invoice = issued_invoice()
    with pytest.raises(IntegrityError), transaction.atomic():
        Invoice.objects.filter(pk=invoice.pk).update(amount_paid=D("1200.00"), balance=D("-70.00"))


def test_database_refuses_figures_that_do_not_add_up():
    invoice = issued_invoice()
    with pytest.raises(IntegrityError), transaction.atomic():
        Invoice.objects.filter(pk=invoice.pk).update(balance=D("1.00"))


def test_no_backdating_before_an_issued_invoice():
    user = finance_user()
    issued_invoice(user=user)  # today
    older = draft_invoice(user=user)
    with pytest.raises(ValidationError) as exc:
        services.invoice_issue(
            obj=older,
            user=user,
            data={"issue_date": (timezone.localdate() - datetime.timedelta(days=3)).isoformat()},
        )
    assert "later issue date" in str(exc.value)
    older.refresh_from_db()
    assert older.status == "draft" and older.number is None
    assert NumberCounter.objects.get(series="INV", year=year()).last == 1


# --- drafting from the payment plan -----------------------------------------------------------
def _signed_contract(plan):
    from contracts.models import PaymentMilestone
    from contracts.tests.factories import contract_in

    contract = contract_in("signed", unit_price="1000.00", plan=False)
    for i, (name, amount, trigger, extra) in enumerate(plan):
        PaymentMilestone.objects.create(
            contract=contract, position=i, name=name, amount=D(amount), trigger=trigger, **extra
        )
    return contract


def test_draft_from_milestone_once_with_terms():
    from billing.receivers import on_contract_signed

    contract = _signed_contract(
        [
            ("Deposit", "300.00", "on_signing", {"payment_terms_days": 10}),
            ("Rest", "700.00", "on_delivery", {}),
        ]
    )
    on_contract_signed(sender=None, instance=contract, user=None)
    on_contract_signed(sender=None, instance=contract, user=None)
    invoice = Invoice.objects.get(contract=contract)
    assert invoice.total == D("300.00") and invoice.payment_terms_days == 10
    assert invoice.milestone.name == "Deposit" and invoice.account_id == contract.account_id
    assert "Deposit" in invoice.lines.get().description


def test_milestone_invoice_splits_net_and_tax_by_the_contract_rates():
    from contracts.models import PaymentMilestone

    contract = _signed_contract([])
    contract.lines.update(tax_rate=D("13"), total=D("1130.00"))
    milestone = PaymentMilestone.objects.create(
        contract=contract, name="All", amount=D("1130.00"), trigger="on_signing"
    )
    invoice = services.invoice_draft_from_milestone(milestone=milestone)
    assert (invoice.subtotal, invoice.tax, invoice.total) == (
        D("1000.00"),
        D("130.00"),
        D("1130.00"),
    )


def test_dated_milestones_drafted_by_the_daily_run():
    contract = _signed_contract(
        [
            ("Due", "100.00", "on_date", {"due_date": timezone.localdate()}),
            (
                "Later",
                "900.00",
                "on_date",
                {"due_date": timezone.localdate() + datetime.timedelta(days=5)},
            ),
        ]
    )
    assert services.draft_dated_milestones() == 1
    assert services.draft_dated_milestones() == 0
    assert Invoice.objects.get(contract=contract).total == D("100.00")
