"""One custom field's value: read (from the API, a form or a spreadsheet cell), stored, shown.

Stored shapes in the record's `custom` column (JSON):

| type | stored | e.g. |
|---|---|---|
| text, long_text | string | "华东" |
| integer | number | 12 |
| decimal | string, plain notation, no trailing zeros | "1250.5" |
| money | {"amount": to the cent, "currency": code} | {"amount": "800.00", "currency": "CNY"} |
| date | ISO string | "2026-03-31" |
| choice | one of the choices | "制造业" |
| multi_choice | list of choices, in the definition's order | ["ERP", "CRM"] |
| user | id of an active user | 7 |
| boolean | true / false | true |

An empty value (None, "", [], a blank cell) is no value: the key is dropped.
"""

from __future__ import annotations

import datetime
import re
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils import formats
from django.utils.translation import gettext as _

from .models import FieldType

PLAIN_DECIMAL = re.compile(r"-?(\d+(\.\d*)?|\.\d+)", re.ASCII)
PLAIN_INTEGER = re.compile(r"-?\d+", re.ASCII)
TEXT_MAX = 500
LONG_TEXT_MAX = 10_000
INTEGER_LIMIT = 2**53  # exact in every JSON reader
DECIMAL_DIGITS = 18
DECIMAL_PLACES = 6
CENT = Decimal("0.01")
TRUE_WORDS = {"1", "true", "yes", "y", "是", "对", "✓"}
FALSE_WORDS = {"0", "false", "no", "n", "否", "不"}
LIST_SEPARATORS = re.compile(r"\s*[,，、;；]\s*")


def is_empty(value) -> bool:
    return value is None or value == "" or value == [] or value == {}


def _decimal(raw, *, text: bool) -> Decimal:
    if isinstance(raw, bool):
        raise ValidationError(_("Enter a number."))
    if isinstance(raw, int):
        return Decimal(raw)
    if isinstance(raw, Decimal):
        value = raw
    elif isinstance(raw, float):
        value = Decimal(repr(raw))
    elif isinstance(raw, str):
        cleaned = raw.strip().replace(",", "") if text else raw
        if not PLAIN_DECIMAL.fullmatch(cleaned):
            raise ValidationError(_("Enter a plain number such as 1234.50."))
        value = Decimal(cleaned)
    else:
        raise ValidationError(_("Enter a number."))
    if not value.is_finite():
        raise ValidationError(_("Enter a number."))
    return value


def _decimal_text(value: Decimal) -> str:
    """Plain notation without trailing zeros: 1250.50 -> "1250.5", 100.00 -> "100"."""
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def parse(definition, raw, *, text: bool = False) -> Any:
    """The stored value of `raw` for `definition`, None when empty; ValidationError with a
    message for the person when it does not fit. `text=True` reads the cell of a
    spreadsheet or a query string (everything is text there: "是", "ERP, CRM", a username)."""
    if isinstance(raw, str) and (text or definition.type not in (FieldType.LONG_TEXT,)):
        raw = raw.strip()
    if is_empty(raw):
        return None
    parser = PARSERS[definition.type]
    return parser(definition, raw, text)


def _text(limit):
    def parse_text(definition, raw, text):
        if isinstance(raw, (int, Decimal)) and text and not isinstance(raw, bool):
            raw = str(raw)  # a spreadsheet cell that looked like a number
        if not isinstance(raw, str):
            raise ValidationError(_("Enter text."))
        if len(raw) > limit:
            raise ValidationError(
                _("At most %(max)d characters (it has %(length)d).")
                % {"max": limit, "length": len(raw)}
            )
        return raw

    return parse_text


def _integer(definition, raw, text):
    if isinstance(raw, bool):
        raise ValidationError(_("Enter a whole number."))
    if isinstance(raw, float) and text and raw.is_integer():
        raw = int(raw)  # an XLSX cell
    if isinstance(raw, str) and PLAIN_INTEGER.fullmatch(raw.replace(",", "") if text else raw):
        raw = int(raw.replace(",", ""))
    if not isinstance(raw, int):
        raise ValidationError(_("Enter a whole number."))
    if abs(raw) >= INTEGER_LIMIT:
        raise ValidationError(_("The number is too large."))
    return raw


