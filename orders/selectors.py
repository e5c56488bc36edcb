"""Role-aware reads of orders and shipments (DESIGN.md, record visibility).

sales: orders they own (or their team's, as team lead) or were granted (guardian);
operations, service (read-only) and the manager: all. Shipments follow their order.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Count, Q, QuerySet

from ltc.summaries import list_url, sees_none
from roles.permissions import has_role, shared_with, team_member_ids

from .models import Order, OrderLine, OrderStatus, OrderUserObjectPermission, Shipment

if TYPE_CHECKING:
    from django.contrib.auth.models import User

SEE_ALL = ("manager", "operations", "service")
# Orders that need no more work: delivered and accepted, or cancelled.
CLOSED_STATES = (OrderStatus.DELIVERED, OrderStatus.ACCEPTED, OrderStatus.CANCELLED)


def order_visibility(user: User) -> Q | None:
    if not user.is_authenticated:
        return Q(pk__in=[])
    if user.is_superuser or has_role(user, *SEE_ALL):
        return None
    rule = Q(pk__in=[])
    if has_role(user, "sales"):
        rule |= Q(owner_id__in=team_member_ids(user)) | shared_with(user, OrderUserObjectPermission)
    return rule


def order_list(*, user: User) -> QuerySet[Order]:
    qs = Order.objects.select_related("account", "owner", "contract")
    rule = order_visibility(user)
    return qs if rule is None else qs.filter(rule)


def order_line_list(*, user: User) -> QuerySet[OrderLine]:
    """Lines of the orders `user` may see."""
    return OrderLine.objects.select_related("order", "product").filter(
        order__in=order_list(user=user).values("pk")
    )


def shipment_list(*, user: User) -> QuerySet[Shipment]:
    qs = Shipment.objects.select_related("order", "created_by")
    rule = order_visibility(user)
    if rule is None:
        return qs
    return qs.filter(order__in=Order.objects.filter(rule).values("pk"))


def operations_queue() -> QuerySet[Order]:
    """Orders waiting on operations, oldest first: confirmed (to start), in fulfilment (to
    ship) and shipped (to deliver)."""
    return (
        Order.objects.filter(
            status__in=[OrderStatus.CONFIRMED, OrderStatus.IN_FULFILLMENT, OrderStatus.SHIPPED]
        )
        .select_related("account", "owner")
        .order_by("confirmed_at", "pk")
    )


def account_orders_summary(*, record, user: User, limit: int) -> dict | None:
    """The account's orders the viewer may see, each with its shipment count, and the latest
    shipments of those orders (three queries)."""
    if sees_none(order_visibility(user)):
        return None
    qs = order_list(user=user).filter(account=record)
    counts = qs.aggregate(
        count=Count("pk"),
        open=Count("pk", filter=~Q(status__in=CLOSED_STATES)),
        shipments_count=Count("shipments"),
    )
    items = qs.annotate(shipment_count=Count("shipments")).order_by("-created_at", "-pk")[:limit]
    shipments = shipment_list(user=user).filter(order__account=record)
    return {
        **counts,
        "items": list(items),
        "shipments": list(shipments.order_by("-shipped_at", "-pk")[:limit]),
        "list_url": list_url("orders:list", record),
    }
