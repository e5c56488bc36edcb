"""Notifications in the REST API: the caller's inbox and preferences, a team's group bots,
integrators' webhooks."""

import django_filters
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from ltc.api.mixins import API_FILTERS, FieldErrors, write_schema
from ltc.api.relations import VisibleRelationsMixin
from roles.models import Team
from roles.permissions import has_role
from roles.policies import require

from . import services
from .events import EVENTS
from .models import (
    BotWebhook,
    Delivery,
    Notification,
    NotificationPreference,
    WebhookEndpoint,
)
from .selectors import LAST_ERROR_SHOWN, inbox, webhook_deliveries


class NotificationSerializer(serializers.ModelSerializer):
    # Written in the caller's language (their saved choice or Accept-Language).
    title = serializers.CharField(
        source="display_title", read_only=True, help_text="What happened, in one line"
    )
    body = serializers.CharField(
        source="display_body", read_only=True, help_text="More about it (may be empty)"
    )

    class Meta:
        model = Notification
        fields = ["id", "title", "body", "url", "created_at", "read_at"]
        read_only_fields = fields
        extra_kwargs = {
            "url": {"help_text": "The page it is about, in the browser (a path)"},
            "read_at": {"help_text": "When it was marked read; null while unread"},
        }


class MarkReadSerializer(serializers.Serializer):
    ids = serializers.ListField(
        child=serializers.IntegerField(),
        required=False,
        help_text="Mark only these; leave out to mark every unread notification",
    )


class UnreadSerializer(serializers.Serializer):
    unread = serializers.IntegerField(help_text="How many notifications are still unread")
    marked = serializers.IntegerField(
        required=False, help_text="How many this request marked read (mark-read only)"
    )


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


class PreferenceSerializer(VisibleRelationsMixin, serializers.Serializer):
    event = serializers.ChoiceField(choices=[], help_text="The kind of notification")
    label = serializers.CharField(read_only=True, help_text="The event, in the caller's language")
    in_app = serializers.BooleanField(help_text="Show it in the app (the bell)")
    email = serializers.BooleanField(help_text="Also send it by email")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["event"].choices = list(EVENTS)


@extend_schema(tags=["notifications"])
class NotificationPreferenceViewSet(viewsets.ViewSet):
    """Per event: whether it reaches the caller in the app and by email (default: both)."""

    serializer_class = PreferenceSerializer

    def _rows(self, user):
        prefs = {p.event: p for p in NotificationPreference.objects.filter(user=user)}
        return [
            {
                "event": event,
                "label": str(label),
                "in_app": prefs[event].in_app if event in prefs else True,
                "email": prefs[event].email if event in prefs else True,
            }
            for event, label in EVENTS.items()
        ]

    @extend_schema(responses=PreferenceSerializer(many=True))
    def list(self, request):
        return Response(self._rows(request.user))

    @extend_schema(
        request=PreferenceSerializer(many=True),
        responses={200: PreferenceSerializer(many=True)},  # saves settings, creates nothing
    )
    def create(self, request):
        serializer = PreferenceSerializer(
            data=request.data, context={"request": request}, many=True
        )
        serializer.is_valid(raise_exception=True)
        services.notification_preferences_save(
            user=request.user,
            choices={
                row["event"]: (row["in_app"], row["email"]) for row in serializer.validated_data
            },
        )
        return Response(self._rows(request.user))


class BotWebhookSerializer(VisibleRelationsMixin, serializers.ModelSerializer):
    url = serializers.URLField(
        max_length=500,
        help_text="The group bot's webhook URL from WeCom, DingTalk or Feishu (a public address)",
    )
    events = serializers.ListField(child=serializers.CharField(max_length=60), required=False)

    class Meta:
        model = BotWebhook
        fields = [
            "id",
            "team",
            "provider",
            "name",
            "url",
            "secret",
            "events",
            "active",
            "created_at",
        ]
        extra_kwargs = {"secret": {"write_only": True, "required": False}}

    def validate_events(self, value):
        unknown = sorted(set(value) - set(EVENTS))
        if unknown:
            raise serializers.ValidationError(
                _("Unknown events: %(e)s") % {"e": ", ".join(unknown)}
            )
        return value


@extend_schema(tags=["notifications"])
@write_schema(BotWebhookSerializer, "the team lead or a manager", idempotent=False)
class BotWebhookViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """WeCom, DingTalk and Feishu group bots of the teams the caller leads (a manager: all).
    URLs must be http(s) and not point at private or loopback addresses."""

    serializer_class = BotWebhookSerializer
    queryset = BotWebhook.objects.none()

    def get_queryset(self):
        user = self.request.user
        teams = (
            Team.objects.all()
            if user.is_superuser or has_role(user, "manager")
            else Team.objects.filter(lead=user)
        )
        return BotWebhook.objects.filter(team__in=teams).select_related("team").order_by("pk")

    def perform_create(self, serializer):
        serializer.instance = services.bot_webhook_save(
            user=self.request.user, **serializer.validated_data
        )

    def perform_update(self, serializer):
        serializer.instance = services.bot_webhook_save(
            user=self.request.user, bot=serializer.instance, **serializer.validated_data
        )


class TruncatedTextField(serializers.CharField):
    """Text cut to `limit` characters, with an ellipsis when something was cut."""

    def __init__(self, *, limit: int, **kwargs):
        self.limit = limit
        super().__init__(**kwargs)

    def to_representation(self, value):
        return services.fit(value, self.limit)


