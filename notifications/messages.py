"""A notification's text kept as its event's message and parameters, written in the reader's
language when it is shown (bell, work queue, API) or sent (email, group bot).

A caller writes `Message(gettext_noop("Invoice %(number)s is %(days)s days past due"),
number=invoice.number, days=12)`. The parameters are kept as JSON:

- a translatable label (a gettext_lazy / pgettext_lazy value, e.g. a field's verbose name or a
  choice's label) keeps its message id and is translated with the rest;
- `Money(amount, currency)` is formatted as money (¥1,234.50) when shown;
- a number stays a number; anything else (a record's name) is kept as the text it is now.

A notification with no kept message (rows written before messages were kept) shows its stored
title and body as they are.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.utils.functional import Promise
from django.utils.translation import gettext, pgettext

CURRENCY_SYMBOLS = {"CNY": "¥", "USD": "$", "EUR": "€", "GBP": "£", "HKD": "HK$", "JPY": "JP¥"}


def format_money(value, currency: str = "") -> str:
    """1234.5, "CNY" → "¥1,234.50"; an unknown currency is written as its code."""
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, TypeError, ValueError):
        return str(value)
    code = str(currency or "")
    symbol = CURRENCY_SYMBOLS.get(code, f"{code} " if code else "")
    sign = "-" if amount < 0 else ""
    return f"{sign}{symbol}{abs(amount):,.2f}"


@dataclass(frozen=True)
class Money:
    amount: Decimal
    currency: str


def _lazy_message_id(value: Promise) -> dict | None:
    """The message id behind a gettext_lazy or pgettext_lazy value, when it has one."""
    args = getattr(value, "_args", None)
    if isinstance(args, tuple) and all(isinstance(a, str) for a in args):
        if len(args) == 1:
            return {"t": args[0]}
        if len(args) == 2:
            return {"t": args[1], "ctx": args[0]}
    return None


def encode(value):
    if isinstance(value, Money):
        return {"money": str(value.amount), "currency": value.currency}
    if isinstance(value, Promise):
        return _lazy_message_id(value) or str(value)
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int | float):
        return value
    if isinstance(value, Decimal):
        return {"number": str(value)}
    return str(value)


def decode(value):
    if isinstance(value, dict):
        if "money" in value:
            return format_money(value["money"], value.get("currency", ""))
        if "t" in value:
            if "ctx" in value:
                return pgettext(value["ctx"], value["t"])
            return gettext(value["t"])
        if "number" in value:
            return value["number"]
    return value


class Message:
    """A message id (marked with gettext_noop) and its parameters; rendered on demand."""

    def __init__(self, text: str, **params):
        self.text = text
        self.params = {name: encode(value) for name, value in params.items()}

    def render(self) -> str:
        """The message in the active language."""
        return render({"text": self.text, "params": self.params})

    def as_json(self) -> dict:
        return {"text": self.text, "params": self.params}

    def __str__(self) -> str:
        return self.render()

    def __repr__(self) -> str:
        return f"Message({self.text!r}, **{self.params!r})"


def render(kept: dict | None) -> str:
    """A kept message ({"text", "params"}) in the active language; "" for none."""
    if not kept or not kept.get("text"):
        return ""
    text = gettext(kept["text"])
    params = kept.get("params") or {}
    if not params:
        return text
    try:
        return text % {name: decode(value) for name, value in params.items()}
    except (KeyError, TypeError, ValueError):
        # A translation that names a parameter the message does not have: the source text.
        return kept["text"] % {name: decode(value) for name, value in params.items()}


def as_text(value) -> str:
    """A title or body given as a Message or as plain text, in the active language."""
    if isinstance(value, Message):
        return value.render()
    return str(value or "")


def as_kept(value) -> dict:
    return value.as_json() if isinstance(value, Message) else {}
