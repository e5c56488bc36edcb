"""Every payment-milestone trigger kind has a handler that drafts exactly that milestone's
invoice, fired the real way (sign, deliver, accept, the daily task for dated milestones);
finance raises a milestone's invoice by hand from the contract page or the API, and that
invoice counts against the milestone (the trigger later drafts no second one)."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from billing.models import Invoice
from billing.services import draft_dated_milestones, invoice_raise_for_milestone
from contracts.models import Contract, MilestoneTrigger, PaymentMilestone
from contracts.tests.factories import contract_in
from ltc.transitions import run
from orders.models import Order
from orders.services import order_create_from_contract
from roles.tests.factories import user_with

pytestmark = pytest.mark.django_db

TODAY = datetime.date.today


def with_plan(status: str) -> Contract:
    """A contract in `status` with one milestone of each trigger kind (25 % each)."""
    contract = contract_in(status, unit_price="8000.00")
    contract.milestones.all().delete()
    for i, trigger in enumerate(MilestoneTrigger.values):
        PaymentMilestone.objects.create(
            contract=contract,
            position=i,
            name=trigger,
            percentage=Decimal("25"),
            amount=contract.total / 4,
            trigger=trigger,
            due_date=TODAY() if trigger == MilestoneTrigger.ON_DATE else None,
        )
    return contract


def order_of(contract: Contract, status: str) -> Order:
    order = Order.objects.filter(contract=contract).first() or order_create_from_contract(
        contract=contract, user=contract.owner
    )
    Order.objects.filter(pk=order.pk).update(
        status=status,
        confirmed_at=timezone.now(),
        shipped_at=timezone.now(),
        delivered_on=TODAY() if status == "delivered" else None,
    )
    order.refresh_from_db()
    return order


def fire_on_signing(contract):
    Contract.objects.filter(pk=contract.pk).update(status="approved")
    contract.refresh_from_db()
    run(
        obj=contract,
        name="sign",
        user=contract.owner,
        data={"signed_on": TODAY().isoformat(), "signed_by_name": "Ms Wang"},
    )


def fire_on_delivery(contract):
    order = order_of(contract, "shipped")
    run(
        obj=order,
        name="deliver",
        user=user_with("operations"),
        data={"delivered_on": TODAY().isoformat()},
    )


def fire_on_acceptance(contract):
    order = order_of(contract, "delivered")
    run(obj=order, name="accept", user=contract.owner, data={"accepted_on": TODAY().isoformat()})


def fire_on_date(contract):
    assert draft_dated_milestones(today=TODAY()) == 1


FIRE = {
    MilestoneTrigger.ON_SIGNING: ("approved", fire_on_signing),
    MilestoneTrigger.ON_DELIVERY: ("signed", fire_on_delivery),
    MilestoneTrigger.ON_ACCEPTANCE: ("signed", fire_on_acceptance),
    MilestoneTrigger.ON_DATE: ("signed", fire_on_date),
}


def test_every_trigger_kind_has_a_test():
    assert set(FIRE) == set(MilestoneTrigger.values)


@pytest.mark.parametrize("trigger", MilestoneTrigger.values)
def test_each_trigger_drafts_exactly_its_milestone(trigger):
    status, fire = FIRE[trigger]
    contract = with_plan(status)
    fire(contract)
    invoices = list(Invoice.objects.filter(contract__number=contract.number))
    assert [i.milestone.trigger for i in invoices] == [trigger]
    assert invoices[0].total == invoices[0].milestone.amount
    assert invoices[0].status == "draft"


# --- by hand ---------------------------------------------------------------------------------


def acceptance_milestone(contract):
    return contract.milestones.get(trigger=MilestoneTrigger.ON_ACCEPTANCE)


def test_finance_raises_by_hand_on_the_contract_page_and_acceptance_adds_no_second(client):
    contract = with_plan("signed")
    milestone = acceptance_milestone(contract)
    finance = user_with("finance")
    client.force_login(finance)
    page = client.get(contract.get_absolute_url()).content.decode()
    assert f'data-testid="raise-invoice-{milestone.pk}"' in page
    response = client.post(reverse("billing:milestone-invoice", args=[milestone.pk]))
    assert response.status_code == 302
    invoice = Invoice.objects.get(milestone=milestone)
    assert response.url == invoice.get_absolute_url()
    assert invoice.total == milestone.amount and invoice.created_by == finance
    page = client.get(contract.get_absolute_url()).content.decode()
    assert f'data-testid="raise-invoice-{milestone.pk}"' not in page
    fire_on_acceptance(contract)
    assert Invoice.objects.filter(milestone=milestone).count() == 1
    assert Invoice.objects.filter(contract=contract).count() == 1


def test_raising_twice_answers_the_same_invoice():
    contract = with_plan("signed")
    finance = user_with("finance")
    first = invoice_raise_for_milestone(milestone=acceptance_milestone(contract), user=finance)
    again = invoice_raise_for_milestone(milestone=acceptance_milestone(contract), user=finance)
    assert first.pk == again.pk
    assert Invoice.objects.filter(contract=contract).count() == 1


@pytest.mark.parametrize("role", ["manager", "sales", "operations", "service"])
def test_only_finance_raises_by_hand(client, role):
    contract = with_plan("signed")
    milestone = acceptance_milestone(contract)
    user = contract.owner if role == "sales" else user_with(role)
    client.force_login(user)
    page = client.get(contract.get_absolute_url()).content.decode()
    assert "raise-invoice-" not in page
    response = client.post(reverse("billing:milestone-invoice", args=[milestone.pk]))
    assert response.status_code == 403
    api = APIClient()
    api.force_authenticate(user)
    response = api.post("/api/v1/invoices/from-milestone/", {"milestone": milestone.pk})
    assert response.status_code == 403
    assert not Invoice.objects.filter(contract=contract).exists()


def test_a_milestone_of_an_unsigned_contract_is_refused_with_the_reason(client):
    contract = with_plan("approved")
    milestone = acceptance_milestone(contract)
    client.force_login(user_with("finance"))
    response = client.post(reverse("billing:milestone-invoice", args=[milestone.pk]))
    assert response.status_code == 400
    assert "Only the milestones of a signed contract" in response.content.decode()
    api = APIClient()
    api.force_authenticate(user_with("finance"))
    response = api.post("/api/v1/invoices/from-milestone/", {"milestone": milestone.pk})
    assert response.status_code == 400 and "milestone" in response.json()
    assert not Invoice.objects.filter(contract=contract).exists()


def test_api_raise_by_hand_counts_against_the_milestone():
    contract = with_plan("signed")
    milestone = acceptance_milestone(contract)
    api = APIClient()
    api.force_authenticate(user_with("finance"))
    response = api.post("/api/v1/invoices/from-milestone/", {"milestone": milestone.pk})
    assert response.status_code == 201
    assert response.json()["milestone"] == milestone.pk
    fire_on_acceptance(contract)
    assert Invoice.objects.filter(milestone=milestone).count() == 1
