"""Who may configure outbound delivery (read by roles.policies)."""

from django.utils.translation import gettext_lazy as _

from roles.models import Role
from roles.policies import Policy


def _leads_team(user, team) -> bool:
    return team.lead_id == user.pk


POLICIES = (
    Policy(
        "notifications.bots",
        _("Configure a team's group-chat bots"),
        roles=("manager",),
        # any role, as the lead of that team
        owner_roles=tuple(r for r in Role.values if r != "manager"),
        owns=_leads_team,
        refusal=_("Only the team lead or a manager configures its bots."),
    ),
    Policy(
        "notifications.integrations",
        _("Set up outbound webhooks for other systems"),
        roles=("manager",),
        refusal=_("Only a manager sets up integrations."),
    ),
)
