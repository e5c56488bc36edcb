from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from ltc.wiring import Contributes, Receiver, Service


class OrdersConfig(AppConfig):
    name = "orders"
    verbose_name = _("Orders")
    contributes = Contributes(
        summaries={"customers.Account": ("orders.summary.ORDERS",)},
        records={
            "orders.Order": "orders.selectors.order_list",
            "orders.Shipment": "orders.selectors.shipment_list",
            "orders.OrderLine": "orders.selectors.order_line_list",
        },
        work_queue=("orders.workqueue.order_sections",),
        timers=("orders.timers.ORDER_FULFILMENT",),
        services=(
            Service(
                "orders.Order",
                "deliver",
                "orders.services.order_deliver",
                sends=("order_delivered",),
            ),
            Service(
                "orders.Order",
                "accept",
                "orders.services.order_accept",
                sends=("order_accepted",),
            ),
        ),
        receivers=(
            Receiver(
                "contract_signed",
                "orders.receivers.on_contract_signed",
                calls="orders.services.order_create_from_contract",
            ),
        ),
    )
