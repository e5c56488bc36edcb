"""Reads of custom field definitions: the live ones of a kind of record, and what a user may
see and edit of them.

The definitions of a record kind are read once per request and user (roles.permissions.memo)
and again after any definition changes in this process (GENERATION), so a list page reads
them with one query however many rows it shows."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from roles.permissions import has_role, memo

from .models import CustomFieldDefinition, record_of

if TYPE_CHECKING:
    from django.db.models import QuerySet

_generation = [0]


@receiver(post_save, sender=CustomFieldDefinition, dispatch_uid="customfields.changed.save")
@receiver(post_delete, sender=CustomFieldDefinition, dispatch_uid="customfields.changed.delete")
def _changed(**kwargs) -> None:
    _generation[0] += 1


def definitions_of(record: str, *, retired: bool = False) -> QuerySet[CustomFieldDefinition]:
    """Every definition of a record kind ("lead"), live ones first by order; the retired ones
    too with `retired=True`."""
    query = CustomFieldDefinition.objects.filter(record=record)
    if not retired:
        query = query.filter(retired_at__isnull=True)
    return query.order_by("retired_at", "order", "pk")


def live_definitions(record: str | None, user=None) -> list[CustomFieldDefinition]:
    """The live definitions of a record kind, one query per request (per user)."""
    if record is None:
        return []

    def read() -> list[CustomFieldDefinition]:
        return list(definitions_of(record))

    if user is None or not getattr(user, "is_authenticated", False):
        return read()
    return memo(user, f"customfields:{record}:{_generation[0]}", read)


def may_view(definition: CustomFieldDefinition, user) -> bool:
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    if user.is_superuser or not definition.view_roles:
        return True
    return has_role(user, *definition.view_roles)


def may_edit(definition: CustomFieldDefinition, user) -> bool:
    if not may_view(definition, user):
        return False
    if user.is_superuser or not definition.edit_roles:
        return True
    return has_role(user, *definition.edit_roles)


def visible_definitions(model_or_record, user) -> list[CustomFieldDefinition]:
    """The live definitions of a model (class or instance) or record kind `user` may see."""
    record = model_or_record if isinstance(model_or_record, str) else record_of(model_or_record)
    return [d for d in live_definitions(record, user) if may_view(d, user)]


def editable_definitions(model_or_record, user) -> list[CustomFieldDefinition]:
    record = model_or_record if isinstance(model_or_record, str) else record_of(model_or_record)
    return [d for d in live_definitions(record, user) if may_edit(d, user)]


def visible_values(obj, user) -> dict:
    """The record's custom values `user` may see, by key (only live fields)."""
    values = obj.custom or {}
    return {d.key: values[d.key] for d in visible_definitions(type(obj), user) if d.key in values}


def panel(*, record, user) -> dict:
    """The custom fields panel of a record page: each visible live field with its value
    shown in the reader's language."""
    from .values import display, user_names

    definitions = visible_definitions(type(record), user)
    values = record.custom or {}
    users = user_names(values.get(d.key) for d in definitions if d.type == "user")
    return {
        "custom_fields": [
            {"definition": d, "value": display(d, values.get(d.key), users=users)}
            for d in definitions
        ]
    }
