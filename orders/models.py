"""Stage 3b: Order (+ lines), fulfilment, Shipment (+ lines) and delivery (DESIGN.md)."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, transition
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from customfields.models import CustomValuesMixin
from ltc.audit import audit_history
from ltc.bases import TimeStamped
from ltc.money import CurrencyField, MoneyField
from ltc.transitions import StateMachineModel
from roles.models import Role
from roles.permissions import RolePermission, has_role

FORMS = "orders.forms"
QTY = {"max_digits": 12, "decimal_places": 3}


class OrderStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    CONFIRMED = "confirmed", _("Confirmed")
    IN_FULFILLMENT = "in_fulfillment", _("In fulfilment")
    SHIPPED = "shipped", _("Shipped")
    DELIVERED = "delivered", _("Delivered")
    ACCEPTED = "accepted", _("Accepted")
    CANCELLED = "cancelled", _("Cancelled")


O = OrderStatus  # noqa: E741


class StateRolePermission(RolePermission):
    """A `permission=` whose roles depend on the record's current state (one transition name,
    e.g. cancel: sales from pending or confirmed, the manager from in_fulfillment).

    `roles` is every role of any state, so the role matrix shows each of them; from a state
    outside the map, the holders of any of those roles pass the role check (the state check
    then refuses with 409)."""

    def __init__(self, by_state: dict[str, tuple[str, ...]], state_field: str = "status"):
        roles: list[str] = []
        for state_roles in by_state.values():
            roles += [r for r in state_roles if r not in roles]
        super().__init__(*roles)
        self.by_state = {str(k): tuple(v) for k, v in by_state.items()}
        self.state_field = state_field

    def __call__(self, instance, user) -> bool:
        if user is None or not user.is_authenticated or not user.is_active:
            return False
        if user.is_superuser:
            return True
        state = getattr(instance, self.state_field, None)
        return has_role(user, *self.by_state.get(state, self.roles))

    def describe(self) -> str:
        labels = dict(Role.choices)
        parts = []
        for state, roles in self.by_state.items():
            names = ", ".join(str(labels.get(r, r)) for r in roles)
            parts.append(f"{names} ({state})")
        return "; ".join(parts)


class Order(StateMachineModel, TimeStamped, CustomValuesMixin):
    number = models.CharField(_("number"), max_length=30, blank=True, db_index=True)
    contract = models.ForeignKey(
        "contracts.Contract",
        verbose_name=_("contract"),
        on_delete=models.PROTECT,
        related_name="orders",
    )
    account = models.ForeignKey(
        "customers.Account", verbose_name=_("account"), on_delete=models.PROTECT, related_name="+"
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account owner"),
        on_delete=models.PROTECT,
        related_name="orders",
    )
    status = FSMField(
        _("status"), default=O.PENDING, choices=O.choices, protected=True, db_index=True
    )
    currency = CurrencyField()
    total = MoneyField(_("total"), default=Decimal("0"))
    promised_delivery_date = models.DateField(_("promised delivery date"), null=True, blank=True)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    fulfillment_started_at = models.DateTimeField(_("fulfilment started"), null=True, blank=True)
    shipped_at = models.DateTimeField(_("shipped"), null=True, blank=True)
    delivered_on = models.DateField(_("delivered on"), null=True, blank=True)
    proof_of_delivery = models.CharField(_("proof of delivery"), max_length=300, blank=True)
    accepted_on = models.DateField(_("accepted on"), null=True, blank=True)
    acceptance_document = models.FileField(
        _("acceptance document"), upload_to="orders/acceptance/%Y/%m/", blank=True
    )
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    cancel_reason = models.TextField(_("cancellation reason"), blank=True)

    history = audit_history()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("order")
        verbose_name_plural = _("orders")
        indexes = [
            models.Index(fields=["status", "confirmed_at"], name="order_status_confirmed_idx"),
            models.Index(fields=["owner", "status"], name="order_owner_idx"),
        ]

    # What __str__ reads: a page showing only the record's name loads only these.
    label_fields = ("number",)

    def __str__(self):
        return self.number or f"SO-{self.pk}"

    def get_absolute_url(self):
        return reverse("orders:detail", args=[self.pk])

    @property
    def date_editable(self) -> bool:
        """The promised delivery date changes until the order is delivered or cancelled."""
        return self.status not in (O.DELIVERED, O.ACCEPTED, O.CANCELLED)

    @property
    def custom_editable(self) -> bool:
        """Its custom fields are annotated until the order is financially final: accepted
        (the acceptance drafts the invoices) or cancelled."""
        return self.status not in (O.ACCEPTED, O.CANCELLED)

    def uncovered_lines(self) -> list:
        return [line for line in self.lines.all() if line.shipped_quantity < line.quantity]

    # --- transitions (DESIGN.md, Order) --------------------------------------------------------
    @transition(
        field=status,
        source=O.PENDING,
        target=O.CONFIRMED,
        permission=RolePermission("sales"),
        custom={"label": _("Confirm"), "form": f"{FORMS}.ConfirmForm"},
    )
    def confirm(self, *, by=None, promised_delivery_date=None):
        if promised_delivery_date is not None:
            self.promised_delivery_date = promised_delivery_date
        self.confirmed_at = timezone.now()

    @transition(
        field=status,
        source=O.CONFIRMED,
        target=O.IN_FULFILLMENT,
        permission=RolePermission("operations"),
        custom={"label": _("Start fulfilment")},
    )
    def start_fulfillment(self, *, by=None):
        self.fulfillment_started_at = timezone.now()

    @transition(
        field=status,
        source=O.IN_FULFILLMENT,
        target=O.SHIPPED,
        permission=RolePermission("operations"),
        custom={"label": _("Ship")},
    )
    def ship(self, *, by=None):
        if not self.lines.exists():
            raise ValidationError({"lines": _("The order has no lines.")})
        missing = self.uncovered_lines()
        if missing:
            raise ValidationError(
                {
                    "shipments": _("Not every line is fully shipped yet: %(lines)s")
                    % {
                        "lines": "; ".join(
                            f"{line} ({line.shipped_quantity}/{line.quantity})" for line in missing
                        )
                    }
                }
            )
        self.shipped_at = timezone.now()

    @transition(
        field=status,
        source=O.SHIPPED,
        target=O.DELIVERED,
        permission=RolePermission("operations"),
        custom={"label": _("Deliver"), "form": f"{FORMS}.DeliverForm"},
    )
    def deliver(self, *, by=None, delivered_on=None, proof_of_delivery=""):
        if delivered_on is None:
            raise ValidationError({"delivered_on": _("The delivery date is required.")})
        if delivered_on > timezone.localdate():
            raise ValidationError({"delivered_on": _("The delivery date cannot be in the future.")})
        if self.shipped_at and delivered_on < timezone.localtime(self.shipped_at).date():
            raise ValidationError({"delivered_on": _("The order was delivered before it shipped.")})
        self.delivered_on = delivered_on
        self.proof_of_delivery = proof_of_delivery or ""

    @transition(
        field=status,
        source=O.DELIVERED,
        target=O.ACCEPTED,
        permission=RolePermission("sales", "service"),
        custom={"label": _("Customer acceptance"), "form": f"{FORMS}.AcceptForm"},
    )
    def accept(self, *, by=None, accepted_on=None, document=None):
        """The customer's acceptance (验收): its date, and the signed acceptance document if
        there is one. orders.services.order_accept sends the hand-off that drafts the
        invoices of the on-acceptance milestones."""
        if accepted_on is None:
            raise ValidationError({"accepted_on": _("The acceptance date is required.")})
        if accepted_on > timezone.localdate():
            raise ValidationError(
                {"accepted_on": _("The acceptance date cannot be in the future.")}
            )
        if self.delivered_on and accepted_on < self.delivered_on:
            raise ValidationError(
                {"accepted_on": _("The customer cannot accept before the delivery.")}
            )
        self.accepted_on = accepted_on
        if document:
            self.acceptance_document = document

    @transition(
        field=status,
        source=[O.PENDING, O.CONFIRMED, O.IN_FULFILLMENT],
        target=O.CANCELLED,
        permission=StateRolePermission(
            {
                O.PENDING: ("sales",),
                O.CONFIRMED: ("sales",),
                O.IN_FULFILLMENT: ("manager",),
            }
        ),
        custom={"label": _("Cancel"), "form": "ltc.forms.ReasonForm"},
    )
    def cancel(self, *, by=None, reason=""):
        if not (reason or "").strip():
            raise ValidationError({"reason": _("A reason is required.")})
        self.cancel_reason = reason
        self.cancelled_at = timezone.now()


class OrderUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Order, on_delete=models.CASCADE)


class OrderGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Order, on_delete=models.CASCADE)


class OrderLine(models.Model):
    order = models.ForeignKey(
        Order, verbose_name=_("order"), on_delete=models.CASCADE, related_name="lines"
    )
    position = models.PositiveIntegerField(_("position"), default=0)
    contract_line = models.ForeignKey(
        "contracts.ContractLine",
        verbose_name=_("contract line"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    product = models.ForeignKey(
        "catalog.Product", verbose_name=_("product"), on_delete=models.PROTECT, related_name="+"
    )
    description = models.CharField(_("description"), max_length=300, blank=True)
    unit = models.CharField(_("unit"), max_length=20, default="pcs")
    quantity = models.DecimalField(
        _("quantity"), validators=[MinValueValidator(Decimal("0.001"))], **QTY
    )
    unit_price = MoneyField(_("unit price"))
    total = MoneyField(_("line total"), default=Decimal("0"))
    # Kept by orders.services.shipment_create under a row lock; never above `quantity`.
    shipped_quantity = models.DecimalField(_("shipped"), default=Decimal("0"), **QTY)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("order line")
        verbose_name_plural = _("order lines")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(quantity__gt=0), name="orderline_quantity_positive"
            ),
            models.CheckConstraint(
                condition=models.Q(shipped_quantity__gte=0)
                & models.Q(shipped_quantity__lte=models.F("quantity")),
                name="orderline_shipped_within_quantity",
            ),
        ]

    def __str__(self):
        return self.description or str(self.product_id)

    @property
    def remaining(self) -> Decimal:
        return self.quantity - self.shipped_quantity


class Shipment(models.Model):
    order = models.ForeignKey(
        Order, verbose_name=_("order"), on_delete=models.PROTECT, related_name="shipments"
    )
    # Required when the shipment carries goods (catalog.Product.is_goods); a shipment of
    # services only (implementation days, licences) has neither.
    carrier = models.CharField(_("carrier"), max_length=100, blank=True)
    tracking_number = models.CharField(_("tracking number"), max_length=100, blank=True)
    shipped_at = models.DateTimeField(_("shipped at"), default=timezone.now)
    notes = models.TextField(_("notes"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("recorded"), default=timezone.now)

    class Meta:
        ordering = ["shipped_at", "pk"]
        verbose_name = _("shipment")
        verbose_name_plural = _("shipments")

    def __str__(self):
        return f"{self.carrier} {self.tracking_number}"

    def get_absolute_url(self):
        return reverse("orders:detail", args=[self.order_id]) + f"#shipment-{self.pk}"


class ShipmentLine(models.Model):
    shipment = models.ForeignKey(
        Shipment, verbose_name=_("shipment"), on_delete=models.CASCADE, related_name="lines"
    )
    order_line = models.ForeignKey(
        OrderLine,
        verbose_name=_("order line"),
        on_delete=models.PROTECT,
        related_name="shipment_lines",
    )
    quantity = models.DecimalField(
        _("quantity"), validators=[MinValueValidator(Decimal("0.001"))], **QTY
    )

    class Meta:
        ordering = ["pk"]
        verbose_name = _("shipment line")
        verbose_name_plural = _("shipment lines")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(quantity__gt=0), name="shipmentline_quantity_positive"
            ),
            models.UniqueConstraint(
                fields=["shipment", "order_line"], name="shipmentline_once_per_line"
            ),
        ]

    def __str__(self):
        return f"{self.order_line} × {self.quantity}"
