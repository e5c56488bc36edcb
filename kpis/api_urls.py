"""API routes of the KPI layer: the lead-to-cash forecast and the chain view."""

from rest_framework.routers import SimpleRouter

from .chain_api import ChainViewSet
from .forecast import ForecastViewSet

router = SimpleRouter()
# Before any `kpis` resource, so that kpis/forecast/ is never read as a detail route.
router.register("kpis/forecast", ForecastViewSet, basename="kpi-forecast")
router.register("chain", ChainViewSet, basename="chain")
