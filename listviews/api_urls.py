from rest_framework.routers import SimpleRouter

from .api import SavedViewViewSet

router = SimpleRouter()
router.register("list-views", SavedViewViewSet, basename="list-view")
