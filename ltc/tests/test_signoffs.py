"""The one sign-off gate (ltc/signoffs.py) behind quotes and contracts: every sign-off goes
through the transition engine, so a partial sign-off is logged and signalled (webhooks)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError

from contracts.models import ContractSignOff
from contracts.tests.factories import contract_in, draft_contract
from customers.tests.factories import AccountFactory
from ltc.models import TransitionLog
from ltc.signoffs import SignOff, SignOffRole
from ltc.transitions import TransitionNotAllowed, run, transitioned
from notifications.models import Delivery, WebhookEndpoint
from opportunities.models import QuoteSignOff
from opportunities.tests.factories import quote_in
from roles.tests.factories import user_with

pytestmark = pytest.mark.django_db


@pytest.fixture
def allow_loopback(settings):
    settings.LTC = {**settings.LTC, "WEBHOOK_ALLOW_PRIVATE": True}


@pytest.fixture
def signals():
    seen = []

    def receiver(sender, *, instance, name, source, target, **kwargs):
        seen.append((sender.__name__, name, source, target))

    transitioned.connect(receiver, dispatch_uid="test-signoffs")
    yield seen
    transitioned.disconnect(dispatch_uid="test-signoffs")


def logs(obj):
    return list(
        TransitionLog.objects.filter(
            content_type=ContentType.objects.get_for_model(type(obj)), object_id=obj.pk
        ).values_list("transition", "source", "target")
    )


def test_both_sign_off_models_share_the_abstract_gate_model():
    assert issubclass(QuoteSignOff, SignOff) and issubclass(ContractSignOff, SignOff)
    for model in (QuoteSignOff, ContractSignOff):
        assert model._meta.get_field("role").choices == SignOffRole.choices


def test_quote_partial_sign_off_is_logged_and_signalled_then_the_last_approves(signals):
    quote = quote_in("pending_approval", manager=True, finance=True)
    quote = run(obj=quote, name="sign_off", user=user_with("finance"))
    assert quote.status == "pending_approval"
    assert signals == [("Quote", "sign_off", "pending_approval", "pending_approval")]
    assert logs(quote) == [("sign_off", "pending_approval", "pending_approval")]

    quote = run(obj=quote, name="approve", user=user_with("manager"))
    assert quote.status == "approved"
    assert signals[-1] == ("Quote", "approve", "pending_approval", "approved")
    assert logs(quote)[-1] == ("approve", "pending_approval", "approved")
    assert sorted(quote.sign_offs.values_list("role", flat=True)) == ["finance", "manager"]


def test_contract_partial_sign_off_is_signalled(signals):
    contract = contract_in("in_review", manager_needed=True)
    contract = run(obj=contract, name="manager_sign_off", user=user_with("manager"))
    assert contract.status == "in_review"
    assert signals == [("Contract", "manager_sign_off", "in_review", "in_review")]
    (row,) = contract.sign_offs.all()
    assert (row.role, row.review_round) == ("manager", contract.review_round)


def test_partial_sign_off_queues_a_webhook(allow_loopback, django_capture_on_commit_callbacks):
    WebhookEndpoint.objects.create(
        name="x", url="http://127.0.0.1:9/", secret="s", events=["opportunities.quote.sign_off"]
    )
    quote = quote_in("pending_approval", manager=True, finance=True)
    with django_capture_on_commit_callbacks(execute=False):
        run(obj=quote, name="sign_off", user=user_with("finance"))
    (delivery,) = Delivery.objects.all()
    assert delivery.payload["transition"] == "sign_off"
    assert (delivery.payload["from"], delivery.payload["to"]) == (
        "pending_approval",
        "pending_approval",
    )


def test_the_gate_refuses_like_a_transition_and_writes_nothing(signals):
    quote = quote_in("pending_approval", manager=True, finance=False)
    with pytest.raises(PermissionDenied):
        run(obj=quote, name="sign_off", user=user_with("sales"))
    with pytest.raises(ValidationError):  # finance's sign-off is not needed on this quote
        run(obj=quote, name="sign_off", user=user_with("finance"))
    approved = quote_in("approved", manager=True)
    with pytest.raises(TransitionNotAllowed):
        run(obj=approved, name="approve", user=user_with("manager"))
    assert signals == [] and not QuoteSignOff.objects.exists()
    assert logs(quote) == [] and logs(approved) == []


def test_a_sign_off_is_recorded_once_per_role(signals):
    quote = quote_in("pending_approval", manager=True, finance=True)
    run(obj=quote, name="sign_off", user=user_with("finance"))
    with pytest.raises(ValidationError):
        run(obj=quote, name="sign_off", user=user_with("finance"))
    assert quote.sign_offs.count() == 1 and len(signals) == 1


def test_contract_finance_sign_off_reruns_the_credit_check(signals):
    account = AccountFactory(credit_limit=Decimal("5000.00"))
    draft = draft_contract(account=account, unit_price="1000.00")
    contract = run(obj=draft, name="submit_for_review", user=draft.owner)
    assert contract.required_sign_offs() == ["finance"]
    # exposure grows past the limit before finance signs
    contract_in("signed", account=account, unit_price="4500.00")
    contract = run(obj=contract, name="approve", user=user_with("finance"))
    assert contract.status == "in_review" and contract.over_credit_limit
    assert contract.missing_sign_offs() == ["manager"]
    assert signals[-1] == ("Contract", "approve", "in_review", "in_review")
