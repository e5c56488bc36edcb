from rest_framework.routers import SimpleRouter

from .api import (
    BotWebhookViewSet,
    NotificationPreferenceViewSet,
    NotificationViewSet,
    WebhookDeliveryViewSet,
    WebhookEndpointViewSet,
)

router = SimpleRouter()
router.register("notifications", NotificationViewSet, basename="notification")
router.register(
    "notification-preferences", NotificationPreferenceViewSet, basename="notification-preference"
)
router.register("bot-webhooks", BotWebhookViewSet, basename="bot-webhook")
router.register("webhooks", WebhookEndpointViewSet, basename="webhook")
router.register("webhook-deliveries", WebhookDeliveryViewSet, basename="webhook-delivery")
