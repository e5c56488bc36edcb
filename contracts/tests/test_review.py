"""The review gate: finance approves after a credit check; over the account's credit limit or
over the value threshold a manager must sign off as well (who and when recorded)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.test import override_settings

from contracts.models import Contract, ContractSignOff
from contracts.tests.factories import contract_in, draft_contract
from customers.tests.factories import AccountFactory
from ltc.transitions import run
from notifications.models import Notification
from roles.tests.factories import user_with

pytestmark = pytest.mark.django_db


def small_threshold(value=5000):
    from django.conf import settings

    return override_settings(LTC={**settings.LTC, "CONTRACT_VALUE_THRESHOLD": value})


def submit(contract):
    return run(obj=contract, name="submit_for_review", user=contract.owner)


def test_within_limit_and_threshold_finance_alone_approves():
    account = AccountFactory(credit_limit=Decimal("5000.00"))
    contract = draft_contract(account=account, unit_price="1000.00")
    contract = submit(contract)
    assert contract.required_sign_offs() == ["finance"]
    finance = user_with("finance")
    contract = run(obj=contract, name="approve", user=finance)
    assert contract.status == "approved"
    (sign_off,) = ContractSignOff.objects.filter(contract=contract)
    assert (sign_off.role, sign_off.user, sign_off.decision) == ("finance", finance, "approved")
    assert sign_off.at is not None


def test_over_the_credit_limit_needs_the_manager_too():
    account = AccountFactory(credit_limit=Decimal("1500.00"))
    # open exposure: a signed, not completed contract of 1000.00
    contract_in("signed", account=account, unit_price="1000.00")
    # completed and terminated ones do not count
    contract_in("completed", account=account, unit_price="9000.00")
    contract = draft_contract(account=account, unit_price="600.00")
    managers = [user_with("manager"), user_with("manager")]
    contract = submit(contract)
    assert contract.over_credit_limit and contract.credit_exposure == Decimal("1000.00")
    assert contract.required_sign_offs() == ["finance", "manager"]
    assert (
        Notification.objects.filter(
            recipient__in=managers, key__startswith=f"contract-review:{contract.pk}:"
        ).count()
        == 2
    )

    finance = user_with("finance")
    contract = run(obj=contract, name="approve", user=finance)
    assert contract.status == "in_review"
    assert contract.missing_sign_offs() == ["manager"]

    manager = managers[0]
    contract = run(obj=contract, name="manager_sign_off", user=manager)
    assert contract.status == "approved"
    rows = list(ContractSignOff.objects.filter(contract=contract).values_list("role", "user"))
    assert rows == [("finance", finance.pk), ("manager", manager.pk)]


def test_exactly_at_the_limit_passes():
    account = AccountFactory(credit_limit=Decimal("1600.00"))
    contract_in("signed", account=account, unit_price="1000.00")
    contract = submit(draft_contract(account=account, unit_price="600.00"))
    assert not contract.over_credit_limit
    contract = run(obj=contract, name="approve", user=user_with("finance"))
    assert contract.status == "approved"


def test_no_credit_limit_means_no_credit_check():
    contract = submit(draft_contract(account=AccountFactory(credit_limit=None)))
    assert not contract.over_credit_limit and contract.credit_exposure is None


def test_credit_check_runs_again_on_approval():
    """Exposure that grows after submission is caught when finance approves."""
    account = AccountFactory(credit_limit=Decimal("1500.00"))
    contract = submit(draft_contract(account=account, unit_price="600.00"))
    assert contract.required_sign_offs() == ["finance"]
    contract_in("signed", account=account, unit_price="1000.00")  # signed meanwhile
    manager = user_with("manager")
    contract = run(obj=contract, name="approve", user=user_with("finance"))
    assert contract.status == "in_review" and contract.over_credit_limit
    assert Notification.objects.filter(recipient=manager).exists()
    contract = run(obj=contract, name="manager_sign_off", user=manager)
    assert contract.status == "approved"


def test_over_the_value_threshold_needs_finance_and_manager_in_any_order():
    with small_threshold(5000):
        contract = submit(draft_contract(unit_price="6000.00"))
        assert contract.over_value_threshold
        assert contract.required_sign_offs() == ["finance", "manager"]
        manager = user_with("manager")
        contract = run(obj=contract, name="manager_sign_off", user=manager)
        assert contract.status == "in_review"
        contract = run(obj=contract, name="approve", user=user_with("finance"))
        assert contract.status == "approved"


def test_at_the_threshold_finance_alone_is_enough():
    with small_threshold(5000):
        contract = submit(draft_contract(unit_price="5000.00"))
        assert contract.required_sign_offs() == ["finance"]


def test_a_sign_off_is_recorded_once_per_round():
    with small_threshold(5000):
        contract = submit(draft_contract(unit_price="6000.00"))
        finance = user_with("finance")
        contract = run(obj=contract, name="approve", user=finance)
        with pytest.raises(ValidationError):
            run(obj=contract, name="approve", user=user_with("finance"))
        assert ContractSignOff.objects.filter(contract=contract).count() == 1


def test_manager_sign_off_is_refused_when_not_needed():
    contract = submit(draft_contract())
    with pytest.raises(ValidationError):
        run(obj=contract, name="manager_sign_off", user=user_with("manager"))
    assert not ContractSignOff.objects.filter(contract=contract).exists()


def test_rejection_starts_a_new_round_where_old_sign_offs_do_not_count():
    with small_threshold(5000):
        contract = submit(draft_contract(unit_price="6000.00"))
        contract = run(obj=contract, name="manager_sign_off", user=user_with("manager"))
        finance = user_with("finance")
        contract = run(obj=contract, name="reject", user=finance, data={"reason": "Fix terms"})
        assert contract.status == "draft"
        contract = submit(contract)
        assert contract.review_round == 2
        assert contract.missing_sign_offs() == ["finance", "manager"]
        contract = run(obj=contract, name="approve", user=finance)
        assert contract.status == "in_review"


def test_submit_needs_lines_and_a_plan_summing_to_the_total():
    contract = draft_contract(plan=False)
    with pytest.raises(ValidationError) as exc:
        submit(contract)
    assert "milestones" in exc.value.message_dict
    contract.refresh_from_db()
    assert contract.status == "draft" and contract.review_round == 0


def test_submit_by_api_with_a_plan_that_does_not_sum_is_400_with_the_reason():
    from rest_framework.test import APIClient

    contract = draft_contract()
    contract.milestones.update(amount=Decimal("999.99"))
    client = APIClient()
    client.force_authenticate(contract.owner)
    response = client.post(f"/api/v1/contracts/{contract.pk}/transitions/submit_for_review/", {})
    assert response.status_code == 400
    assert "999.99" in str(response.json()["milestones"])
    assert "0.01" in str(response.json()["milestones"])
    assert Contract.objects.get(pk=contract.pk).status == "draft"
