from rest_framework.routers import SimpleRouter

from .api import DefinitionViewSet

router = SimpleRouter()
router.register("custom-fields", DefinitionViewSet, basename="custom-field")
