"""The orders and shipments section of the account's customer 360 (ltc/summaries.py)."""

from rest_framework import serializers

from ltc.api.summary import ReadOnlyModelSerializer, SectionSerializer, state
from ltc.summaries import Section

from .models import Order, Shipment


class OrderItemSerializer(ReadOnlyModelSerializer):
    status = state("The order's state")
    shipment_count = serializers.IntegerField(help_text="How many shipments the order has")
    url = serializers.CharField(source="get_absolute_url")

    class Meta:
        model = Order
        fields = [
            "id",
            "number",
            "status",
            "total",
            "currency",
            "promised_delivery_date",
            "delivered_on",
            "shipment_count",
            "url",
        ]


class ShipmentItemSerializer(ReadOnlyModelSerializer):
    order_number = serializers.CharField(
        source="order.number", help_text="The number of the shipment's order"
    )
    url = serializers.CharField(source="get_absolute_url")

    class Meta:
        model = Shipment
        fields = ["id", "order", "order_number", "carrier", "tracking_number", "shipped_at", "url"]


class OrdersSectionSerializer(SectionSerializer):
    open = serializers.IntegerField(help_text="Orders not yet delivered nor cancelled")
    shipments_count = serializers.IntegerField(help_text="Shipments of those orders")
    items = OrderItemSerializer(many=True, help_text="The latest orders")
    shipments = ShipmentItemSerializer(many=True, help_text="The latest shipments")


ORDERS = Section(
    key="orders",
    template="orders/includes/account_orders.html",
    data="orders.selectors.account_orders_summary",
    serializer="orders.summary.OrdersSectionSerializer",
    order=40,
)
