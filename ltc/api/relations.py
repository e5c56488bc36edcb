"""Every writable relation of a serializer accepts only records the caller may see.

Serializers mix in `VisibleRelationsMixin`: each writable related field (one or many, in
nested serializers too) gets its queryset narrowed through ltc.records, the per-model
selectors the stages register. An id of a record the caller may not see is then answered
exactly like an id that does not exist: 400 with the field's error, nothing written.
"""

import copy

from django.utils.translation import gettext as _
from rest_framework import serializers

from ltc.records import limit_to_visible


def _user(serializer):
    request = serializer.context.get("request")
    return getattr(request, "user", None)


def limit_relation(field, user) -> None:
    if field.read_only:
        return
    relation = getattr(field, "child_relation", field)
    if isinstance(relation, serializers.RelatedField) and relation.queryset is not None:
        relation.queryset = limit_to_visible(relation.queryset, user)


def _copy(field):
    """A copy of a built field for one serializer instance. A field without inner fields is
    copied shallowly: binding it and limiting its queryset rebind its own attributes only. DRF's
    deep copy would build it again from its arguments (deep-copying each, querysets too),
    three times the cost on a list page. A field holding others (nested serializers, lists of
    relations, list and dict fields) is copied deeply, since those are bound to it."""
    holds_fields = hasattr(field, "child") or hasattr(field, "child_relation")
    if holds_fields or isinstance(field, serializers.BaseSerializer):
        return copy.deepcopy(field)
    return copy.copy(field)


class BuiltFieldsMixin:
    """A model serializer's fields are built from its Meta and the model once per class, then
    copied for each instance: building them (model introspection, one field at a time) costs
    several times the copy, and a list request builds its serializer's fields every time.
    What an instance changes (querysets limited to the caller) it changes on its copy."""

    def get_fields(self):
        cls = type(self)
        built = cls.__dict__.get("_built_fields")
        if built is None:
            built = super().get_fields()
            cls._built_fields = built
        return {name: _copy(field) for name, field in built.items()}


class VisibleRelationsMixin(BuiltFieldsMixin):
    """`fixed_on_update` names relations set on create only: on an update the same value is
    accepted (and dropped), another one is refused with 400 rather than silently ignored."""

    fixed_on_update: tuple[str, ...] = ()

    def get_fields(self):
        fields = super().get_fields()
        user = _user(self)
        for field in fields.values():
            limit_relation(field, user)
        if self.instance is not None and not isinstance(self.instance, (list, tuple)):
            for name in self.fixed_on_update:
                fields[name].required = False
        return fields

    def to_internal_value(self, data):
        attrs = super().to_internal_value(data)
        if self.instance is None or isinstance(self.instance, (list, tuple)):
            return attrs
        errors = {}
        for name in self.fixed_on_update:
            if name in attrs and attrs.pop(name) != getattr(self.instance, name):
                errors[name] = [_("This cannot be changed once the record exists.")]
        if errors:
            raise serializers.ValidationError(errors)
        return attrs
