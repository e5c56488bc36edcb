"""Who may change the business rules (read by roles.policies)."""

from django.utils.translation import gettext_lazy as _

from roles.policies import Policy

POLICIES = (
    Policy(
        "rules.edit",
        _("Edit the business rules"),
        roles=("manager",),
        refusal=_("Only a manager or an administrator changes the business rules."),
    ),
)
