"""Writes on orders and shipments: one function per business operation, each one
transaction. `deliver` is declared in OrdersConfig.contributes so every caller sends the
order_delivered hand-off."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from catalog.models import Product
from customfields.services import apply_values
from ltc.faults import fault_point
from ltc.handoffs import order_accepted, order_delivered
from ltc.records import require_visible
from ltc.transitions import perform_transition
from notifications.messages import Message
from notifications.services import notify
from roles.policies import require

from .models import Order, OrderLine, OrderStatus, Shipment, ShipmentLine

if TYPE_CHECKING:
    from django.contrib.auth.models import User


# --- the hand-off from contracts ---------------------------------------------------------------
@transaction.atomic
def order_create_from_contract(*, contract, user: User) -> Order | None:
    """The sign → order hand-off (receiver of ltc.handoffs.contract_signed), inside the sign
    transaction: one pending order with the contract's lines. Once per contract; a signed
    amendment of a contract that already has an order does not create a second one (the
    order stays with the version it was made from)."""
    if Order.objects.filter(
        contract__number=contract.number, contract__account=contract.account_id
    ).exists():
        return None
    order = Order.objects.create(
        contract=contract,
        account_id=contract.account_id,
        owner_id=contract.owner_id,
        currency=contract.currency,
        total=contract.total,
    )
    order.number = f"SO-{order.created_at:%Y}-{order.pk:06d}"
    Order.objects.filter(pk=order.pk).update(number=order.number)
    OrderLine.objects.bulk_create(
        [
            OrderLine(
                order=order,
                position=line.position,
                contract_line=line,
                product_id=line.product_id,
                description=line.description,
                unit=line.unit,
                quantity=line.quantity,
                unit_price=line.unit_price,
                total=line.total,
            )
            for line in contract.lines.all()
        ]
    )
    notify(
        recipient=contract.owner,
        key=f"order-created:{order.pk}",
        title=Message(
            gettext_noop("Order %(order)s was created from contract %(contract)s: confirm it"),
            order=order,
            contract=contract,
        ),
        url=order.get_absolute_url(),
    )
    return order


_UNCHANGED: Any = object()


@transaction.atomic
def order_update(
    *,
    order: Order,
    user: User,
    promised_delivery_date: datetime.date | None = _UNCHANGED,
    custom: dict | None = None,
) -> Order:
    """The promised delivery date (until delivery) and the custom fields (until the order is
    accepted or cancelled), by the owner (sales) or operations. What is not given stays."""
    require(user, "orders.edit", order)
    locked = Order.objects.select_for_update().get(pk=order.pk)
    if (
        promised_delivery_date is not _UNCHANGED
        and promised_delivery_date != locked.promised_delivery_date
    ):
        if not locked.date_editable:
            raise ValidationError(_("A delivered or cancelled order is read-only."))
        locked.promised_delivery_date = promised_delivery_date
    if custom is not None:
        if not locked.custom_editable:
            raise ValidationError(
                _("The custom fields of an accepted or cancelled order stay as they are.")
            )
        apply_values(locked, custom, user=user)
    locked.save(update_fields=["promised_delivery_date", "custom", "updated_at"])
    return locked


# --- shipments ---------------------------------------------------------------------------------
def _check_carrier(*, goods: bool, carrier: str, tracking_number: str) -> None:
    """Goods travel with a carrier and a tracking number; services are delivered without."""
    if not goods:
        return
    errors: dict[str, list[str]] = {}
    if not (carrier or "").strip():
        errors["carrier"] = [_("The carrier is required for goods.")]
    if not (tracking_number or "").strip():
        errors["tracking_number"] = [_("The tracking number is required for goods.")]
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def shipment_create(
    *,
    order: Order,
    user: User,
    carrier: str,
    tracking_number: str,
    lines: list[dict],
    shipped_at: datetime.datetime | None = None,
    notes: str = "",
) -> Shipment:
    """Record a (partial) shipment: lines of {order_line, quantity}. The order's lines are
    locked (select_for_update) before their shipped quantities are read, so two shipments
    recorded at once cannot together ship more than was ordered; the database check
    constraint (shipped ≤ ordered) is the last guard."""
    require(user, "orders.ship")
    require_visible(user, order=order)
    if not lines:
        raise ValidationError({"lines": [_("Add at least one line to the shipment.")]})
    locked_order = Order.objects.select_for_update().get(pk=order.pk)
    if locked_order.status != OrderStatus.IN_FULFILLMENT:
        raise ValidationError(
            _("Shipments are recorded while the order is in fulfilment (it is %(status)s).")
            % {"status": locked_order.get_status_display()}
        )
    order_lines = {
        line.pk: line
        for line in OrderLine.objects.select_for_update().filter(order=locked_order).order_by("pk")
    }
    wanted: dict[int, Decimal] = {}
    line_errors = []
    for entry in lines:
        line = entry.get("order_line")
        line_id = getattr(line, "pk", line)
        quantity = Decimal(str(entry.get("quantity") or 0))
        if line_id not in order_lines:
            line_errors.append(_("Line %(line)s is not a line of this order.") % {"line": line_id})
            continue
        if quantity <= 0:
            line_errors.append(
                _("%(line)s: the quantity must be above zero.") % {"line": order_lines[line_id]}
            )
            continue
        wanted[line_id] = wanted.get(line_id, Decimal("0")) + quantity
    for line_id, quantity in wanted.items():
        line = order_lines[line_id]
        if quantity > line.remaining:
            line_errors.append(
                _(
                    "%(line)s: %(quantity)s is more than the %(remaining)s left to ship "
                    "(ordered %(ordered)s, shipped %(shipped)s)."
                )
                % {
                    "line": line,
                    "quantity": _qty(quantity),
                    "remaining": _qty(line.remaining),
                    "ordered": _qty(line.quantity),
                    "shipped": _qty(line.shipped_quantity),
                }
            )
    if line_errors:
        raise ValidationError({"lines": line_errors})
    _check_carrier(
        goods=Product.objects.filter(
            pk__in=[order_lines[pk].product_id for pk in wanted], is_goods=True
        ).exists(),
        carrier=carrier,
        tracking_number=tracking_number,
    )
    shipment = Shipment(
        order=locked_order,
        carrier=(carrier or "").strip(),
        tracking_number=(tracking_number or "").strip(),
        shipped_at=shipped_at or timezone.now(),
        notes=notes or "",
        created_by=user,
    )
    shipment.full_clean()
    shipment.save()
    fault_point("shipment")
    ShipmentLine.objects.bulk_create(
        [
            ShipmentLine(shipment=shipment, order_line_id=line_id, quantity=quantity)
            for line_id, quantity in wanted.items()
        ]
    )
    for line_id, quantity in wanted.items():
        line = order_lines[line_id]
        line.shipped_quantity += quantity
    OrderLine.objects.bulk_update([order_lines[i] for i in wanted], ["shipped_quantity"])
    return shipment


def _qty(value: Decimal) -> str:
    """A quantity as people write it: 10, 2.5 (never 1E+1)."""
    return f"{value.normalize():f}"


# --- transitions -------------------------------------------------------------------------------
def order_deliver(*, obj: Order, user: User, data=None) -> Order:
    """shipped → delivered with the delivery date; sends order_delivered (billing drafts the
    on-delivery invoices, feedback sends the NPS survey) in the same transaction."""

    def hand_off(order: Order, fields):
        order_delivered.send(sender=Order, instance=order, user=user)

    return perform_transition(obj=obj, name="deliver", user=user, data=data, effect=hand_off)


def order_accept(*, obj: Order, user: User, data=None) -> Order:
    """delivered → accepted (the customer's acceptance, 验收) with its date and optional
    document; sends order_accepted (billing drafts the on-acceptance invoices) in the same
    transaction, so the invoices commit or roll back with the acceptance."""

    def hand_off(order: Order, fields):
        order_accepted.send(sender=Order, instance=order, user=user)

    return perform_transition(obj=obj, name="accept", user=user, data=data, effect=hand_off)
