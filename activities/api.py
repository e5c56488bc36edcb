"""Activities in the REST API: each caller sees only their own."""

import django_filters
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from ltc import records
from ltc.api.descriptions import described
from ltc.api.exporting import ExportMixin
from ltc.api.mixins import (
    API_FILTERS,
    IDEMPOTENCY_KEY,
    ErrorSerializer,
    FieldErrors,
    IdempotentCreateMixin,
)
from ltc.api.relations import VisibleRelationsMixin

from . import services
from .exports import ACTIVITIES
from .models import Activity, ActivityKind


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


@described(
    subject="One line saying what it is about",
    due_at="When it is planned (a task's deadline, a meeting's time)",
    done_at="When it was done; null while planned",
    kind="Call, meeting, email, task or note",
)
class ActivitySerializer(VisibleRelationsMixin, serializers.ModelSerializer):
    record_type = RecordTypeField(source="content_type", help_text='e.g. "leads.lead"')
    record_id = serializers.IntegerField(
        source="object_id", min_value=1, help_text="The id of the record it is logged on"
    )
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


class ActivityFilter(django_filters.FilterSet):
    kind = django_filters.MultipleChoiceFilter(choices=ActivityKind.choices)
    done = django_filters.BooleanFilter(field_name="done_at", lookup_expr="isnull", exclude=True)
    record_type = django_filters.CharFilter(method="filter_record_type", label="app_label.model")
    record_id = django_filters.NumberFilter(field_name="object_id")

    class Meta:
        model = Activity
        fields = ["kind", "done", "record_type", "record_id"]

    def filter_record_type(self, queryset, name, value):
        app_label, _dot, model = value.lower().partition(".")
        try:
            content_type = ContentType.objects.get_by_natural_key(app_label, model)
        except ContentType.DoesNotExist:
            return queryset.none()
        return queryset.filter(content_type=content_type)


@extend_schema(tags=["activities"])
@extend_schema_view(
    create=extend_schema(
        parameters=[IDEMPOTENCY_KEY], responses={201: ActivitySerializer, 400: FieldErrors}
    ),
    retrieve=extend_schema(
        responses={
            200: ActivitySerializer,
            404: OpenApiResponse(ErrorSerializer, description="Not one of your activities"),
        }
    ),
)
class ActivityViewSet(
    ExportMixin,
    IdempotentCreateMixin,
    mixins.CreateModelMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """The caller's own calls, meetings, emails and tasks. Create one on any record the
    caller may see with {"record_type": "leads.lead", "record_id": n, ...}."""

    queryset = Activity.objects.none()
    serializer_class = ActivitySerializer
    filter_backends = API_FILTERS
    export_spec = ACTIVITIES
    filterset_class = ActivityFilter
    search_fields = ["subject"]
    ordering_fields = ["due_at", "next_follow_up_at", "created_at"]

    def get_queryset(self):
        return Activity.objects.filter(owner=self.request.user).select_related("content_type")

    def perform_create(self, serializer):
        serializer.instance = services.activity_create(
            owner=self.request.user, **serializer.validated_data
        )

    @extend_schema(
        request=None,
        responses={
            200: ActivitySerializer,
            404: OpenApiResponse(ErrorSerializer, description="Not one of your activities"),
        },
    )
    @action(detail=True, methods=["post"], filter_backends=[], pagination_class=None)
    def complete(self, request, pk=None):
        """Mark the activity done (idempotent)."""
        activity = services.activity_complete(activity=self.get_object(), user=request.user)
        return Response(self.get_serializer(activity).data)
