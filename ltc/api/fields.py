"""Serializer fields shared by every app's API."""

from __future__ import annotations

import math
import re

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
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


class StrictDateTimeField(serializers.DateTimeField):
    """A DateTimeField that takes moments from 1970 to 9000 only: older ones are answered in
    the local mean time of their era (an offset with seconds, e.g. +08:05:43, which is not a
    valid RFC 3339 date-time), and the far end overflows when converted between zones."""

    default_error_messages = {"range": _("Give a date and time between 1970 and 9000.")}

    def to_internal_value(self, value):
        parsed = super().to_internal_value(value)
        if not 1970 <= parsed.year <= 9000:
            self.fail("range")
        return parsed


def use_strict_decimals():
    """Every ModelSerializer maps a model DecimalField to StrictDecimalField and a model
    DateTimeField to StrictDateTimeField."""
    from django.db import models

    serializers.ModelSerializer.serializer_field_mapping[models.DecimalField] = StrictDecimalField
    serializers.ModelSerializer.serializer_field_mapping[models.DateTimeField] = StrictDateTimeField


class OpenAccountFlagSerializer(serializers.Serializer):
    """An open warning on the record's account (e.g. a detractor NPS, a missed SLA)."""

    id = serializers.IntegerField(help_text="The flag's id (/api/v1/account-flags/{id}/)")
    reason = serializers.CharField(help_text="The reason's code")
    label = serializers.CharField(help_text="The reason, in the caller's language")
    note = serializers.CharField(allow_blank=True, help_text="Service's note for sales")
    since = serializers.DateTimeField(help_text="When the flag was raised")


def _account_id(instance, path: str):
    value = instance
    for part in path.split("."):
        value = getattr(value, part, None)
        if value is None:
            return None
    return value


@extend_schema_field(OpenAccountFlagSerializer(many=True))
class AccountFlagsField(serializers.Field):
    """`account_flags`: the open flags on the record's account (ltc.flags: the later stages
    provide them, so an earlier stage shows them without importing those stages).

    `account` is the attribute path from the record to its account id ("pk" on an account).
    In a list, FlagsListSerializer reads the flags of every account on the page at once.
    """

    def __init__(self, *, account: str = "account_id", **kwargs):
        self.account_path = account
        kwargs.update(source="*", read_only=True)
        kwargs.setdefault("help_text", "Open flags on the account (customer at risk)")
        super().__init__(**kwargs)

    def to_representation(self, instance):
        from ltc.flags import flags_for_accounts

        account_id = _account_id(instance, self.account_path)
        if account_id is None:
            return []
        known = self.context.get("_account_flags")
        if known is None or account_id not in known:
            known = flags_for_accounts([account_id])
        return [
            {
                "id": flag.get("id"),
                "reason": flag.get("reason", ""),
                "label": str(flag.get("label", "")),
                "note": flag.get("note", ""),
                "since": serializers.DateTimeField().to_representation(flag.get("since")),
            }
            for flag in known.get(account_id, [])
        ]


class FlagsListSerializer(serializers.ListSerializer):
    """A list whose child has an AccountFlagsField: the flags of all its accounts are read in
    one go (one query per provider, whatever the page size). A child with a `load_page(items)`
    method reads there what every row of the page needs (linked ids), in a few set queries,
    into its context."""

    def to_representation(self, data):
        from django.db.models import Manager

        from ltc.flags import flags_for_accounts

        items = list(data.all() if isinstance(data, Manager) else data)
        paths = {
            f.account_path for f in self.child.fields.values() if isinstance(f, AccountFlagsField)
        }
        ids = {_account_id(item, path) for item in items for path in paths}
        self.context["_account_flags"] = flags_for_accounts(ids)
        if load_page := getattr(self.child, "load_page", None):
            load_page(items)
        return super().to_representation(items)


def ConfirmDuplicateField():  # noqa: N802 - reads like a field class
    """`confirm_duplicate` on a create: without it, a record that looks like an existing one
    is answered 409 with the matches (ltc/duplicates.py)."""
    return serializers.BooleanField(
        write_only=True,
        required=False,
        default=False,
        help_text=(
            "Create even if a record with the same company name, email or phone exists. "
            "Without it such a create is refused with 409 and the matches the caller may see "
            "(`duplicates`: kind, id, name, url, fields) and how many others exist "
            "(`hidden_duplicates`)."
        ),
    )
