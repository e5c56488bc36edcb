"""Property: quote totals are the sums of the lines, each line rounded half-up to 0.01,
whatever quantities, prices, discounts and tax rates."""

from decimal import ROUND_HALF_UP, Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from opportunities.models import Quote, QuoteLine

CENT = Decimal("0.01")
quantities = st.decimals(min_value="0.001", max_value="99999", places=3)
prices = st.decimals(min_value="0", max_value="999999.99", places=2)
percents = st.decimals(min_value="0", max_value="100", places=2)


def expected_line(q, p, d, t):
    gross = (q * p).quantize(CENT, ROUND_HALF_UP)
    discount = (gross * d / 100).quantize(CENT, ROUND_HALF_UP)
    tax = ((gross - discount) * t / 100).quantize(CENT, ROUND_HALF_UP)
    return gross, discount, tax, gross - discount + tax


# A new Quote() reads its defaults (validity, currency) from the business rules: the database.
@pytest.mark.django_db
@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(quantities, prices, percents, percents), min_size=0, max_size=8))
def test_quote_totals_are_the_sum_of_rounded_lines(rows):
    lines = []
    for q, p, d, t in rows:
        line = QuoteLine(quantity=q, unit_price=p, discount_pct=d, tax_rate=t)
        line.compute()
        gross, discount, tax, total = expected_line(q, p, d, t)
        assert (line.gross, line.discount_amount, line.tax_amount, line.total) == (
            gross,
            discount,
            tax,
            total,
        )
        assert line.total >= 0 and line.discount_amount <= line.gross
        for amount in (line.gross, line.discount_amount, line.tax_amount, line.total):
            assert amount == amount.quantize(CENT)
        lines.append(line)
    quote = Quote()
    quote.recalculate(lines)
    assert quote.subtotal == sum((x.gross for x in lines), Decimal(0))
    assert quote.discount_total == sum((x.discount_amount for x in lines), Decimal(0))
    assert quote.tax_total == sum((x.tax_amount for x in lines), Decimal(0))
    assert quote.total == quote.subtotal - quote.discount_total + quote.tax_total
