"""Winning an opportunity drafts the contract (in the win transaction); renewal reminders."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.conf import settings
from django.test import override_settings
from django.utils import timezone

from catalog.models import Product
from contracts.models import Contract
from contracts.services import remind_renewals
from contracts.tasks import remind_renewals as remind_renewals_task
from contracts.tests.factories import contract_in
from customers.tests.factories import ContactFactory
from ltc.transitions import run
from notifications.models import Notification
from opportunities.models import Quote
from opportunities.tests.factories import QuoteFactory, add_line, opportunity_in
from roles.tests.factories import user_with

pytestmark = pytest.mark.django_db


def won_deal():
    seller = user_with("sales")
    support = user_with("sales_support")
    opp = opportunity_in("negotiation", owner=seller, solution_owner=support)
    opp.contact = ContactFactory(account=opp.account)
    opp.save()
    old = QuoteFactory(opportunity=opp, version=1)
    add_line(old, unit_price="1.00")
    Quote.objects.filter(pk=old.pk).update(status="declined")
    quote = QuoteFactory(opportunity=opp, version=2)
    add_line(quote, quantity="3", unit_price="200.00", discount_pct="10", tax_rate="13")
    add_line(quote, quantity="1", unit_price="99.99", tax_rate="0")
    Quote.objects.filter(pk=quote.pk).update(status="accepted")
    quote.refresh_from_db()
    return opp, quote, seller, support


def test_winning_drafts_a_contract_from_the_accepted_quote():
    opp, quote, seller, support = won_deal()
    run(obj=opp, name="win", user=seller)
    contract = Contract.objects.get(opportunity=opp)
    assert contract.status == "draft" and contract.quote == quote
    assert contract.owner == seller and contract.solution_owner == support
    assert contract.account == opp.account and contract.currency == quote.currency
    assert contract.total == quote.total
    assert list(contract.signatories.all()) == [opp.contact]
    copied = list(
        contract.lines.values_list("product", "quantity", "unit_price", "discount_pct", "total")
    )
    expected = list(
        quote.lines.values_list("product", "quantity", "unit_price", "discount_pct", "total")
    )
    assert copied == expected
    assert Notification.objects.filter(recipient=support, key=f"contract-drafted:{contract.pk}")
    # the solution owner and the owner see it
    from contracts.selectors import contract_list

    assert contract_list(user=support).filter(pk=contract.pk).exists()
    assert contract_list(user=seller).filter(pk=contract.pk).exists()


def test_catalog_and_quote_changes_do_not_move_the_contract():
    opp, quote, seller, _support = won_deal()
    run(obj=opp, name="win", user=seller)
    contract = Contract.objects.get(opportunity=opp)
    prices = list(contract.lines.values_list("unit_price", "total"))
    Product.objects.update(price=Decimal("1.00"))
    quote.lines.update(unit_price=Decimal("1.00"), total=Decimal("1.00"))
    contract.refresh_from_db()
    assert list(contract.lines.values_list("unit_price", "total")) == prices
    assert contract.total == Decimal("710.19")  # 3 × 200 − 10 % + 13 % tax = 610.20, + 99.99


def test_the_contract_is_drafted_once_per_quote():
    from contracts.services import contract_create_from_quote

    opp, quote, seller, _support = won_deal()
    run(obj=opp, name="win", user=seller)
    again = contract_create_from_quote(opportunity=opp, quote=quote, user=seller)
    assert Contract.objects.filter(opportunity=opp).count() == 1
    assert again.opportunity == opp


def test_a_failing_contract_draft_rolls_the_win_back(monkeypatch):
    from contracts import services

    opp, _quote, seller, _support = won_deal()

    def boom(**kwargs):
        raise RuntimeError("no contract")

    monkeypatch.setattr(services, "contract_create_from_quote", boom)
    with pytest.raises(RuntimeError):
        run(obj=opp, name="win", user=seller)
    opp.refresh_from_db()
    assert opp.stage == "negotiation"
    assert not Contract.objects.exists()


# --- renewal reminders ---------------------------------------------------------------------


def ending_in(days: int, **kwargs):
    contract = contract_in("signed", **kwargs)
    today = timezone.localdate()
    Contract.objects.filter(pk=contract.pk).update(
        start_date=today - datetime.timedelta(days=300),
        end_date=today + datetime.timedelta(days=days),
    )
    return contract


def renewal_notes(contract):
    return Notification.objects.filter(
        recipient=contract.owner, key__startswith=f"contract-renewal:{contract.pk}:"
    )


def test_renewal_reminder_once_per_contract_and_threshold():
    today = timezone.localdate()
    far = ending_in(90)
    soon = ending_in(59)
    assert remind_renewals(today=today) == 1
    assert remind_renewals(today=today) == 0  # idempotent
    assert remind_renewals_task() == 0  # the Celery task runs the same service
    assert renewal_notes(far).count() == 0
    assert list(renewal_notes(soon).values_list("key", flat=True)) == [
        f"contract-renewal:{soon.pk}:60"
    ]
    # 30 days later the 30-day threshold is crossed: one more reminder, then nothing
    later = today + datetime.timedelta(days=30)
    assert remind_renewals(today=later) == 2  # soon (30), far (60)
    assert remind_renewals(today=later) == 0
    assert renewal_notes(soon).count() == 2 and renewal_notes(far).count() == 1


def test_only_the_nearest_passed_threshold_is_sent():
    contract = ending_in(10)
    remind_renewals()
    assert list(renewal_notes(contract).values_list("key", flat=True)) == [
        f"contract-renewal:{contract.pk}:30"
    ]


def test_no_reminder_for_contracts_not_in_force():
    for state in ("draft", "approved", "completed", "terminated"):
        contract = contract_in(state)
        Contract.objects.filter(pk=contract.pk).update(
            end_date=timezone.localdate() + datetime.timedelta(days=5)
        )
    ended = ending_in(-1)
    assert remind_renewals() == 0
    assert not renewal_notes(ended).exists()


def test_reminder_days_come_from_settings():
    contract = ending_in(80)
    with override_settings(LTC={**settings.LTC, "RENEWAL_REMINDER_DAYS": [90]}):
        assert remind_renewals() == 1
    assert renewal_notes(contract).get().key.endswith(":90")
