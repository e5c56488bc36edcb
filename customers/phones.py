"""Phone numbers compared as people mean them: "+86 138-0000-0000" is "13800000000", and
checked as real numbers (`validate_phone`).

`phone_key` (Python) and `PhoneKey` (SQL, stored on Lead.phone_key, Account.phone_key and
Contact.phone_key, indexed) compute the same key, so duplicate checks are set-based index
look-ups: keep the two in step.

The key: the ASCII digits only; a leading "0086", or "86" before more than 11 digits (the
country code of China), dropped; then leading zeros (the trunk prefix, "010 ..." vs
"+86 10 ...") dropped.
"""

import re

import phonenumbers
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

# Characters SQLite strips (it has no regexp_replace); PostgreSQL strips every non-digit.
_SQLITE_STRIP = (" ", "-", "+", "(", ")", ".", "/", "\t", "\u3000", "（", "）", "－", "—", "_")


_NON_DIGITS = re.compile(r"[^0-9]+")


def phone_key(raw: str) -> str:
    digits = _NON_DIGITS.sub("", raw or "")
    if digits.startswith("0086"):
        digits = digits[4:]
    elif digits.startswith("86") and len(digits) > 11:
        digits = digits[2:]
    return digits.lstrip("0")


_KEY_SQL = (
    "LTRIM(CASE WHEN SUBSTR({d}, 1, 4) = '0086' THEN SUBSTR({d}, 5) "
    "WHEN SUBSTR({d}, 1, 2) = '86' AND LENGTH({d}) > 11 THEN SUBSTR({d}, 3) "
    "ELSE {d} END, '0')"
)


class PhoneKey(models.Func):
    """SQL twin of `phone_key`: deterministic, so usable in a stored generated column."""

    output_field = models.CharField(max_length=40)
    arity = 1

    def _digits(self, sql: str, vendor: str) -> str:
        if vendor == "postgresql":
            return f"REGEXP_REPLACE({sql}, '[^0-9]', '', 'g')"
        for ch in _SQLITE_STRIP:
            sql = f"REPLACE({sql}, '{ch}', '')"
        return sql

    def as_sql(self, compiler, connection, **extra_context):
        sql, params = compiler.compile(self.source_expressions[0])
        digits = self._digits(sql, connection.vendor)
        return _KEY_SQL.format(d=digits), list(params) * 6


# Numbers without a country code are read as Chinese ones (mobile 1xx xxxx xxxx, landline
# with its area code, 400/800 service numbers); others need their +country code.
DEFAULT_REGION = "CN"


# A Chinese mobile number as most are written ("13800000000", "+86 138 0000 0000",
# "138-0000-0000"), and libphonenumber's own patterns for China's numbers and its mobiles.
_PLAIN_MOBILE = re.compile(r"(?:\+86[ -]?)?(1\d\d)[ -]?(\d{4})[ -]?(\d{4})")
_CN = phonenumbers.PhoneMetadata.metadata_for_region(DEFAULT_REGION)
_CN_NUMBER = re.compile(_CN.general_desc.national_number_pattern)
_CN_MOBILE = re.compile(_CN.mobile.national_number_pattern)


def _plain_valid_mobile(value: str) -> bool:
    """A valid Chinese mobile number written plainly, known without parsing it: the same
    answer as libphonenumber's for it, at a tenth of the cost, which an import of many rows
    feels. False means "parse it", not "invalid"."""
    match = _PLAIN_MOBILE.fullmatch(value)
    if match is None:
        return False
    number = "".join(match.groups())
    return bool(_CN_NUMBER.fullmatch(number) and _CN_MOBILE.fullmatch(number))


def validate_phone(value: str) -> None:
    """A phone number that exists in its numbering plan (Google's libphonenumber data):
    "13800000000", "+86 138 0000 0000", "010-1234 5678", "400-820-8820", "+1 415 555 0100"
    pass; "12345" or a mobile number one digit short does not."""
    if not value or _plain_valid_mobile(value):
        return
    try:
        number = phonenumbers.parse(value, DEFAULT_REGION)
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_valid_number(number):
        raise ValidationError(
            _(
                "Enter a valid phone number: a Chinese mobile (13800000000), a landline with "
                "its area code (010-12345678) or an international number (+1 415 555 0100)."
            ),
            code="invalid_phone",
        )