def _decimal_value(definition, raw, text):
    value = _decimal(raw, text=text)
    sign, digits, exponent = value.normalize().as_tuple()
    places = -exponent if isinstance(exponent, int) and exponent < 0 else 0
    if places > DECIMAL_PLACES:
        raise ValidationError(_("At most %(places)d decimal places.") % {"places": DECIMAL_PLACES})
    if len(digits) - places > DECIMAL_DIGITS - DECIMAL_PLACES:
        raise ValidationError(_("The number is too large."))
    return _decimal_text(value)


def _currency(code) -> str:
    currencies = settings.LTC["CURRENCIES"]
    code = str(code or "").strip().upper()
    if code not in currencies:
        raise ValidationError(
            _("Unknown currency “%(value)s”: use one of %(choices)s.")
            % {"value": code, "choices": ", ".join(currencies)}
        )
    return code


def _money(definition, raw, text):
    from ltc.money import default_currency

    if isinstance(raw, dict):
        unknown = set(raw) - {"amount", "currency"}
        if unknown or "amount" not in raw:
            raise ValidationError(_('Give money as {"amount": "1234.50", "currency": "CNY"}.'))
        amount_raw, currency = raw["amount"], raw.get("currency") or default_currency()
    elif isinstance(raw, str) and text:
        parts = raw.replace(",", "").split()
        if len(parts) == 2 and not PLAIN_DECIMAL.fullmatch(parts[0]):
            parts.reverse()  # "CNY 1250.00"
        if len(parts) not in (1, 2):
            raise ValidationError(_("Enter an amount, optionally with its currency: 1250.00 CNY."))
        amount_raw = parts[0]
        currency = parts[1] if len(parts) == 2 else default_currency()
    elif text and isinstance(raw, (int, float, Decimal)) and not isinstance(raw, bool):
        amount_raw, currency = raw, default_currency()
    else:
        raise ValidationError(_('Give money as {"amount": "1234.50", "currency": "CNY"}.'))
    if is_empty(amount_raw):
        return None
    amount = _decimal(amount_raw, text=text)
    if amount.quantize(CENT, rounding=ROUND_HALF_UP) != amount:
        raise ValidationError(_("An amount has at most two decimal places."))
    if abs(amount) >= Decimal(10) ** 12:
        raise ValidationError(_("The amount is too large."))
    return {"amount": format(amount.quantize(CENT), "f"), "currency": _currency(currency)}


DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d")


def _date(definition, raw, text):
    if isinstance(raw, datetime.datetime) and text:
        raw = raw.date()  # an XLSX date cell
    if isinstance(raw, datetime.date):
        return raw.isoformat()
    if isinstance(raw, str):
        for fmt in DATE_FORMATS if text else DATE_FORMATS[:1]:
            try:
                return datetime.datetime.strptime(raw, fmt).date().isoformat()
            except ValueError:
                continue
    raise ValidationError(_("Enter a date as YYYY-MM-DD."))


def _choice(definition, raw, text):
    if not isinstance(raw, str):
        raise ValidationError(_("Choose one of: %(choices)s.") % {"choices": _joined(definition)})
    if raw not in definition.choices:
        raise ValidationError(
            _("“%(value)s” is not one of the choices: %(choices)s.")
            % {"value": raw, "choices": _joined(definition)}
        )
    return raw


def _multi_choice(definition, raw, text):
    if isinstance(raw, str) and text:
        raw = [part for part in LIST_SEPARATORS.split(raw) if part]
    if not isinstance(raw, (list, tuple)) or not all(isinstance(v, str) for v in raw):
        raise ValidationError(
            _("Give a list of choices from: %(choices)s.") % {"choices": _joined(definition)}
        )
    unknown = [v for v in raw if v not in definition.choices]
    if unknown:
        raise ValidationError(
            _("“%(value)s” is not one of the choices: %(choices)s.")
            % {"value": ", ".join(unknown), "choices": _joined(definition)}
        )
    picked = set(raw)
    return [c for c in definition.choices if c in picked] or None


