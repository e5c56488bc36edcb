"""Custom fields as extra columns of exports and imports (ltc/extra_fields.py).

An export gets one column per live field the reader may see, headed by its label in the
reader's language (a money field: its amount, then its currency in a column of its own).
An import accepts a field's column under its English or Chinese label or its key, so an
export in either language imports again; the values are read like a spreadsheet cell
(customfields.values.parse with text=True) and checked like any other write."""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext as _

from ltc import extra_fields
from ltc.exports import Column
from roles.permissions import memo

from . import values as value_rules
from .models import FieldType, record_of
from .selectors import live_definitions, may_edit, may_view

PREFIX = extra_fields.PREFIX
CURRENCY = ".currency"

KINDS = {
    FieldType.INTEGER: "number",
    FieldType.DECIMAL: "number",
    FieldType.MONEY: "money",
    FieldType.DATE: "date",
    FieldType.BOOLEAN: "bool",
}


def _reader(definition):
    def read(obj):
        return value_rules.cell(definition, (obj.custom or {}).get(definition.key))

    return read


def _currency_reader(definition):
    def read(obj):
        value = (obj.custom or {}).get(definition.key)
        return value.get("currency") if isinstance(value, dict) else None

    return read


def _shown(definition, user):
    """The value as the record's page shows it (user names read once per request)."""

    def read(obj):
        value = (obj.custom or {}).get(definition.key)
        if value_rules.is_empty(value):
            return None
        names = None
        if definition.type == FieldType.USER:
            names = memo(user, "customfields:user-names", _all_user_names)
        return value_rules.display(definition, value, users=names)

    return read


def _all_user_names() -> dict[int, str]:
    from django.contrib.auth import get_user_model

    return {u.pk: u.get_full_name() or u.get_username() for u in get_user_model().objects.all()}


def allowed_values(definition) -> str:
    """What a cell of the field may hold, for the import templates."""
    kind = definition.type
    choices = ", ".join(definition.choices)
    if kind == FieldType.CHOICE:
        text = _("One of: %(choices)s") % {"choices": choices}
    elif kind == FieldType.MULTI_CHOICE:
        text = _("One or more of: %(choices)s (separated by commas)") % {"choices": choices}
    elif kind == FieldType.DATE:
        text = "YYYY-MM-DD"
    elif kind == FieldType.MONEY:
        text = _("An amount; its currency in the next column")
    elif kind == FieldType.USER:
        text = _("A username")
    elif kind == FieldType.BOOLEAN:
        text = _("Yes or no") + " (yes / no, 是 / 否)"
    else:
        text = str(definition.get_type_display())
    if definition.help_text:
        text = f"{text}. {definition.help_text}"
    return text


def currency_header(label: str) -> str:
    return _("%(field)s currency") % {"field": label}


class CustomFieldColumns:
    def export_columns(self, model, user) -> list[Column]:
        record = record_of(model)
        columns: list[Column] = []
        for d in live_definitions(record, user) if record else ():
            if not may_view(d, user):
                continue
            kind = KINDS.get(d.type, "text")
            columns.append(Column(f"{PREFIX}{d.key}", d.label, _reader(d), kind=kind))
            if d.type == FieldType.MONEY:
                columns.append(
                    Column(
                        f"{PREFIX}{d.key}{CURRENCY}", currency_header(d.label), _currency_reader(d)
                    )
                )
        return columns

    def list_columns(self, model, user) -> list[tuple[Column, bool]]:
        record = record_of(model)
        pairs: list[tuple[Column, bool]] = []
        for d in live_definitions(record, user) if record else ():
            if not may_view(d, user):
                continue
            if d.type in (FieldType.INTEGER, FieldType.DECIMAL, FieldType.DATE, FieldType.BOOLEAN):
                column = Column(f"{PREFIX}{d.key}", d.label, _reader(d), kind=KINDS[d.type])
            else:
                column = Column(f"{PREFIX}{d.key}", d.label, _shown(d, user))
            pairs.append((column, d.in_list))
        return pairs

    def list_sorts(self, model, user) -> dict:
        """column key -> the expression a list of `model` orders by, for each field `user`
        may see whose type sorts (numbers, money, dates, yes/no, text, single choice)."""
        from .sorting import SortValue, sortable

        record = record_of(model)
        return {
            f"{PREFIX}{d.key}": SortValue(d)
            for d in (live_definitions(record, user) if record else ())
            if may_view(d, user) and sortable(d)
        }

    def import_headers(self, model) -> dict[str, str]:
        from django.utils import translation

        from ltc.imports import header_key

        record = record_of(model)
        found: dict[str, str] = {}
        for d in live_definitions(record) if record else ():
            name = f"{PREFIX}{d.key}"
            for text in (d.key, *d.labels):
                found[header_key(text)] = name
            if d.type == FieldType.MONEY:
                for label in d.labels:
                    for code in ("en", "zh-hans"):
                        with translation.override(code):
                            found[header_key(currency_header(label))] = name + CURRENCY
        return found

    def template_columns(self, model, user) -> list[tuple[str, bool, str]]:
        record = record_of(model)
        found: list[tuple[str, bool, str]] = []
        for d in live_definitions(record, user) if record else ():
            if not may_edit(d, user):
                continue
            found.append((d.label, d.required, allowed_values(d)))
            if d.type == FieldType.MONEY:
                found.append(
                    (currency_header(d.label), False, ", ".join(settings.LTC["CURRENCIES"]))
                )
        return found

    def import_values(self, model, user, raw: dict) -> tuple[dict, list[str]]:
        record = record_of(model)
        values: dict = {}
        reasons: list[str] = []
        for d in live_definitions(record, user) if record else ():
            name = f"{PREFIX}{d.key}"
            if name not in raw:
                if d.required and may_edit(d, user):  # as the form: required, column or not
                    reasons.append(_("%(field)s is required.") % {"field": d.label})
                continue
            cell = raw.get(name)
            if d.type == FieldType.MONEY and not value_rules.is_empty(cell):
                currency = raw.get(name + CURRENCY)
                cell = {
                    "amount": cell if not isinstance(cell, str) else cell.strip(),
                    "currency": currency or None,
                }
                if isinstance(cell["amount"], float):
                    cell["amount"] = repr(cell["amount"])
            if value_rules.is_empty(cell) or (isinstance(cell, str) and not cell.strip()):
                if d.required and may_edit(d, user):
                    reasons.append(_("%(field)s is required.") % {"field": d.label})
                continue
            if not may_edit(d, user):
                reasons.append(
                    _("%(field)s: your role may not change this field.") % {"field": d.label}
                )
                continue
            try:
                value = value_rules.parse(d, cell, text=True)
            except Exception as exc:  # noqa: BLE001 - a ValidationError's messages
                messages = getattr(exc, "messages", [str(exc)])
                reasons.extend(f"{d.label}: {m}" for m in messages)
                continue
            if value is not None:
                values[d.key] = value
        return values, reasons


PROVIDER = CustomFieldColumns()
