"""Activities and notifications in the REST API: each caller sees only their own."""

import django_filters
from django.contrib.contenttypes.models import ContentType
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from ltc import services
from ltc.models import Activity, ActivityKind, Notification
from ltc.selectors import inbox

from .mixins import (
    API_FILTERS,
    IDEMPOTENCY_KEY,
    ErrorSerializer,
    FieldErrors,
    IdempotentCreateMixin,
)
from .serializers import (
    ActivitySerializer,
    MarkReadSerializer,
    NotificationSerializer,
    UnreadSerializer,
)


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


class NotificationFilter(django_filters.FilterSet):
    unread = django_filters.BooleanFilter(field_name="read_at", lookup_expr="isnull")

    class Meta:
        model = Notification
        fields = ["unread"]


@extend_schema(tags=["notifications"])
class NotificationViewSet(viewsets.ReadOnlyModelViewSet):
    """The caller's in-app notifications, newest first."""

    queryset = Notification.objects.none()
    serializer_class = NotificationSerializer
    filter_backends = API_FILTERS
    filterset_class = NotificationFilter
    search_fields = None
    ordering_fields = ["created_at"]

    def get_queryset(self):
        return inbox(user=self.request.user)

    @extend_schema(request=MarkReadSerializer, responses={200: UnreadSerializer, 400: FieldErrors})
    @action(
        detail=False,
        methods=["post"],
        url_path="mark-read",
        filter_backends=[],
        pagination_class=None,
    )
    def mark_read(self, request):
        """Mark the listed notifications read, or all of them without "ids"."""
        body = MarkReadSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        marked = services.notification_mark_read(
            user=request.user, ids=body.validated_data.get("ids")
        )
        return Response({"marked": marked, "unread": self._unread()})

    @extend_schema(responses={200: UnreadSerializer})
    @action(
        detail=False,
        methods=["get"],
        url_path="unread-count",
        filter_backends=[],
        pagination_class=None,
    )
    def unread_count(self, request):
        """How many notifications the caller has not read (the bell)."""
        return Response({"unread": self._unread()})

    def _unread(self) -> int:
        return inbox(user=self.request.user).filter(read_at__isnull=True).count()
