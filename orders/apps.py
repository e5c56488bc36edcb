from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrdersConfig(AppConfig):
    name = "orders"
    verbose_name = _("Orders")

    def ready(self):
        from ltc import records, timers, workqueue
        from ltc.handoffs import contract_signed

        from . import services  # noqa: F401 - registers the transition services
        from .models import Order, OrderLine, Shipment
        from .receivers import on_contract_signed
        from .selectors import order_line_list, order_list, shipment_list
        from .timers import ORDER_FULFILMENT
        from .workqueue import order_sections

        timers.register(ORDER_FULFILMENT)
        records.register(Order, order_list)
        records.register(Shipment, shipment_list)
        records.register(OrderLine, order_line_list)
        workqueue.register(order_sections)
        contract_signed.connect(on_contract_signed, dispatch_uid="orders.contract_signed")
