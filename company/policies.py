"""Who may change the company's details (read by roles.policies)."""

from django.utils.translation import gettext_lazy as _

from roles.policies import Policy

POLICIES = (
    Policy(
        "company.settings",
        _("Edit the company details printed on documents"),
        roles=("manager",),
        refusal=_("Only a manager or an administrator edits the company details."),
    ),
)
