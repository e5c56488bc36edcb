from rest_framework.routers import SimpleRouter

from .api.webhook_events import WebhookEventViewSet

router = SimpleRouter()
router.register("webhook-events", WebhookEventViewSet, basename="webhook-event")
