from rest_framework.routers import SimpleRouter

from .api import KpiViewSet, TargetViewSet

router = SimpleRouter()
router.register("kpis", KpiViewSet, basename="kpi")
router.register("targets", TargetViewSet, basename="target")
