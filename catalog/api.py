"""Products in the REST API: everyone signed in reads the active catalog; sales support and
operations maintain it (catalog.services holds that check). Products are retired by setting
`active` to false, never deleted through the API (quotes and orders refer to them)."""

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, viewsets

from customfields.api import CustomValuesSerializerMixin, with_custom_filter
from ltc.api.descriptions import described
from ltc.api.exporting import ExportMixin
from ltc.api.history import HistoryMixin
from ltc.api.mixins import API_FILTERS, IdempotentCreateMixin, write_schema
from ltc.api.relations import VisibleRelationsMixin

from . import services
from .exports import PRODUCTS
from .filters import ProductFilter
from .models import Product
from .selectors import product_list


@described(
    code="The product's code (SKU), unique",
    price="The list price per unit, before discount and tax",
    tax_rate="The tax rate in percent that lines of this product start with (e.g. 13.00)",
)
class ProductSerializer(
    CustomValuesSerializerMixin, VisibleRelationsMixin, serializers.ModelSerializer
):
    class Meta:
        model = Product
        fields = [
            "id",
            "code",
            "name",
            "description",
            "unit",
            "price",
            "currency",
            "tax_rate",
            "is_goods",
            "active",
            "created_at",
            "updated_at",
            "custom",
        ]
        read_only_fields = ["created_at", "updated_at"]


@extend_schema(tags=["products"])
@write_schema(ProductSerializer, "sales support and operations")
class ProductViewSet(
    ExportMixin,
    HistoryMixin,
    IdempotentCreateMixin,
    mixins.CreateModelMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    queryset = Product.objects.none()
    serializer_class = ProductSerializer
    filter_backends = with_custom_filter(API_FILTERS)
    export_spec = PRODUCTS
    filterset_class = ProductFilter
    search_fields = ["code", "name"]
    ordering_fields = ["code", "name"]

    def get_queryset(self):
        return product_list(user=self.request.user)

    def perform_create(self, serializer):
        serializer.instance = services.product_save(
            user=self.request.user, **serializer.validated_data
        )

    def perform_update(self, serializer):
        serializer.instance = services.product_save(
            user=self.request.user, product=serializer.instance, **serializer.validated_data
        )
