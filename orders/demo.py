"""Demo orders: the orders of the signed demo contracts taken through confirmation, the start
of fulfilment and a first partial shipment by the real services. Idempotent."""

import datetime
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.utils import timezone

from leads.models import Lead
from ltc import history
from ltc.demo_records import demo_object
from ltc.transitions import run
from opportunities.demo import opportunity_key
from opportunities.models import Opportunity

from . import services
from .models import Order, OrderStatus

DEAL = "青岛海通 冷库监控"


def seed(out):
    User = get_user_model()
    users = {
        u.username: u for u in User.objects.filter(username__in=["sales", "sales2", "operations"])
    }
    deal = demo_object(opportunity_key(DEAL), Opportunity)
    order = Order.objects.filter(contract__opportunity=deal, status=OrderStatus.PENDING).first()
    if deal is not None and order is not None and {"sales", "operations"} <= set(users):
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
    if len(users) == 3:
        seed_history(users)
    out.write(f"Orders: {Order.objects.count()}\n")


def seed_history(users):
    """The orders of the year's signed contracts (ltc/history.py): confirmed with a promised
    date, fulfilled, shipped in full, delivered (some late) and accepted by the customer, each
    at its planned moment."""
    ops = users["operations"]
    for deal in history.deals():
        if not (deal.converts and deal.wins):
            continue
        lead = demo_object(history.lead_key(deal), Lead)
        order = (
            Order.objects.filter(contract__opportunity__lead=lead).first()
            if lead is not None
            else None
        )
        if order is None:
            continue
        seller = users[deal.owner]
        order = history.step(
            order,
            "confirm",
            seller,
            deal.at("confirm"),
            {"promised_delivery_date": deal.at("promised").date()},
        )
        order = history.step(order, "start_fulfillment", ops, deal.at("start_fulfillment"))
        if (
            order.status == OrderStatus.IN_FULFILLMENT
            and not order.shipments.exists()
            and history.due(deal.at("ship"))
        ):
            with history.frozen(deal.at("ship")):
                services.shipment_create(
                    order=order,
                    user=ops,
                    carrier="顺丰速运 SF Express",
                    tracking_number=f"SF{deal.index:010d}",
                    lines=[
                        {"order_line": line, "quantity": line.quantity}
                        for line in order.lines.all()
                    ],
                )
        order = history.step(order, "ship", ops, deal.at("ship"))
        order = history.step(
            order, "deliver", ops, deal.deliver_at(), {"delivered_on": deal.deliver_at().date()}
        )
        accepted = deal.at("accept_order", deal.late_delivery_days)
        history.step(order, "accept", seller, accepted, {"accepted_on": accepted.date()})