def _user(definition, raw, text):
    users = get_user_model().objects.filter(is_active=True)
    if isinstance(raw, bool):
        raise ValidationError(_("Give a user's id."))
    if isinstance(raw, float) and text and raw.is_integer():
        raw = int(raw)
    if isinstance(raw, str) and raw.isascii() and raw.isdigit() and len(raw) <= 18:
        raw = int(raw)
    if isinstance(raw, int):
        if users.filter(pk=raw).exists():
            return raw
        raise ValidationError(_("No active user has the id %(value)s.") % {"value": raw})
    if isinstance(raw, str) and text:
        found = users.filter(username__iexact=raw).values_list("pk", flat=True).first()
        if found is not None:
            return found
        raise ValidationError(_("No active user is called “%(value)s”.") % {"value": raw})
    raise ValidationError(_("Give a user's id."))


def _boolean(definition, raw, text):
    if isinstance(raw, bool):
        return raw
    if text:
        word = str(raw).strip().lower()
        if word in TRUE_WORDS:
            return True
        if word in FALSE_WORDS:
            return False
    raise ValidationError(_("Give true or false."))


def _joined(definition) -> str:
    return ", ".join(definition.choices)


PARSERS = {
    FieldType.TEXT: _text(TEXT_MAX),
    FieldType.LONG_TEXT: _text(LONG_TEXT_MAX),
    FieldType.INTEGER: _integer,
    FieldType.DECIMAL: _decimal_value,
    FieldType.MONEY: _money,
    FieldType.DATE: _date,
    FieldType.CHOICE: _choice,
    FieldType.MULTI_CHOICE: _multi_choice,
    FieldType.USER: _user,
    FieldType.BOOLEAN: _boolean,
}


def fits(definition, value) -> bool:
    """Whether a stored value still reads under `definition` (a type or choice change)."""
    try:
        parse(definition, _as_input(definition, value), text=True)
    except ValidationError:
        return False
    return True


def _as_input(definition, value):
    """A stored value as the text a person would type (to re-read it under another type)."""
    if isinstance(value, dict) and definition.type == FieldType.MONEY:
        return value
    if isinstance(value, dict):
        return f"{value.get('amount', '')} {value.get('currency', '')}".strip()
    if isinstance(value, list) and definition.type != FieldType.MULTI_CHOICE:
        return ", ".join(str(v) for v in value)
    if isinstance(value, bool) and definition.type in (
        FieldType.TEXT,
        FieldType.LONG_TEXT,
    ):
        return "true" if value else "false"
    return value


def display(definition, value, *, users: dict | None = None) -> str:
    """A stored value as shown to the reader, in their language."""
    if is_empty(value):
        return ""
    kind = definition.type
    if kind == FieldType.BOOLEAN:
        return _("Yes") if value else _("No")
    if kind == FieldType.MULTI_CHOICE and isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if kind == FieldType.MONEY and isinstance(value, dict):
        amount = Decimal(str(value.get("amount", "0")))
        return (
            f"{value.get('currency', '')} {formats.number_format(amount, 2, force_grouping=True)}"
        )
    if kind == FieldType.DECIMAL:
        return formats.number_format(Decimal(str(value)), force_grouping=True)
    if kind == FieldType.DATE:
        try:
            return formats.date_format(datetime.date.fromisoformat(str(value)), "DATE_FORMAT")
        except ValueError:
            return str(value)
    if kind == FieldType.USER:
        if users is None:
            users = user_names([value])
        return users.get(value, str(value))
    return str(value)


def user_names(ids) -> dict[int, str]:
    """id -> the name shown for each user id (one query)."""
    ids = {i for i in ids if isinstance(i, int) and not isinstance(i, bool)}
    if not ids:
        return {}
    return {
        user.pk: user.get_full_name() or user.get_username()
        for user in get_user_model().objects.filter(pk__in=ids)
    }


def cell(definition, value):
    """A stored value as an export cell: numbers as Decimals/ints, dates as dates, the rest
    as text the importer reads back (money: the amount; its currency has its own column)."""
    if is_empty(value):
        return None
    kind = definition.type
    if kind == FieldType.MONEY and isinstance(value, dict):
        return Decimal(str(value.get("amount")))
    if kind == FieldType.DECIMAL:
        return Decimal(str(value))
    if kind == FieldType.INTEGER:
        return value
    if kind == FieldType.DATE:
        try:
            return datetime.date.fromisoformat(str(value))
        except ValueError:
            return str(value)
    if kind == FieldType.BOOLEAN:
        return bool(value)
    if kind == FieldType.MULTI_CHOICE and isinstance(value, list):
        return ", ".join(value)
    return value
