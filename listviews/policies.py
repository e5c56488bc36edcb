"""Who may share a saved list view with a team (read by roles.policies): a manager with any
team, anyone else only with a team they lead. Everyone may save views for themselves."""

from django.utils.translation import gettext_lazy as _

from roles.policies import Policy


def _leads(user, team) -> bool:
    return team.lead_id == user.pk


POLICIES = (
    Policy(
        "listviews.share",
        _("Share a list view with a team"),
        roles=("manager",),
        owner_roles=("marketing", "sales", "sales_support", "operations", "finance", "service"),
        owns=_leads,
        refusal=_("Only a manager or the team's lead shares a view with a team."),
    ),
)
