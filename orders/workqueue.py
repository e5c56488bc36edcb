"""Home-page sections: the orders waiting on this user, oldest first."""

from django.utils.translation import gettext_lazy as _

from contracts.models import MilestoneTrigger, PaymentMilestone
from roles.permissions import has_role

from .models import Order, OrderStatus


def _to_accept(orders):
    """Delivered orders whose payment plan waits on the customer's acceptance (验收)."""
    return orders.filter(
        status=OrderStatus.DELIVERED,
        contract__in=PaymentMilestone.objects.filter(trigger=MilestoneTrigger.ON_ACCEPTANCE).values(
            "contract_id"
        ),
    ).order_by("delivered_on", "pk")


def order_sections(user) -> list[dict]:
    sections = []
    if user.is_superuser:
        return sections
    orders = Order.objects.select_related("account", "owner")
    if has_role(user, "sales"):
        sections.append(
            {
                "title": _("Orders to confirm"),
                "url": "/orders/?status=pending",
                "items": orders.filter(status=OrderStatus.PENDING, owner=user).order_by(
                    "created_at", "pk"
                ),
            }
        )
        sections.append(
            {
                "title": _("Delivered orders awaiting the customer's acceptance"),
                "url": "/orders/?status=delivered",
                "items": _to_accept(orders).filter(owner=user),
            }
        )
    if has_role(user, "service"):
        sections.append(
            {
                "title": _("Delivered orders awaiting the customer's acceptance"),
                "url": "/orders/?status=delivered",
                "items": _to_accept(orders),
            }
        )
    if has_role(user, "operations"):
        sections += [
            {
                "title": _("Confirmed orders to start"),
                "url": "/orders/queue/",
                "items": orders.filter(status=OrderStatus.CONFIRMED).order_by("confirmed_at", "pk"),
            },
            {
                "title": _("Orders in fulfilment to ship"),
                "url": "/orders/?status=in_fulfillment",
                "items": orders.filter(status=OrderStatus.IN_FULFILLMENT).order_by(
                    "fulfillment_started_at", "pk"
                ),
            },
            {
                "title": _("Shipped orders awaiting delivery"),
                "url": "/orders/?status=shipped",
                "items": orders.filter(status=OrderStatus.SHIPPED).order_by("shipped_at", "pk"),
            },
        ]
    return sections
