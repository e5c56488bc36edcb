"""Filtering a list by custom field values (`?cf_<key>=<value>`, pages and API alike).

On PostgreSQL the filter is a containment (`custom @> {"key": value}`) that the GIN index
(jsonb_path_ops, customfields.indexes) serves; elsewhere the same match by key. Text fields
match a part of the text, any case (a containment cannot, so that filter reads the rows the
other filters left); a multiple choice matches records that have the chosen value among theirs."""

from __future__ import annotations

import json

from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import Q

from . import values as value_rules
from .models import FieldType
from .selectors import visible_definitions

PARAM = "cf_"


def param_name(definition) -> str:
    return f"{PARAM}{definition.key}"


def value_q(definition, value) -> Q:
    """The rows whose field `definition` holds `value` (a stored value)."""
    key = definition.key
    if definition.type in (FieldType.TEXT, FieldType.LONG_TEXT):
        return Q(**{f"custom__{key}__icontains": value})
    if definition.type == FieldType.MULTI_CHOICE:
        if connection.vendor == "postgresql":
            return Q(custom__contains={key: value})
        # Elsewhere: the list's JSON text (as Django writes it, non-ASCII escaped) holds
        # each chosen value as a JSON string, quotes included.
        q = Q()
        for item in value:
            q &= Q(**{f"custom__{key}__icontains": json.dumps(item)})
        return q
    if connection.vendor == "postgresql":
        return Q(custom__contains={key: value})
    return Q(**{f"custom__{key}": value})


def filter_by(queryset, params, user):
    """`queryset` narrowed by every `cf_<key>` in `params` whose field `user` may see;
    ValidationError {param: [message]} for a value the field cannot hold."""
    errors: dict[str, list[str]] = {}
    for definition in visible_definitions(queryset.model, user):
        name = param_name(definition)
        raw = params.get(name)
        if raw is None or str(raw).strip() == "":
            continue
        try:
            value = value_rules.parse(definition, raw, text=True)
        except ValidationError as exc:
            errors[name] = list(exc.messages)
            continue
        if value is not None:
            queryset = queryset.filter(value_q(definition, value))
    if errors:
        raise ValidationError(errors)
    return queryset


def search_q(model, user, term: str) -> Q:
    """The rows whose text custom fields (those `user` may see) contain `term`, any case:
    OR-ed with a list's own search so a record is found by its custom text too."""
    term = (term or "").strip()
    q = Q()
    if not term:
        return q
    for definition in visible_definitions(model, user):
        if definition.type in (FieldType.TEXT, FieldType.LONG_TEXT):
            q |= Q(**{f"custom__{definition.key}__icontains": term})
    return q
