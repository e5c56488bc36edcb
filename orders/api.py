"""Orders (with lines) and shipments (with lines) in the REST API.

Orders are created by signing a contract (the hand-off), never by POST; `status` changes only
through POST {id}/transitions/{name}/. Shipments are recorded by operations while the order is
in fulfilment; a shipment never ships more than is left on a line.
"""

import django_filters
from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.response import Response

from contracts.selectors import contract_list
from customers.selectors import account_list
from customfields.api import CustomValuesSerializerMixin, with_custom_filter
from leads.selectors import lead_list
from ltc.api.bulking import BulkMixin
from ltc.api.descriptions import described
from ltc.api.exporting import ExportMixin
from ltc.api.fields import AccountFlagsField, FlagsListSerializer, StrictDecimalField
from ltc.api.filters import VisibleFilter
from ltc.api.history import HistoryMixin
from ltc.api.lists import read_through
from ltc.api.mixins import IdempotentCreateMixin, TransitionsMixin, transitions_schema
from ltc.api.relations import VisibleRelationsMixin
from opportunities.selectors import opportunity_list

from . import services
from .exports import ORDERS, SHIPMENTS
from .models import Order, OrderLine, OrderStatus, Shipment, ShipmentLine
from .selectors import order_list, shipment_list


@described(
    contract_line="The contract line it fulfils",
    shipped_quantity="How much of it has shipped so far",
    remaining="How much is still to ship",
)
class OrderLineSerializer(VisibleRelationsMixin, serializers.ModelSerializer):
    remaining = StrictDecimalField(max_digits=12, decimal_places=3, read_only=True)

    class Meta:
        model = OrderLine
        fields = [
            "id",
            "position",
            "contract_line",
            "product",
            "description",
            "unit",
            "quantity",
            "unit_price",
            "total",
            "shipped_quantity",
            "remaining",
        ]
        read_only_fields = fields


@described(
    shipments="The order's shipments (ids)",
    promised_delivery_date="The delivery date promised to the customer",
    confirmed_at="When operations confirmed the order",
    fulfillment_started_at="When fulfilment started",
    delivered_on="The date the customer received it",
    proof_of_delivery="Reference of the proof of delivery (waybill, signed note)",
    accepted_on="The date the customer accepted the delivery (验收)",
    has_acceptance_document="Whether an acceptance document was uploaded",
    cancelled_at="When the order was cancelled",
    cancel_reason="Why the order was cancelled",
)
class OrderSerializer(
    CustomValuesSerializerMixin, VisibleRelationsMixin, serializers.ModelSerializer
):
    account_name = serializers.CharField(source="account.name", read_only=True)
    contract_number = serializers.CharField(source="contract.number", read_only=True)
    owner_name = serializers.StringRelatedField(source="owner", read_only=True)
    lines = OrderLineSerializer(many=True, read_only=True)
    shipments = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    has_acceptance_document = serializers.SerializerMethodField()

    account_flags = AccountFlagsField(account="account_id")

    class Meta:
        model = Order
        list_serializer_class = FlagsListSerializer
        fields = [
            "id",
            "number",
            "contract",
            "contract_number",
            "account",
            "account_name",
            "account_flags",
            "owner",
            "owner_name",
            "status",
            "currency",
            "total",
            "promised_delivery_date",
            "lines",
            "shipments",
            "confirmed_at",
            "fulfillment_started_at",
            "shipped_at",
            "delivered_on",
            "proof_of_delivery",
            "accepted_on",
            "has_acceptance_document",
            "cancelled_at",
            "cancel_reason",
            "created_at",
            "updated_at",
            "custom",
        ]
        read_only_fields = [f for f in fields if f != "promised_delivery_date"]

    def get_has_acceptance_document(self, order) -> bool:
        return bool(order.acceptance_document)


# What only GET {id}/ carries; the list has every other field of the detail.
DETAIL_ONLY = (
    "lines",
    "fulfillment_started_at",
    "proof_of_delivery",
    "has_acceptance_document",
    "cancel_reason",
)


class OrderListSerializer(OrderSerializer):
    """The list's columns and links (contract, shipments); GET {id}/ carries the lines and
    the delivery details."""

    # Read as columns of the page's query (LIST_COLUMNS), not through the related records.
    account_name = serializers.CharField(read_only=True)
    contract_number = serializers.CharField(read_only=True)
    owner_name = serializers.CharField(read_only=True, allow_null=True)

    class Meta(OrderSerializer.Meta):
        fields = [f for f in OrderSerializer.Meta.fields if f not in DETAIL_ONLY]
        read_only_fields = fields


# What the list shows of related records, as columns of its query (ltc.api.lists).
LIST_COLUMNS = {
    "account_name": "account__name",
    "contract_number": "contract__number",
    "owner_name": "owner__username",
}


