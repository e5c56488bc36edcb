"""The payment plan arithmetic (回款计划): Decimal only, no rounding drift."""

from __future__ import annotations

from decimal import Decimal

from ltc.money import HUNDRED, money


def allocate(total: Decimal, entries: list[dict]) -> list[Decimal]:
    """The money of each milestone, in order. An entry has `percentage` (of `total`) or
    `amount` (fixed). Percentages are rounded to the cent (half up); when the plan as entered
    covers the total exactly (fixed amounts plus percentages of the total), the last
    percentage milestone takes the remainder, so 33.3333 % × 2 + 33.3334 % of 100.00 is
    33.33 + 33.33 + 33.34. A plan that does not cover the total is allocated as entered (and
    refused at review with the difference)."""
    total = Decimal(total)
    amounts: list[Decimal] = []
    nominal = Decimal("0")
    last_pct = None
    for i, entry in enumerate(entries):
        pct = entry.get("percentage")
        if pct is not None:
            share = total * Decimal(pct) / HUNDRED
            nominal += share
            amounts.append(money(share))
            last_pct = i
        else:
            amount = Decimal(entry["amount"])
            nominal += amount
            amounts.append(money(amount))
    if last_pct is not None and nominal == total:
        others = sum((a for i, a in enumerate(amounts) if i != last_pct), Decimal("0"))
        amounts[last_pct] = total - others
    return amounts
