from rest_framework.routers import SimpleRouter

from .api.webhook_events import WebhookEventViewSet
from .imports_api import ImportJobViewSet

router = SimpleRouter()
router.register("webhook-events", WebhookEventViewSet, basename="webhook-event")
router.register("imports", ImportJobViewSet, basename="import")
