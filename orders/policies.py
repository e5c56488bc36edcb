"""Who may act on orders outside the state machine (read by roles.policies)."""

from django.utils.translation import gettext_lazy as _

from roles.policies import Policy


def _sees(user, order) -> bool:
    from .selectors import order_list

    return order_list(user=user).filter(pk=order.pk).exists()


POLICIES = (
    Policy(
        "orders.edit",
        _("Change the promised delivery date and the custom fields"),
        owner_roles=("sales", "operations"),
        owns=_sees,
        refusal=_("You may not change this order."),
    ),
    Policy(
        "orders.ship",
        _("Record shipments"),
        roles=("operations",),
        refusal=_("Only operations record shipments."),
    ),
)
