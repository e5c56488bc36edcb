"""Serializers for what spans the pipeline: activities and notifications."""

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ltc import records
from ltc.api.relations import VisibleRelationsMixin
from ltc.models import Activity, Notification


@extend_schema_field(OpenApiTypes.STR)
class RecordTypeField(serializers.Field):
    """A record type as "app_label.model" (e.g. "leads.lead"); reads a ContentType, writes the
    model class."""

    default_error_messages = {"invalid": _("Unknown record type: %(value)s.")}

    def to_representation(self, value: ContentType) -> str:
        return f"{value.app_label}.{value.model}"

    def to_internal_value(self, data):
        try:
            return apps.get_model(str(data))
        except (LookupError, ValueError) as exc:
            raise serializers.ValidationError(
                self.error_messages["invalid"] % {"value": data}
            ) from exc


class ActivitySerializer(VisibleRelationsMixin, serializers.ModelSerializer):
    record_type = RecordTypeField(source="content_type", help_text='e.g. "leads.lead"')
    record_id = serializers.IntegerField(source="object_id", min_value=1)
    done = serializers.BooleanField(
        write_only=True, required=False, default=False, help_text="Log it as already done"
    )

    class Meta:
        model = Activity
        fields = [
            "id",
            "record_type",
            "record_id",
            "kind",
            "subject",
            "notes",
            "owner",
            "due_at",
            "done_at",
            "next_follow_up_at",
            "created_at",
            "done",
        ]
        read_only_fields = ["owner", "done_at", "created_at"]

    def validate(self, attrs):
        """The record must be one the caller may see: it replaces record_type/record_id."""
        model = attrs.pop("content_type")
        pk = attrs.pop("object_id")
        user = self.context["request"].user
        try:
            record = records.visible(model, user).filter(pk=pk).first()
        except Http404:
            raise serializers.ValidationError(
                {"record_type": [_("Activities cannot be attached to this record type.")]}
            ) from None
        if record is None:
            raise serializers.ValidationError(
                {"record_id": [_("No such record, or you may not see it.")]}
            )
        attrs["record"] = record
        return attrs


class NotificationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Notification
        fields = ["id", "title", "body", "url", "created_at", "read_at"]
        read_only_fields = fields


class MarkReadSerializer(serializers.Serializer):
    ids = serializers.ListField(
        child=serializers.IntegerField(),
        required=False,
        help_text="Mark only these; leave out to mark every unread notification",
    )


class UnreadSerializer(serializers.Serializer):
    unread = serializers.IntegerField()
    marked = serializers.IntegerField(required=False)
