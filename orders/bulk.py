"""Bulk actions on the orders list: run a transition (each record checked as a single one),
tag (sales and operations, on the orders they see), export the selection."""

from django.utils.translation import gettext_lazy as _

from ltc.bulk import BulkList, register
from roles.policies import can

from .selectors import order_list

ORDERS = register(
    BulkList(
        name="orders",
        label=_("Orders"),
        queryset=lambda user: order_list(user=user),
        export="orders",
        tag_allowed=lambda user, order: can(user, "orders.edit", order),
    )
)
