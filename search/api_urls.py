from rest_framework.routers import SimpleRouter

from .api import SearchViewSet

router = SimpleRouter()
router.register("search", SearchViewSet, basename="search")
