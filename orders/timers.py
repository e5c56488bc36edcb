"""Hand-off timers of the orders stage (see ltc/timers.py)."""

from django.conf import settings
from django.db.models import F
from django.utils.translation import gettext_lazy as _

from ltc.timers import HandoffTimer
from roles.permissions import users_with_role

from .models import Order, OrderStatus


def _operations_managers(_owners=None):
    """Users holding both the operations and the manager role; if none, every manager."""
    both = users_with_role("operations").filter(groups__name="manager")
    return both if both.exists() else users_with_role("manager")


# sales → operations: a confirmed order waits for fulfilment to start. Past
# LTC["ORDER_FULFILMENT_START_HOURS"] operations is reminded and the operations manager told.
ORDER_FULFILMENT = HandoffTimer(
    name="order_fulfilment",
    label=_("start fulfilment of the order"),
    waiting=lambda: (
        Order.objects.filter(status=OrderStatus.CONFIRMED, confirmed_at__isnull=False)
        .select_related("account")
        .annotate(waiting_since=F("confirmed_at"))
    ),
    owners=lambda order: list(
        users_with_role("operations").exclude(pk__in=_operations_managers().values("pk"))
    ),
    role="operations",
    default_hours=lambda: settings.LTC["ORDER_FULFILMENT_START_HOURS"],
    escalate_to=_operations_managers,
    escalate_factor=1,
)
