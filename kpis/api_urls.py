"""API routes of the KPI layer: KPI values, targets, the lead-to-cash forecast and the chain
view."""

from rest_framework.routers import SimpleRouter

from .api import KpiViewSet, TargetViewSet
from .chain_api import ChainViewSet
from .forecast import ForecastViewSet

router = SimpleRouter()
# Before the `kpis` resource, so that kpis/forecast/ is never read as a detail route.
router.register("kpis/forecast", ForecastViewSet, basename="kpi-forecast")
router.register("kpis", KpiViewSet, basename="kpi")
router.register("targets", TargetViewSet, basename="target")
router.register("chain", ChainViewSet, basename="chain")
