"""Contracts in any state, made the way the hand-off makes them (from an accepted quote)."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.utils import timezone

from contracts.models import Contract, MilestoneTrigger, PaymentMilestone
from contracts.services import contract_create_from_quote
from customers.tests.factories import AccountFactory
from opportunities.models import Quote
from opportunities.tests.factories import QuoteFactory, add_line, opportunity_in
from roles.tests.factories import user_with


def draft_contract(
    *,
    owner=None,
    solution_owner=None,
    account=None,
    unit_price="1000.00",
    quantity="1",
    lines=1,
    plan=True,
) -> Contract:
    """A draft contract from a won deal with `lines` quote lines (no tax, no discount) and,
    with `plan`, a payment plan of one milestone of 100 % on signing."""
    owner = owner or user_with("sales")
    opp = opportunity_in(
        "won",
        owner=owner,
        solution_owner=solution_owner,
        account=account or AccountFactory(),
    )
    quote = QuoteFactory(opportunity=opp)
    for _ in range(lines):
        add_line(quote, quantity=quantity, unit_price=unit_price, tax_rate="0")
    Quote.objects.filter(pk=quote.pk).update(status="accepted")
    quote.refresh_from_db()
    contract = contract_create_from_quote(opportunity=opp, quote=quote, user=owner)
    if plan:
        PaymentMilestone.objects.create(
            contract=contract,
            position=1,
            name="All on signing",
            percentage=Decimal("100"),
            amount=contract.total,
            trigger=MilestoneTrigger.ON_SIGNING,
        )
    return contract


def contract_in(status: str, *, manager_needed=False, **kwargs) -> Contract:
    """A contract already in `status` (fixture shortcut; the rules are tested via run)."""
    contract = draft_contract(**kwargs)
    fields = {"status": status}
    if status != "draft":
        fields.update(review_round=1, submitted_at=timezone.now())
        fields["over_value_threshold"] = manager_needed
    if status in ("approved", "signed", "completed", "terminated"):
        fields["approved_at"] = timezone.now()
    if status in ("signed", "completed", "terminated"):
        fields.update(
            signed_on=timezone.localdate(),
            signed_by_name="Ms Signer",
            signed_at=timezone.now(),
            start_date=timezone.localdate(),
            end_date=timezone.localdate() + datetime.timedelta(days=365),
        )
    Contract.objects.filter(pk=contract.pk).update(**fields)
    contract.refresh_from_db()
    return contract
