"""Who may define custom fields (read by roles.policies)."""

from django.utils.translation import gettext_lazy as _

from roles.policies import Policy

POLICIES = (
    Policy(
        "customfields.manage",
        _("Define custom fields"),
        roles=("manager",),
        refusal=_("Only a manager or an administrator defines custom fields."),
    ),
)
