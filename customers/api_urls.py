from rest_framework.routers import SimpleRouter

from .api import AccountViewSet, ContactViewSet

router = SimpleRouter()
router.register("accounts", AccountViewSet, basename="account")
router.register("contacts", ContactViewSet, basename="contact")
