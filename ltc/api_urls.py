"""API routes of the engine's own records: activities, notifications and outbound hooks."""

from rest_framework.routers import SimpleRouter

from .api.integrations import (
    BotWebhookViewSet,
    NotificationPreferenceViewSet,
    WebhookEndpointViewSet,
)
from .api.views import ActivityViewSet, NotificationViewSet

router = SimpleRouter()
router.register("activities", ActivityViewSet, basename="activity")
router.register("notifications", NotificationViewSet, basename="notification")
router.register(
    "notification-preferences", NotificationPreferenceViewSet, basename="notification-preference"
)
router.register("bot-webhooks", BotWebhookViewSet, basename="bot-webhook")
router.register("webhooks", WebhookEndpointViewSet, basename="webhook")
