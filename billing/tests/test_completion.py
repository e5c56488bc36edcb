"""Contract completion is decided by billing (it comes after orders and sees orders and
invoices): the contract completes when every order is delivered (accepted by the customer,
where the plan has an on-acceptance milestone) and every milestone is invoiced and paid,
whichever of those happens last."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import timezone

from billing.models import Invoice
from billing.tests.factories import pay
from contracts.models import MilestoneTrigger, PaymentMilestone
from contracts.tests.factories import contract_in
from ltc.transitions import run
from orders.models import Order
from roles.tests.factories import user_with

pytestmark = pytest.mark.django_db


def signed_contract(plan):
    """An approved contract with the payment plan `plan` [(percent, trigger)], then signed:
    the order and the on-signing invoice drafts exist."""
    seller = user_with("sales")
    contract = contract_in("approved", owner=seller, unit_price="10000.00", plan=False)
    for position, (percent, trigger) in enumerate(plan, start=1):
        PaymentMilestone.objects.create(
            contract=contract,
            position=position,
            name=f"M{position}",
            percentage=Decimal(percent),
            amount=Decimal("100.00") * Decimal(percent),
            trigger=trigger,
        )
    today = timezone.localdate().isoformat()
    return run(
        obj=contract,
        name="sign",
        user=seller,
        data={"signed_on": today, "signed_by_name": "Ms Buyer"},
    )


def issue_and_pay_drafts(contract):
    finance = user_with("finance")
    for invoice in Invoice.objects.filter(contract=contract, status="draft"):
        invoice = run(obj=invoice, name="issue", user=finance)
        pay(invoice, invoice.total, user=finance)


def deliver(contract):
    order = Order.objects.get(contract=contract)
    Order.objects.filter(pk=order.pk).update(status="shipped", shipped_at=timezone.now())
    order.refresh_from_db()
    run(
        obj=order,
        name="deliver",
        user=user_with("operations"),
        data={"delivered_on": timezone.localdate().isoformat()},
    )


def accept(contract):
    order = Order.objects.get(contract=contract)
    run(
        obj=order,
        name="accept",
        user=contract.owner,
        data={"accepted_on": timezone.localdate().isoformat()},
    )


def status(contract):
    contract.refresh_from_db()
    return contract.status


def test_paid_then_delivered_completes_on_delivery():
    contract = signed_contract([("100", MilestoneTrigger.ON_SIGNING)])
    issue_and_pay_drafts(contract)
    assert Invoice.objects.get(contract=contract).status == "paid"
    assert status(contract) == "signed"  # the order is not delivered yet
    deliver(contract)
    assert status(contract) == "completed"


def test_delivered_then_paid_completes_on_the_last_payment():
    contract = signed_contract(
        [("30", MilestoneTrigger.ON_SIGNING), ("70", MilestoneTrigger.ON_DELIVERY)]
    )
    deliver(contract)
    assert status(contract) == "signed"  # nothing is paid yet
    finance = user_with("finance")
    down, rest = Invoice.objects.filter(contract=contract).order_by("milestone__position")
    pay(run(obj=down, name="issue", user=finance), down.total, user=finance)
    assert status(contract) == "signed"  # the on-delivery invoice is still open
    pay(run(obj=rest, name="issue", user=finance), rest.total, user=finance)
    assert status(contract) == "completed"


def test_part_paid_then_delivered_waits_for_the_rest():
    contract = signed_contract(
        [("30", MilestoneTrigger.ON_SIGNING), ("70", MilestoneTrigger.ON_DELIVERY)]
    )
    issue_and_pay_drafts(contract)
    deliver(contract)  # drafts the 70 % invoice: not paid yet
    assert status(contract) == "signed"
    issue_and_pay_drafts(contract)
    assert status(contract) == "completed"


def test_a_milestone_without_an_invoice_keeps_the_contract_open():
    contract = signed_contract(
        [("50", MilestoneTrigger.ON_SIGNING), ("50", MilestoneTrigger.ON_ACCEPTANCE)]
    )
    issue_and_pay_drafts(contract)
    deliver(contract)
    assert status(contract) == "signed"  # the on-acceptance milestone is not invoiced


def test_delivered_accepted_then_paid_completes_on_the_last_payment():
    contract = signed_contract(
        [("50", MilestoneTrigger.ON_SIGNING), ("50", MilestoneTrigger.ON_ACCEPTANCE)]
    )
    deliver(contract)
    accept(contract)  # drafts the on-acceptance invoice
    assert Order.objects.get(contract=contract).status == "accepted"
    assert Invoice.objects.filter(contract=contract).count() == 2
    assert status(contract) == "signed"  # nothing is paid yet
    issue_and_pay_drafts(contract)
    assert status(contract) == "completed"


def test_paid_then_accepted_completes_on_the_acceptance():
    """Everything invoiced and paid before the customer accepts (the on-acceptance milestone
    raised by hand): delivery alone does not complete it, the acceptance does."""
    from billing.services import invoice_raise_for_milestone

    contract = signed_contract(
        [("50", MilestoneTrigger.ON_SIGNING), ("50", MilestoneTrigger.ON_ACCEPTANCE)]
    )
    finance = user_with("finance")
    invoice_raise_for_milestone(
        milestone=contract.milestones.get(trigger=MilestoneTrigger.ON_ACCEPTANCE), user=finance
    )
    issue_and_pay_drafts(contract)
    deliver(contract)
    assert status(contract) == "signed"  # delivered, paid, but not accepted yet
    accept(contract)
    assert Invoice.objects.filter(contract=contract).count() == 2  # no second draft
    assert status(contract) == "completed"


def test_an_accepted_order_counts_as_delivered_without_an_acceptance_milestone():
    contract = signed_contract(
        [("30", MilestoneTrigger.ON_SIGNING), ("70", MilestoneTrigger.ON_DELIVERY)]
    )
    deliver(contract)
    accept(contract)  # the customer's acceptance, though no milestone waits for it
    assert status(contract) == "signed"
    issue_and_pay_drafts(contract)
    assert status(contract) == "completed"


def test_contracts_reads_no_later_stage():
    """The contracts stage's writes hold no completion check: no literal states of orders or
    invoices and no reads of their relations."""
    from pathlib import Path

    from django.conf import settings

    for name in ("services.py", "receivers.py", "models.py", "apps.py"):
        file = Path(settings.BASE_DIR) / "contracts" / name
        text = file.read_text(encoding="utf-8")
        for later in ('"delivered"', '"paid"', '"cancelled"', ".orders.", ".invoices."):
            assert later not in text, f"{file.name} reads {later}"
