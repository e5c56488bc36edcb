"""Orders in any state, made the way the hand-off makes them (from a signed contract)."""

from __future__ import annotations

from django.db.models import F
from django.utils import timezone

from contracts.tests.factories import contract_in
from orders.models import Order
from orders.services import order_create_from_contract


def order_in(status: str = "pending", *, quantity="10", lines=2, **kwargs) -> Order:
    """An order from a signed contract with `lines` lines of `quantity` each, already in
    `status` (fixture shortcut)."""
    contract = contract_in("signed", quantity=quantity, lines=lines, **kwargs)
    order = order_create_from_contract(contract=contract, user=contract.owner)
    fields = {"status": status}
    if status != "pending":
        fields["confirmed_at"] = timezone.now()
    if status in ("in_fulfillment", "shipped", "delivered", "accepted"):
        fields["fulfillment_started_at"] = timezone.now()
    if status in ("shipped", "delivered", "accepted"):
        fields["shipped_at"] = timezone.now()
        order.lines.update(shipped_quantity=F("quantity"))
    if status in ("delivered", "accepted"):
        fields["delivered_on"] = timezone.localdate()
    if status == "accepted":
        fields["accepted_on"] = timezone.localdate()
    Order.objects.filter(pk=order.pk).update(**fields)
    order.refresh_from_db()
    return order
