"""Demo orders: the orders of the signed demo contracts taken through confirmation, the start
of fulfilment and a first partial shipment by the real services. Idempotent."""

import datetime
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.utils import timezone

from ltc.demo_records import demo_object
from ltc.transitions import run
from opportunities.demo import opportunity_key
from opportunities.models import Opportunity

from . import services
from .models import Order, OrderStatus

DEAL = "青岛海通 冷库监控"


def seed(out):
    User = get_user_model()
    users = {u.username: u for u in User.objects.filter(username__in=["sales", "operations"])}
    deal = demo_object(opportunity_key(DEAL), Opportunity)
    order = Order.objects.filter(contract__opportunity=deal, status=OrderStatus.PENDING).first()
    if deal is not None and order is not None and len(users) == 2:
        promised = timezone.localdate() + datetime.timedelta(days=14)
        order = run(
            obj=order,
            name="confirm",
            user=users["sales"],
            data={"promised_delivery_date": promised},
        )
        order = run(obj=order, name="start_fulfillment", user=users["operations"])
        first = order.lines.order_by("position", "pk").first()
        services.shipment_create(
            order=order,
            user=users["operations"],
            carrier="顺丰速运 SF Express",
            tracking_number="SF1234567890",
            lines=[{"order_line": first, "quantity": (first.quantity / 2).quantize(Decimal("1"))}],
        )
    out.write(f"Orders: {Order.objects.count()}\n")
