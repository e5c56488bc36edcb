from rest_framework.routers import DefaultRouter

from .api import ApiTokenViewSet

router = DefaultRouter()
router.register("auth/tokens", ApiTokenViewSet, basename="api-token-own")
