"""Serializer fields shared by every app's API."""

from __future__ import annotations

import math
import re

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

# A plain decimal: ASCII digits, an optional sign and point; no exponent, no digit grouping,
# no surrounding spaces, no other scripts' digits.
PLAIN_DECIMAL = re.compile(r"-?(\d+(\.\d*)?|\.\d+)", re.ASCII)


class StrictDecimalField(serializers.DecimalField):
    """A DecimalField for money and quantities that takes only a plain decimal string or a
    JSON number: `１２３`, `1_000`, `' 5 '`, `1E+2`, `NaN` and `Infinity` are refused, which
    Python's Decimal() (and so DRF's field) would accept."""

    default_error_messages = {
        "invalid": _("A valid number is required: digits with an optional decimal point."),
    }

    def to_internal_value(self, data):
        if isinstance(data, bool):
            self.fail("invalid")
        if isinstance(data, int):
            data = str(data)
        elif isinstance(data, float):
            if not math.isfinite(data):
                self.fail("invalid")
            data = repr(data)
            if "e" in data or "E" in data:
                self.fail("invalid")
        elif not isinstance(data, str) or not PLAIN_DECIMAL.fullmatch(data):
            self.fail("invalid")
        return super().to_internal_value(data)


def use_strict_decimals():
    """Every ModelSerializer maps a model DecimalField to StrictDecimalField."""
    from django.db import models

    serializers.ModelSerializer.serializer_field_mapping[models.DecimalField] = StrictDecimalField
