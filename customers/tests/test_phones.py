"""A plainly written Chinese mobile number is validated without parsing it
(customers.phones._plain_valid_mobile): the answer must be libphonenumber's own."""

import phonenumbers
import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from customers import phones
from customers.phones import validate_phone


def libphonenumber_valid(value: str) -> bool:
    try:
        number = phonenumbers.parse(value, phones.DEFAULT_REGION)
    except phonenumbers.NumberParseException:
        return False
    return phonenumbers.is_valid_number(number)


def validates(value: str) -> bool:
    try:
        validate_phone(value)
    except ValidationError:
        return False
    return True


digits = st.text(alphabet="0123456789", min_size=11, max_size=11)
mobiles = st.builds(lambda d: "1" + d[1:], digits)
written = st.sampled_from(
    [
        lambda n: n,
        lambda n: f"+86 {n}",
        lambda n: f"+86{n}",
        lambda n: f"{n[:3]}-{n[3:7]}-{n[7:]}",
        lambda n: f"+86 {n[:3]} {n[3:7]} {n[7:]}",
    ]
)


@given(number=st.one_of(mobiles, digits), form=written)
def test_the_plain_path_answers_as_libphonenumber(number, form):
    value = form(number)
    if phones._plain_valid_mobile(value):
        assert libphonenumber_valid(value), value
    assert validates(value) == libphonenumber_valid(value), value


@pytest.mark.parametrize(
    ("value", "plain"),
    [
        ("13800000000", True),
        ("+86 138 0000 0000", True),
        ("138-0000-0000", True),
        ("+8613800000000", True),
        ("12000000000", False),  # no such mobile range: parsed, and refused
        ("1380000000", False),  # one digit short
        ("010-12345678", False),  # a landline: parsed
        ("+1 415 555 0100", False),
    ],
)
def test_which_numbers_take_the_plain_path(value, plain):
    assert phones._plain_valid_mobile(value) is plain
    assert validates(value) == libphonenumber_valid(value)
