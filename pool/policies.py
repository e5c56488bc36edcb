"""Who may take records from the public pool (read by roles.policies)."""

from django.utils.translation import gettext_lazy as _

from roles.policies import Policy

POLICIES = (
    Policy(
        "pool.claim",
        _("Claim a record from the pool"),
        roles=("sales",),
        refusal=_("Only salespeople claim from the pool."),
    ),
)