class WebhookDeliverySerializer(serializers.ModelSerializer):
    event = serializers.CharField(
        source="payload.event",
        default="",
        read_only=True,
        help_text="The event type, e.g. `leads.lead.qualify` or `ping` (see the event catalogue)",
    )
    last_error = TruncatedTextField(
        limit=LAST_ERROR_SHOWN,
        read_only=True,
        help_text=f"Why the last attempt failed (at most {LAST_ERROR_SHOWN} characters); "
        "empty once delivered",
    )

    class Meta:
        model = Delivery
        fields = [
            "id",
            "endpoint",
            "event_id",
            "event",
            "status",
            "attempts",
            "response_code",
            "last_error",
            "created_at",
            "next_attempt_at",
            "delivered_at",
            "redelivery_of",
        ]
        read_only_fields = fields
        extra_kwargs = {
            "id": {"help_text": "The delivery's id, also sent as the X-LTC-Delivery header"},
            "endpoint": {"help_text": "The webhook endpoint it is sent to"},
            "event_id": {
                "help_text": "The event's id (body `id`, header X-LTC-Event-Id): the same on "
                "every retry and redelivery, so a receiver drops an event it already handled"
            },
            "status": {
                "help_text": "pending: waiting for its (next) attempt; sending: an attempt is "
                "under way; delivered: the endpoint answered 2xx; failed: given up"
            },
            "attempts": {"help_text": "How many times it was sent so far"},
            "response_code": {
                "help_text": "The HTTP status of the last answer; null when none came"
            },
            "created_at": {"help_text": "When the event was queued"},
            "next_attempt_at": {
                "help_text": "When it is (or was) due to be sent next; meaningful while pending"
            },
            "delivered_at": {"help_text": "When the endpoint answered 2xx; null until then"},
            "redelivery_of": {
                "help_text": "The delivery this one sends again (same body and event id); null "
                "for a first delivery"
            },
        }


class WebhookEndpointSerializer(VisibleRelationsMixin, serializers.ModelSerializer):
    url = serializers.URLField(
        max_length=500,
        help_text="Where each event is POSTed (http or https, a public address)",
    )
    events = serializers.ListField(child=serializers.CharField(max_length=100), required=False)

    class Meta:
        model = WebhookEndpoint
        fields = ["id", "name", "url", "secret", "events", "active", "created_at"]
        extra_kwargs = {
            "secret": {
                "write_only": True,
                "help_text": "The key of the HMAC-SHA256 signature in X-LTC-Signature; never "
                "shown again",
            }
        }


@extend_schema(tags=["webhooks"])
@write_schema(WebhookEndpointSerializer, "a manager", idempotent=False)
class WebhookEndpointViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """Integrators' endpoints: each transition of a subscribed record type (`leads.lead`, or
    one transition: `leads.lead.convert`) is POSTed as JSON signed with HMAC-SHA256 of the
    body in `X-LTC-Signature: sha256=<hex>`, delivered by Celery with retries and backoff."""

    serializer_class = WebhookEndpointSerializer
    queryset = WebhookEndpoint.objects.none()

    def get_queryset(self):
        user = self.request.user
        require(user, "notifications.integrations")
        return WebhookEndpoint.objects.order_by("pk")

    @extend_schema(
        request=None,
        responses={
            202: OpenApiResponse(
                WebhookDeliverySerializer,
                description="The ping's delivery, queued; its outcome shows in the delivery log",
            )
        },
    )
    @action(detail=True, methods=["post"], filter_backends=[], pagination_class=None)
    def ping(self, request, pk=None):
        """Send a signed test event (`ping`) to the endpoint, signed and delivered like every
        event, to check the receiver's URL and signature check."""
        delivery = services.webhook_ping(user=request.user, endpoint=self.get_object())
        return Response(WebhookDeliverySerializer(delivery).data, status=status.HTTP_202_ACCEPTED)

    def perform_create(self, serializer):
        serializer.instance = services.webhook_endpoint_save(
            user=self.request.user, **serializer.validated_data
        )

    def perform_update(self, serializer):
        serializer.instance = services.webhook_endpoint_save(
            user=self.request.user, endpoint=serializer.instance, **serializer.validated_data
        )


class WebhookDeliveryFilter(django_filters.FilterSet):
    endpoint = django_filters.NumberFilter(
        field_name="endpoint", help_text="Only the deliveries to this endpoint (id)"
    )
    status = django_filters.ChoiceFilter(
        choices=Delivery.Status.choices, help_text="Only deliveries in this status"
    )
    event_id = django_filters.UUIDFilter(
        help_text="Only the deliveries of this event (its first delivery and redeliveries)"
    )

    class Meta:
        model = Delivery
        fields = ["endpoint", "status", "event_id"]


@extend_schema(tags=["webhooks"])
class WebhookDeliveryViewSet(viewsets.ReadOnlyModelViewSet):
    """The delivery log of the webhook endpoints the caller may manage (managers), newest
    first: status, attempts, the last answer and error, and when. `?endpoint=` gives one
    endpoint's log."""

    serializer_class = WebhookDeliverySerializer
    queryset = Delivery.objects.none()
    filter_backends = API_FILTERS
    filterset_class = WebhookDeliveryFilter
    search_fields = None
    ordering_fields = ["created_at"]

    def get_queryset(self):
        require(self.request.user, "notifications.integrations")
        return webhook_deliveries(user=self.request.user)

    @extend_schema(
        request=None,
        responses={
            201: OpenApiResponse(
                WebhookDeliverySerializer, description="The new delivery, queued for sending"
            ),
            400: FieldErrors,
        },
    )
    @action(detail=True, methods=["post"], filter_backends=[], pagination_class=None)
    def redeliver(self, request, pk=None):
        """Send a delivered or failed webhook again: a new delivery with the same body and
        the same event id, so a receiver that already handled the event drops it."""
        delivery = services.webhook_redeliver(user=request.user, delivery=self.get_object())
        return Response(WebhookDeliverySerializer(delivery).data, status=status.HTTP_201_CREATED)
