"""Property tests (hypothesis): line arithmetic, milestone lines, totals and allocations."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from billing import services
from billing.arithmetic import line_amounts, milestone_lines, split
from billing.models import Invoice
from billing.tests.factories import finance_user
from customers.tests.factories import AccountFactory

CENT = Decimal("0.01")
prices = st.decimals(min_value="0", max_value="99999.99", places=2)
quantities = st.decimals(min_value="0.001", max_value="9999.999", places=3)
rates = st.sampled_from([Decimal(r) for r in ("0", "3", "6", "9", "13", "17.5", "20")])


@given(quantity=quantities, price=prices, rate=rates)
def test_line_amounts(quantity, price, rate):
    net, tax, total = line_amounts(quantity, price, rate)
    assert net == (quantity * price).quantize(CENT, rounding=ROUND_HALF_UP)
    assert tax == (net * rate / 100).quantize(CENT, rounding=ROUND_HALF_UP)
    assert total == net + tax
    assert net.as_tuple().exponent == -2 and tax.as_tuple().exponent == -2


@given(
    amount=st.decimals(min_value="0.01", max_value="9999999.99", places=2),
    weights=st.lists(
        st.decimals(min_value="0", max_value="100000", places=2), min_size=1, max_size=6
    ),
)
def test_split_sums_exactly(amount, weights):
    parts = split(amount, weights)
    assert sum(parts) == amount and len(parts) == len(weights)


class Line:
    def __init__(self, rate, total):
        self.tax_rate, self.total = rate, total


@given(
    amount=st.decimals(min_value="0.01", max_value="999999.99", places=2),
    lines=st.lists(
        st.tuples(rates, st.decimals(min_value="0.01", max_value="100000", places=2)),
        min_size=1,
        max_size=5,
    ),
)
def test_milestone_lines_total_within_a_cent_per_rate(amount, lines):
    parts = milestone_lines(amount, [Line(r, t) for r, t in lines])
    totals = [line_amounts(1, p["unit_price"], p["tax_rate"])[2] for p in parts]
    assert abs(sum(totals) - amount) <= CENT * len(parts)
    assert all(p["unit_price"] >= 0 for p in parts)


line_input = st.fixed_dictionaries(
    {
        "description": st.just("Item"),
        "quantity": quantities.map(str),
        "unit_price": prices.map(str),
        "tax_rate": rates.map(str),
    }
)


@pytest.mark.django_db
@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    lines=st.lists(line_input, min_size=1, max_size=5),
    shares=st.lists(st.integers(1, 100), max_size=3),
)
def test_invoice_totals_and_allocations(lines, shares):
    user = finance_user()
    invoice = services.invoice_create(user=user, account=AccountFactory(), lines=lines)
    stored = list(invoice.lines.all())
    assert invoice.subtotal == sum(line.net for line in stored)
    assert invoice.tax == sum(line.tax_amount for line in stored)
    assert invoice.total == invoice.subtotal + invoice.tax
    if invoice.total <= 0:
        return
    invoice = services.invoice_issue(obj=invoice, user=user, data={})
    for share in shares:
        invoice.refresh_from_db()
        amount = (invoice.total * share / 100).quantize(CENT)
        if amount <= 0:
            continue
        try:
            services.payment_record(
                user=user,
                account=invoice.account,
                amount=amount,
                allocations=[{"invoice": invoice.pk, "amount": amount}],
            )
        except Exception as exc:  # refused: more than the balance
            from django.core.exceptions import ValidationError

            assert isinstance(exc, ValidationError)
            assert amount > invoice.balance
        invoice.refresh_from_db()
        assert invoice.balance == invoice.total - invoice.amount_paid - invoice.amount_credited
        assert invoice.balance >= 0
        assert invoice.amount_paid == sum(a.amount for a in invoice.allocations.all())
    expected = (
        "paid"
        if invoice.balance == 0
        else ("issued" if not invoice.amount_paid else "partially_paid")
    )
    assert Invoice.objects.get(pk=invoice.pk).status == expected
