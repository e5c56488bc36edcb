"""Writes of custom fields: definitions (create, change, retire, restore) and the values of a
record (validated against the live definitions, then merged into its `custom` column).

Each stage's create/update service calls `apply_values` before it saves, so the browser form,
the API and any other caller go through the same checks; a transition that needs a field
is refused by `check_required` (wired into ltc.transitions.check_transition)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from roles.models import Role
from roles.policies import require

from . import values as value_rules
from .models import CHOICE_TYPES, MODELS, CustomFieldDefinition, FieldType, Record, record_of
from .selectors import live_definitions, may_edit, may_view

if TYPE_CHECKING:
    from django.contrib.auth.models import User

KEY = re.compile(r"[a-z][a-z0-9_]{0,39}", re.ASCII)
CHOICE_MAX = 100
DEFINITION_FIELDS = (
    "label_en",
    "label_zh",
    "type",
    "required",
    "help_text",
    "order",
    "choices",
    "view_roles",
    "edit_roles",
    "required_for",
    "in_list",
)


def transition_names(record: str) -> list[tuple[str, str]]:
    """(name, label) of each transition of the record's model; none for a model without a
    state machine (accounts, contacts, products)."""
    from ltc.transitions import transition_specs

    model = apps.get_model(MODELS[record])
    try:
        return [(spec.name, str(spec.label)) for spec in transition_specs(model)]
    except Exception:  # noqa: BLE001 - a model without a state field has no transitions
        return []


def _clean_definition(definition: CustomFieldDefinition, old: CustomFieldDefinition | None):
    errors: dict[str, list[str]] = {}

    def add(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    if definition.record not in Record.values:
        add("record", _("Choose the kind of record the field belongs to."))
    if not KEY.fullmatch(definition.key or ""):
        add(
            "key",
            _(
                "A key is 1 to 40 lower-case letters, digits and underscores, starting with a "
                "letter (e.g. industry, expected_volume)."
            ),
        )
    elif old is not None and old.key != definition.key:
        add("key", _("The key cannot change once saved."))
    elif (
        CustomFieldDefinition.objects.filter(record=definition.record, key=definition.key)
        .exclude(pk=definition.pk)
        .exists()
    ):
        add(
            "key",
            _("This record already has a field with the key “%(key)s” (perhaps retired).")
            % {"key": definition.key},
        )
    definition.label_en = (definition.label_en or "").strip()
    definition.label_zh = (definition.label_zh or "").strip()
    if not definition.label_en:
        add("label_en", _("Give the field an English label."))
    if not definition.label_zh:
        add("label_zh", _("Give the field a Chinese label."))
    if definition.type not in FieldType.values:
        add("type", _("Choose a type."))
    choices = definition.choices
    if not isinstance(choices, list) or not all(isinstance(c, str) for c in choices):
        add("choices", _("Choices are a list of texts."))
    else:
        choices = [c.strip() for c in choices]
        definition.choices = choices
        if definition.type in CHOICE_TYPES:
            if not choices:
                add("choices", _("A choice field needs at least one choice."))
            if any(not c for c in choices):
                add("choices", _("A choice cannot be empty."))
            seen: set[str] = set()
            repeated = [c for c in choices if c in seen or seen.add(c)]  # type: ignore[func-returns-value]
            if repeated:
                add(
                    "choices",
                    _("Each choice once: “%(choices)s” appears more than once.")
                    % {"choices": "”, “".join(dict.fromkeys(repeated))},
                )
            if len(choices) > CHOICE_MAX:
                add("choices", _("At most %(max)d choices.") % {"max": CHOICE_MAX})
            if any(len(c) > value_rules.TEXT_MAX for c in choices):
                add("choices", _("A choice is at most 500 characters."))
        elif choices:
            definition.choices = []  # only choice fields have choices
    for field in ("view_roles", "edit_roles"):
        roles = getattr(definition, field)
        if not isinstance(roles, list) or set(roles) - set(Role.values):
            add(field, _("Choose among the roles."))
    if definition.record in Record.values:
        names = {name for name, _label in transition_names(definition.record)}
        required_for = definition.required_for
        if not isinstance(required_for, list) or set(required_for) - names:
            add("required_for", _("Choose among the steps of this record."))
    if errors:
        raise ValidationError(errors)
    if old is not None:
        _check_existing_values(definition, old)


def _check_existing_values(definition: CustomFieldDefinition, old: CustomFieldDefinition) -> None:
    """A type or choice change that would make stored values unreadable is refused."""
    if old.type == definition.type and set(old.choices) <= set(definition.choices):
        return
    model = apps.get_model(MODELS[definition.record])
    stored = (
        model._default_manager.filter(custom__has_key=definition.key)
        .values_list("custom", flat=True)
        .iterator(chunk_size=2000)
    )
    bad = 0
    example = None
    for custom in stored:
        value = custom.get(definition.key)
        if value_rules.is_empty(value) or value_rules.fits(definition, value):
            continue
        bad += 1
        example = example if example is not None else value
    if bad:
        field = "type" if old.type != definition.type else "choices"
        raise ValidationError(
            {
                field: [
                    _(
                        "%(count)d record(s) hold a value that would be lost (e.g. “%(value)s”): "
                        "change those values first, or add a new field."
                    )
                    % {"count": bad, "value": value_rules.display(old, example)}
                ]
            }
        )


@transaction.atomic
def definition_save(
    *, user: User, definition: CustomFieldDefinition | None = None, **fields: Any
) -> CustomFieldDefinition:
    """Create a definition (`definition` None: `record` and `key` among the fields) or change
    one (its record and key stay). Refused with field errors when a key repeats, a label is
    empty, a choice repeats, or a type change would lose stored values."""
    require(user, "customfields.manage")
    old = None
    if definition is None:
        definition = CustomFieldDefinition(
            record=fields.get("record", ""), key=(fields.get("key") or "").strip()
        )
    else:
        definition = CustomFieldDefinition.objects.select_for_update().get(pk=definition.pk)
        old = CustomFieldDefinition.objects.get(pk=definition.pk)
        if "key" in fields and fields["key"] != definition.key:
            raise ValidationError({"key": [_("The key cannot change once saved.")]})
    for name in DEFINITION_FIELDS:
        if name in fields:
            setattr(definition, name, fields[name])
    _clean_definition(definition, old)
    definition.updated_by = user
    definition.save()
    return definition


@transaction.atomic
def definition_retire(*, user: User, definition: CustomFieldDefinition) -> CustomFieldDefinition:
    """Hide the field everywhere; the records keep their values."""
    require(user, "customfields.manage")
    if definition.retired_at is None:
        definition.retired_at = timezone.now()
        definition.updated_by = user
        definition.save(update_fields=["retired_at", "updated_by", "updated_at"])
    return definition


@transaction.atomic
def definition_restore(*, user: User, definition: CustomFieldDefinition) -> CustomFieldDefinition:
    """Show a retired field again, with the values the records kept."""
    require(user, "customfields.manage")
    if definition.retired_at is not None:
        definition.retired_at = None
        definition.updated_by = user
        definition.save(update_fields=["retired_at", "updated_by", "updated_at"])
    return definition


# --- values -------------------------------------------------------------------------------------


def clean_values(
    record: str, data, user, *, partial: bool
) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """(values, errors) of `data` ({key: raw value}) for a record kind as `user` writes it:
    each value read by its definition (None: empty), every problem under its key. A key that
    is not a live field the user may see is unknown; one they may see but not edit is
    refused. Unless `partial`, each required field they may edit must be filled."""
    if data is None:
        data = {}
    if not isinstance(data, dict):
        return {}, {"custom": [_('Give the custom fields as an object: {"key": value}.')]}
    definitions = {d.key: d for d in live_definitions(record, user)}
    cleaned: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}
    for key, raw in data.items():
        definition = definitions.get(key)
        if definition is None or not may_view(definition, user):
            errors[str(key)] = [_("There is no custom field “%(key)s”.") % {"key": key}]
            continue
        if not may_edit(definition, user):
            errors[key] = [_("Your role may not change this field.")]
            continue
        try:
            cleaned[key] = value_rules.parse(definition, raw)
        except ValidationError as exc:
            errors[key] = list(exc.messages)
    for key, definition in definitions.items():
        if not definition.required or key in errors or not may_edit(definition, user):
            continue
        given = key in data
        if (given and cleaned.get(key) is None) or (not given and not partial):
            errors[key] = [_("This field is required.")]
    return cleaned, errors


class CustomValuesError(ValidationError):
    """Bad custom values: `errors` by key; as a field error, every message under `custom`."""

    def __init__(self, errors: dict[str, list[str]], labels: dict[str, str]):
        self.errors = errors
        super().__init__(
            {
                "custom": [
                    f"{labels.get(key, key)}: {message}"
                    for key, messages in errors.items()
                    for message in messages
                ]
            }
        )


def apply_values(obj, data, *, user, partial: bool = True) -> dict:
    """Validate `data` for `obj` as `user` writes it and merge it into `obj.custom` (not
    saved: the stage's service saves the record). An empty value removes the key. Unless
    `partial`, the editable fields missing from `data` are emptied (a whole form). Values
    of fields the user may not see or edit, and of retired fields, are kept as they are."""
    record = record_of(type(obj))
    if record is None:
        raise LookupError(f"{type(obj).__name__} takes no custom fields")
    if data is None:
        data = {}
    cleaned, errors = clean_values(record, data, user, partial=partial)
    if errors:
        labels = {d.key: d.label for d in live_definitions(record, user)}
        raise CustomValuesError(errors, labels)
    current = dict(obj.custom or {})
    if not partial:
        for definition in live_definitions(record, user):
            if may_edit(definition, user) and definition.key not in cleaned:
                current.pop(definition.key, None)
    for key, value in cleaned.items():
        if value is None:
            current.pop(key, None)
        else:
            current[key] = value
    obj.custom = current
    return current


def check_required(*, obj, name: str, user) -> None:
    """A transition whose live custom fields are empty is refused (ValidationError naming
    them): "a lead may not be qualified without 行业". Wired into the engine's check
    (ltc.transitions.check_transition) through this app's declaration."""
    record = record_of(type(obj))
    if record is None:
        return
    missing = [
        d
        for d in live_definitions(record, user)
        if name in (d.required_for or []) and value_rules.is_empty((obj.custom or {}).get(d.key))
    ]
    if not missing:
        return
    from ltc.transitions import get_spec

    raise ValidationError(
        _("“%(action)s” needs %(fields)s filled in first.")
        % {
            "action": get_spec(type(obj), name).label,
            "fields": ", ".join(f"“{d.label}”" for d in missing),
        }
    )
