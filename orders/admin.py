from django.contrib import admin

from .models import Order, OrderLine, Shipment, ShipmentLine


class OrderLineInline(admin.TabularInline):
    model = OrderLine
    extra = 0
    readonly_fields = ["shipped_quantity"]


class ShipmentLineInline(admin.TabularInline):
    model = ShipmentLine
    extra = 0


@admin.register(Order)
class OrderAdmin(admin.ModelAdmin):
    """Read-mostly: the state changes only by transitions (the services), never here."""

    list_display = ["number", "account", "status", "total", "currency", "owner", "confirmed_at"]
    list_filter = ["status"]
    search_fields = ["number", "account__name"]
    raw_id_fields = ["contract", "account", "owner"]
    readonly_fields = ["status"]
    inlines = [OrderLineInline]


@admin.register(Shipment)
class ShipmentAdmin(admin.ModelAdmin):
    list_display = ["order", "carrier", "tracking_number", "shipped_at"]
    search_fields = ["tracking_number", "order__number"]
    raw_id_fields = ["order", "created_by"]
    inlines = [ShipmentLineInline]
