"""Who may read the engine's reports (read by roles.policies)."""

from django.utils.translation import gettext_lazy as _

from roles.policies import Policy

POLICIES = (
    Policy(
        "ltc.handoffs",
        _("See where work waits at each hand-off"),
        roles=("manager",),
    ),
)
