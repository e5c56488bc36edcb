"""An amount in Chinese capital numerals (大写金额), as cheques, invoices and contracts write
the total: 13950 → 壹万叁仟玖佰伍拾元整.

The conversion is cn2an's `rmb` mode; this module fixes what it is given: a Decimal rounded
to the fen (ROUND_HALF_UP, as every amount in the app), within the range a document can carry,
and negatives written with 负 (a credit note's balance)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

import cn2an

CENT = Decimal("0.01")
# 万亿 (10^12) is the largest unit cn2an writes; nothing the app stores comes near it
# (MoneyField holds 14 digits with two decimals).
LIMIT = Decimal("10") ** 16


def amount_in_words(amount) -> str:
    """The amount in 大写 (e.g. ¥10.05 → 壹拾元零伍分, ¥0 → 零元整, −¥5.50 → 负伍元伍角).

    Raises ValueError for a value that is not a finite number or is 10^16 or more."""
    try:
        value = Decimal(str(amount))
    except (InvalidOperation, ValueError, TypeError) as exc:
        raise ValueError(f"not an amount: {amount!r}") from exc
    if not value.is_finite():
        raise ValueError(f"not an amount: {amount!r}")
    value = value.quantize(CENT, rounding=ROUND_HALF_UP)
    if abs(value) >= LIMIT:
        raise ValueError(f"too large to write in words: {amount!r}")
    if value == 0:
        return "零元整"
    words = cn2an.an2cn(f"{abs(value):f}", "rmb")
    return f"负{words}" if value < 0 else words
