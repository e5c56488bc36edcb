from rest_framework.routers import SimpleRouter

from .api import ContractLineViewSet, ContractViewSet

router = SimpleRouter()
router.register("contracts", ContractViewSet, basename="contract")
router.register("contract-lines", ContractLineViewSet, basename="contract-line")
