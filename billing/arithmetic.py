"""Invoice arithmetic on top of ltc.money: milestone invoices split over tax rates."""

from __future__ import annotations

from decimal import Decimal

from ltc.money import CENT, HUNDRED, ZERO, money
from ltc.money import line_amounts as priced_line

__all__ = ["CENT", "ZERO", "line_amounts", "milestone_lines", "money", "net_for_gross", "split"]


def line_amounts(quantity, unit_price, tax_rate) -> tuple[Decimal, Decimal, Decimal]:
    """(net, tax, total) of one invoice line (no discount), as InvoiceLine.compute does."""
    net, _discount, tax, total = priced_line(quantity, unit_price, tax_rate)
    return net, tax, total


def net_for_gross(gross: Decimal, rate: Decimal) -> Decimal:
    """The net price whose line (quantity 1) totals `gross` with tax at `rate` %, when one
    exists; otherwise the nearest below (the line then totals a cent off)."""
    gross = money(gross)
    rate = Decimal(rate)
    guess = money(gross * HUNDRED / (HUNDRED + rate))
    for delta in (0, -1, 1, -2, 2):
        candidate = guess + CENT * delta
        if candidate >= 0 and line_amounts(1, candidate, rate)[2] == gross:
            return candidate
    return guess


def split(amount: Decimal, weights: list[Decimal]) -> list[Decimal]:
    """`amount` shared in proportion to `weights`, each to the cent, the last taking the
    remainder so the parts sum exactly to `amount`."""
    amount = money(amount)
    total = sum(weights, Decimal("0"))
    if not weights:
        return []
    if total <= 0:
        return [amount] + [ZERO] * (len(weights) - 1)
    parts = [money(amount * w / total) for w in weights[:-1]]
    parts.append(amount - sum(parts, ZERO))
    return parts


def milestone_lines(amount: Decimal, contract_lines) -> list[dict]:
    """The lines of a milestone invoice: the milestone's amount (tax included, as the contract
    total is) shared over the contract's tax rates in proportion to the contract lines'
    totals, each part split into net and tax. [{"tax_rate", "unit_price"}], quantity 1."""
    by_rate: dict[Decimal, Decimal] = {}
    for line in contract_lines:
        rate = Decimal(line.tax_rate)
        by_rate[rate] = by_rate.get(rate, Decimal("0")) + Decimal(line.total)
    if not by_rate:
        by_rate = {Decimal("0"): Decimal("1")}
    rates = sorted(by_rate)
    parts = split(amount, [by_rate[r] for r in rates])
    return [
        {"tax_rate": rate, "unit_price": net_for_gross(part, rate)}
        for rate, part in zip(rates, parts, strict=True)
        if part > 0
    ]
