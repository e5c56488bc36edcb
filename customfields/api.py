"""Custom fields in the REST API: the `custom` object of each record that takes them, its
OpenAPI description built from the live definitions, and the `?cf_<key>=` list filters.

Read: only the live fields the caller may see. Write: checked against the definitions
(customfields.services.clean_values): an unknown key, a field the caller may not edit or a
value of the wrong type is a 400 `{"custom": {"key": ["message"]}}`; the stage's service
checks again when it saves."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, viewsets
from rest_framework.filters import BaseFilterBackend

from .filters import PARAM, filter_by, param_name
from .models import FieldType, Record, record_of
from .selectors import live_definitions, visible_definitions
from .services import clean_values
from .values import DECIMAL_PLACES, LONG_TEXT_MAX, TEXT_MAX

CUSTOM_HELP = (
    "The record's custom fields (defined by a manager; each property below is one), by key. "
    "Only the fields your role may see are given; on a write, send the keys to change (null "
    "or an empty value clears one); an unknown key, a field your role may not change or a "
    "value of the wrong type is a 400 naming the key."
)


def _user(field):
    request = field.context.get("request") if hasattr(field, "context") else None
    return getattr(request, "user", None)


class CustomValuesField(serializers.Field):
    """The `custom` object; the model is the parent serializer's."""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("help_text", CUSTOM_HELP)
        super().__init__(**kwargs)

    @property
    def record(self) -> str | None:
        return record_of(self.parent.Meta.model)

    def to_representation(self, value):
        if not value:
            return {}  # nothing to show: the definitions are not read (lists stay at their count)
        user = _user(self)
        return {
            d.key: value[d.key] for d in visible_definitions(self.record, user) if d.key in value
        }

    def to_internal_value(self, data):
        partial = bool(getattr(self.parent, "partial", False))
        cleaned, errors = clean_values(self.record, data, _user(self), partial=partial)
        if errors:
            raise serializers.ValidationError(errors)
        return cleaned


class CustomValuesSerializerMixin(serializers.Serializer):
    """Adds `custom` to a model serializer (add "custom" to Meta.fields). A create or full
    update without it still checks the required fields."""

    custom = CustomValuesField()

    def to_internal_value(self, data):
        attrs = super().to_internal_value(data)
        field = self.fields.get("custom")
        if field is not None and not field.read_only and not self.partial and "custom" not in attrs:
            try:
                attrs["custom"] = field.run_validation({})
            except serializers.ValidationError as exc:
                raise serializers.ValidationError({"custom": exc.detail}) from exc
        return attrs


def custom_values(validated: dict) -> dict | None:
    """Pops `custom` off a serializer's validated data for the stage's service."""
    return validated.pop("custom", None)


# --- schema -------------------------------------------------------------------------------------


def _value_schema(definition) -> dict:
    from django.conf import settings

    kind = definition.type
    if kind == FieldType.TEXT:
        schema: dict = {"type": "string", "maxLength": TEXT_MAX}
    elif kind == FieldType.LONG_TEXT:
        schema = {"type": "string", "maxLength": LONG_TEXT_MAX}
    elif kind in (FieldType.INTEGER, FieldType.USER):
        schema = {"type": "integer"}
    elif kind == FieldType.DECIMAL:
        schema = {
            "type": "string",
            "format": "decimal",
            "pattern": rf"^-?\d+(\.\d{{0,{DECIMAL_PLACES}}})?$",
        }
    elif kind == FieldType.MONEY:
        schema = {
            "type": "object",
            "properties": {
                "amount": {
                    "type": "string",
                    "format": "decimal",
                    "pattern": r"^-?\d+(\.\d{0,2})?$",
                    "description": "The amount, a plain decimal to the cent",
                },
                "currency": {
                    "type": "string",
                    "enum": list(settings.LTC["CURRENCIES"]),
                    "description": "ISO 4217 code of the amount's currency (default: the "
                    "company's default currency)",
                },
            },
            "required": ["amount"],
        }
    elif kind == FieldType.DATE:
        schema = {"type": "string", "format": "date"}
    elif kind == FieldType.CHOICE:
        schema = {"type": "string", "enum": list(definition.choices)}
    elif kind == FieldType.MULTI_CHOICE:
        schema = {
            "type": "array",
            "items": {"type": "string", "enum": list(definition.choices)},
        }
    else:
        schema = {"type": "boolean"}
    return {**schema, "nullable": True}


def describe(definition) -> str:
    parts = [f"{definition.label_en} ({definition.label_zh}): {FieldType(definition.type).label}."]
    if definition.type == FieldType.USER:
        parts.append("The id of an active user.")
    if definition.help_text:
        parts.append(definition.help_text)
    if definition.required:
        parts.append("Required.")
    if definition.required_for:
        parts.append("Needed for the transitions: " + ", ".join(definition.required_for) + ".")
    if definition.view_roles:
        parts.append("Seen by: " + ", ".join(definition.view_roles) + ".")
    if definition.edit_roles:
        parts.append("Changed by: " + ", ".join(definition.edit_roles) + ".")
    return " ".join(str(p) for p in parts)


def _schema_definitions(record: str | None) -> list:
    """The live definitions for the schema; none when the database has no table for them yet
    (the schema generated before `migrate`)."""
    from django.db import DatabaseError

    if record is None:
        return []
    try:
        return live_definitions(record)
    except DatabaseError:
        return []


