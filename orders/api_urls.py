from rest_framework.routers import SimpleRouter

from .api import OrderViewSet, ShipmentViewSet

router = SimpleRouter()
router.register("orders", OrderViewSet, basename="order")
router.register("shipments", ShipmentViewSet, basename="shipment")
