from rest_framework.routers import SimpleRouter

from .api import PoolViewSet

router = SimpleRouter()
router.register("pool", PoolViewSet, basename="pool")