class CustomValuesFieldExtension(OpenApiSerializerFieldExtension):
    """`custom` as an object with one property per live field of the record, read from the
    definitions when the schema is generated."""

    target_class = CustomValuesField

    def map_serializer_field(self, auto_schema, direction):
        record = self.target.record
        properties = {}
        for definition in _schema_definitions(record):
            properties[definition.key] = {
                **_value_schema(definition),
                "description": describe(definition),
            }
        schema: dict = {
            "type": "object",
            "description": CUSTOM_HELP
            + f" Fields of {Record(record).label if record else 'this record'} are defined at "
            "/settings/custom-fields/.",
            "properties": properties,
            "additionalProperties": False,
        }
        return schema


# --- filters ------------------------------------------------------------------------------------


def _asks_custom(request) -> bool:
    params = getattr(request, "query_params", None) or {}
    return any(name.startswith(PARAM) for name in params)


class CustomFieldFilter(BaseFilterBackend):
    """`?cf_<key>=<value>` for each custom field the caller may see: a choice, a number, a
    date, yes/no, a user id or money are matched exactly (on PostgreSQL through the GIN
    index), a text field by a part of it, a multiple choice by one of its choices."""

    def filter_queryset(self, request, queryset, view):
        if not _asks_custom(request):
            return queryset
        try:
            return filter_by(queryset, request.query_params, request.user)
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.message_dict) from exc

    def get_schema_operation_parameters(self, view):
        model = getattr(getattr(view, "queryset", None), "model", None)
        record = record_of(model) if model is not None else None
        if record is None:
            return []
        request = getattr(view, "request", None)
        user = getattr(request, "user", None)
        if not getattr(view, "swagger_fake_view", False) and not _asks_custom(request):
            return []  # a request without a cf_ parameter: nothing to read
        if user is not None and user.is_authenticated:
            definitions = visible_definitions(record, user)
        else:
            definitions = _schema_definitions(record)
        return [
            {
                "name": param_name(d),
                "required": False,
                "in": "query",
                "description": f"Only the records whose custom field {d.label_en} ({d.label_zh}) "
                + (
                    "contains this text"
                    if d.type in (FieldType.TEXT, FieldType.LONG_TEXT)
                    else "has this value"
                    if d.type != FieldType.MULTI_CHOICE
                    else "has this choice among its choices"
                ),
                "schema": {"type": "string"},
            }
            for d in definitions
        ]


def with_custom_filter(backends=None) -> list:
    """A viewset's filter backends (the project's defaults when None) and the custom field
    filter."""
    from rest_framework.settings import api_settings

    base = list(api_settings.DEFAULT_FILTER_BACKENDS if backends is None else backends)
    return [*base, CustomFieldFilter]


# --- the definitions, for integrators ----------------------------------------------------------


class DefinitionSerializer(serializers.ModelSerializer):
    record = serializers.CharField(
        read_only=True,
        help_text="The kind of record the field belongs to: " + ", ".join(Record.values),
    )
    key = serializers.CharField(read_only=True, help_text="The field's key in `custom`")
    label_en = serializers.CharField(read_only=True, help_text="The English label")
    label_zh = serializers.CharField(read_only=True, help_text="The Chinese label")
    type = serializers.CharField(
        read_only=True, help_text="The value's type: " + ", ".join(FieldType.values)
    )
    choices = serializers.ListField(
        child=serializers.CharField(),
        read_only=True,
        help_text="The allowed values of a single or multiple choice field",
    )
    required = serializers.BooleanField(
        read_only=True, help_text="A create or full update must give a value"
    )
    help_text = serializers.CharField(read_only=True, help_text="What the field is for")
    order = serializers.IntegerField(read_only=True, help_text="Position among the fields")
    required_for = serializers.ListField(
        child=serializers.CharField(),
        read_only=True,
        help_text="The transitions refused while the field is empty",
    )
    in_list = serializers.BooleanField(
        read_only=True, help_text="Shown as a column of the record's list by default"
    )
    editable = serializers.SerializerMethodField(
        help_text="Whether the caller's role may change the field"
    )

    class Meta:
        from .models import CustomFieldDefinition

        model = CustomFieldDefinition
        fields = [
            "id",
            "record",
            "key",
            "label_en",
            "label_zh",
            "type",
            "choices",
            "required",
            "help_text",
            "order",
            "required_for",
            "in_list",
            "editable",
        ]

    def get_editable(self, definition) -> bool:
        from .selectors import may_edit

        return may_edit(definition, _user(self))


def _definition_filterset():
    import django_filters

    from .models import CustomFieldDefinition

    class DefinitionFilter(django_filters.FilterSet):
        record = django_filters.ChoiceFilter(
            choices=Record.choices, help_text="Only the fields of this kind of record"
        )

        class Meta:
            model = CustomFieldDefinition
            fields = ["record"]

    return DefinitionFilter


@extend_schema(tags=["custom fields"])
class DefinitionViewSet(viewsets.ReadOnlyModelViewSet):
    """The live custom fields the caller may see, per kind of record (`?record=lead`): what
    each record's `custom` object may hold. Defined by managers at /settings/custom-fields/."""

    serializer_class = DefinitionSerializer
    filterset_class = _definition_filterset()
    pagination_class = None

    def get_queryset(self):
        from .models import CustomFieldDefinition
        from .selectors import may_view

        live = CustomFieldDefinition.objects.filter(retired_at__isnull=True).order_by(
            "record", "order", "pk"
        )
        visible = [d.pk for d in live if may_view(d, self.request.user)]
        return live.filter(pk__in=visible)
