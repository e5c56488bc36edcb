"""Role-aware reads of orders and shipments (DESIGN.md, record visibility).

sales: orders they own (or their team's, as team lead) or were granted (guardian);
operations, service (read-only) and the manager: all. Shipments follow their order.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Exists, OuterRef, Q, QuerySet

from roles.permissions import has_role, team_member_ids

from .models import Order, OrderStatus, OrderUserObjectPermission, Shipment

if TYPE_CHECKING:
    from django.contrib.auth.models import User

SEE_ALL = ("manager", "operations", "service")


def order_visibility(user: User) -> Q | None:
    if not user.is_authenticated:
        return Q(pk__in=[])
    if user.is_superuser or has_role(user, *SEE_ALL):
        return None
    rule = Q(pk__in=[])
    if has_role(user, "sales"):
        granted = OrderUserObjectPermission.objects.filter(
            content_object=OuterRef("pk"), user=user, permission__codename="view_order"
        )
        rule |= Q(owner_id__in=team_member_ids(user)) | Q(Exists(granted))
    return rule


def order_list(*, user: User) -> QuerySet[Order]:
    qs = Order.objects.select_related("account", "owner", "contract")
    rule = order_visibility(user)
    return qs if rule is None else qs.filter(rule)


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
