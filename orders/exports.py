"""The columns of the order and shipment exports (list, API, bulk). Chain links: an order
names its contract and shipments, a shipment its order."""

from django.utils.translation import gettext_lazy as _

from ltc.exports import Column, Export, register

ORDERS = register(
    Export(
        name="orders",
        title=_("Orders"),
        select_related=("account", "contract", "owner"),
        prefetch_related=("shipments",),
        columns=(
            Column("id", _("ID"), "pk", "number"),
            Column("number", _("Number"), "number"),
            Column("status", _("Status"), "get_status_display"),
            Column("account_id", _("Account ID"), "account_id", "number"),
            Column("account", _("Account"), "account.name"),
            Column("contract_id", _("Contract ID"), "contract_id", "number"),
            Column("contract", _("Contract"), "contract.number"),
            Column("owner", _("Owner"), "owner.get_username"),
            Column("total", _("Total"), "total", "money"),
            Column("currency", _("Currency"), "currency"),
            Column("promised", _("Promised delivery date"), "promised_delivery_date", "date"),
            Column("shipped_at", _("Shipped"), "shipped_at", "datetime"),
            Column("delivered_on", _("Delivered on"), "delivered_on", "date"),
            Column("shipments", _("Shipments"), lambda o: [s.pk for s in o.shipments.all()], "ids"),
        ),
    )
)

SHIPMENTS = register(
    Export(
        name="shipments",
        title=_("Shipments"),
        select_related=("order__account", "created_by"),
        columns=(
            Column("id", _("ID"), "pk", "number"),
            Column("order_id", _("Order ID"), "order_id", "number"),
            Column("order", _("Order"), "order.number"),
            Column("account", _("Account"), "order.account.name"),
            Column("carrier", _("Carrier"), "carrier"),
            Column("tracking_number", _("Tracking number"), "tracking_number"),
            Column("shipped_at", _("Shipped"), "shipped_at", "datetime"),
            Column("recorded_by", _("Recorded by"), "created_by.get_username"),
            Column("notes", _("Notes"), "notes"),
        ),
    )
)
