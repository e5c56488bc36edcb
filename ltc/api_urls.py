from rest_framework.routers import SimpleRouter

from .imports_api import ImportJobViewSet

router = SimpleRouter()
router.register("imports", ImportJobViewSet, basename="import")
