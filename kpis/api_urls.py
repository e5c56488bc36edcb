"""API routes of the KPI layer: the chain view (and the lead-to-cash forecast)."""

from rest_framework.routers import SimpleRouter

from .chain_api import ChainViewSet

router = SimpleRouter()
router.register("chain", ChainViewSet, basename="chain")
