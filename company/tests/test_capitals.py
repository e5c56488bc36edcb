"""大写金额: the amounts a cheque or invoice writes in capitals, with the 零 rules, 万/亿,
角/分, zero and negatives; and, as properties, the words read back to the amount."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from company.capitals import amount_in_words

DIGITS = dict(zip("零壹贰叁肆伍陆柒捌玖", range(10), strict=True))
SMALL = {"拾": 10, "佰": 100, "仟": 1000}


def read_integer(words: str) -> int:
    """An independent reader of the 元 part: 仟佰拾 inside a section, 万 and 亿 between."""
    total, section, number = 0, 0, 0
    for char in words:
        if char in DIGITS:
            number = DIGITS[char]
        elif char in SMALL:
            section += (number or 1) * SMALL[char]
            number = 0
        elif char == "万":
            section = (section + number) * 10_000
            # 万亿: the 万 multiplies what is already counted in this 亿 group
            total, section, number = total + section, 0, 0
        elif char == "亿":
            total = (total + section + number) * 100_000_000
            section, number = 0, 0
    return total + section + number


def read_back(words: str) -> Decimal:
    negative = words.startswith("负")
    words = words.removeprefix("负").removesuffix("整")
    yuan, _, rest = words.partition("元")
    if not _:  # under one yuan: "伍角", "伍分"
        yuan, rest = "", words
    value = Decimal(read_integer(yuan))
    if "角" in rest:
        jiao, rest = rest.split("角")
        value += Decimal(DIGITS[jiao[-1]]) / 10
    if "分" in rest:
        value += Decimal(DIGITS[rest.replace("分", "")[-1]]) / 100
    return -value if negative else value


@pytest.mark.parametrize(
    "amount, words",
    [
        ("13950", "壹万叁仟玖佰伍拾元整"),
        ("0", "零元整"),
        ("0.00", "零元整"),
        ("0.5", "伍角"),
        ("0.05", "伍分"),
        ("10.05", "壹拾元零伍分"),
        ("1001", "壹仟零壹元整"),
        ("100.10", "壹佰元壹角"),
        ("1000000", "壹佰万元整"),
        ("100000000", "壹亿元整"),
        ("100010000", "壹亿零壹万元整"),
        ("200000000.01", "贰亿元零壹分"),
        ("1234.56", "壹仟贰佰叁拾肆元伍角陆分"),
        ("-5.5", "负伍元伍角"),
        # rounded to the fen, half up, like every amount in the app
        ("3.455", "叁元肆角陆分"),
        ("0.004", "零元整"),
    ],
)
def test_known_amounts(amount, words):
    assert amount_in_words(Decimal(amount)) == words


@pytest.mark.parametrize("bad", ["abc", "NaN", "Infinity", None, "1e16", "-1e17"])
def test_not_an_amount_or_too_large_is_refused(bad):
    with pytest.raises(ValueError):
        amount_in_words(bad)


def test_negative_zero_is_zero():
    assert amount_in_words(Decimal("-0.001")) == "零元整"


AMOUNTS = st.decimals(
    min_value=Decimal("-9999999999999.99"),
    max_value=Decimal("9999999999999.99"),
    places=2,
    allow_nan=False,
    allow_infinity=False,
)


@given(AMOUNTS)
def test_words_read_back_to_the_amount(amount):
    assert read_back(amount_in_words(amount)) == amount


@given(AMOUNTS)
def test_only_capital_numerals_and_units(amount):
    words = amount_in_words(amount)
    assert set(words) <= set("零壹贰叁肆伍陆柒捌玖拾佰仟万亿元角分整负")
    assert "零零" not in words
    # 整 closes an amount without 分, and only such an amount
    assert words.endswith("整") == (amount % 1 == 0)


@given(AMOUNTS)
def test_sign_only_in_front(amount):
    words = amount_in_words(amount)
    assert words.startswith("负") == (amount < 0)
    assert amount_in_words(-amount) == (
        words[1:] if amount < 0 else ("负" + words if amount else words)
    )