class OrderFilter(django_filters.FilterSet):
    status = django_filters.MultipleChoiceFilter(choices=OrderStatus.choices)
    account = VisibleFilter(field_name="account", selector=account_list)
    owner = django_filters.NumberFilter(field_name="owner_id")
    contract = VisibleFilter(field_name="contract", selector=contract_list)
    opportunity = VisibleFilter(field_name="contract__opportunity", selector=opportunity_list)
    lead = VisibleFilter(field_name="contract__opportunity__lead", selector=lead_list)

    class Meta:
        model = Order
        fields = ["status", "account", "owner", "contract", "opportunity", "lead"]


class ShipmentFilter(django_filters.FilterSet):
    order = VisibleFilter(field_name="order", selector=order_list)
    contract = VisibleFilter(field_name="order__contract", selector=contract_list)
    account = VisibleFilter(field_name="order__account", selector=account_list)

    class Meta:
        model = Shipment
        fields = ["order", "contract", "account"]


@extend_schema(tags=["orders"])
@transitions_schema(Order, OrderSerializer)
class OrderViewSet(
    BulkMixin,
    ExportMixin,
    HistoryMixin,
    TransitionsMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Orders the caller may see, with their lines (ordered, shipped and remaining quantity).
    Sales confirm; operations start fulfilment, record shipments, ship (every line covered)
    and deliver; sales cancel a pending or confirmed order, the manager one in fulfilment."""

    queryset = Order.objects.none()
    filter_backends = with_custom_filter()
    serializer_class = OrderSerializer
    bulk_name = "orders"
    export_spec = ORDERS
    filterset_class = OrderFilter
    search_fields = ["number", "account__name", "contract__number"]
    ordering_fields = ["created_at", "confirmed_at", "promised_delivery_date", "total"]
    ordering = ["-created_at", "-pk"]

    def get_queryset(self):
        shipments = Prefetch("shipments", queryset=Shipment.objects.only("pk", "order_id"))
        if self.action == "list":
            return read_through(
                order_list(user=self.request.user), **LIST_COLUMNS
            ).prefetch_related(shipments)
        return order_list(user=self.request.user).prefetch_related(
            Prefetch("lines", queryset=OrderLine.objects.order_by("position", "pk")), shipments
        )

    def get_serializer_class(self):
        return OrderListSerializer if self.action == "list" else OrderSerializer

    def perform_update(self, serializer):
        serializer.instance = services.order_update(
            order=serializer.instance, user=self.request.user, **serializer.validated_data
        )

    def update(self, request, *args, **kwargs):
        super().update(request, *args, **kwargs)
        return Response(self.get_serializer(self.get_queryset().get(pk=kwargs["pk"])).data)


@described(
    order_line="The order line (id) shipped",
    quantity="How much of it this shipment carries",
)
class ShipmentLineSerializer(VisibleRelationsMixin, serializers.ModelSerializer):
    class Meta:
        model = ShipmentLine
        fields = ["id", "order_line", "quantity"]
        read_only_fields = ["id"]
        extra_kwargs = {"order_line": {"queryset": OrderLine.objects.all()}}


@described(
    carrier="The carrier (e.g. SF Express)",
    tracking_number="The carrier's tracking number",
    order="The order (id) shipped",
    lines="What was shipped: order lines and quantities",
)
class ShipmentSerializer(VisibleRelationsMixin, serializers.ModelSerializer):
    lines = ShipmentLineSerializer(many=True)

    class Meta:
        model = Shipment
        fields = [
            "id",
            "order",
            "carrier",
            "tracking_number",
            "shipped_at",
            "notes",
            "lines",
            "created_by",
            "created_at",
        ]
        read_only_fields = ["id", "created_by", "created_at"]
        extra_kwargs = {"shipped_at": {"required": False}}

    def get_fields(self):
        fields = super().get_fields()
        request = self.context.get("request")
        if request is not None and request.user.is_authenticated:
            fields["order"].queryset = order_list(user=request.user)
        return fields


@extend_schema(tags=["orders"])
class ShipmentViewSet(
    ExportMixin,
    IdempotentCreateMixin,
    mixins.CreateModelMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Shipments of the orders the caller may see. Operations record one (carrier, tracking
    number, lines with partial quantities) while the order is in fulfilment; a line can never
    be shipped beyond its ordered quantity (400 with the reason, nothing recorded)."""

    queryset = Shipment.objects.none()
    serializer_class = ShipmentSerializer
    export_spec = SHIPMENTS
    filterset_class = ShipmentFilter
    search_fields = ["tracking_number", "carrier", "order__number"]
    ordering_fields = ["shipped_at", "created_at"]
    ordering = ["shipped_at", "pk"]

    def get_queryset(self):
        return shipment_list(user=self.request.user).prefetch_related(
            Prefetch("lines", queryset=ShipmentLine.objects.order_by("pk"))
        )

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        serializer.instance = services.shipment_create(
            order=data["order"],
            user=self.request.user,
            carrier=data["carrier"],
            tracking_number=data["tracking_number"],
            shipped_at=data.get("shipped_at"),
            notes=data.get("notes", ""),
            lines=data["lines"],
        )
