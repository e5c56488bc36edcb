"""Who may maintain customer data (read by roles.policies)."""

from django.utils.translation import gettext_lazy as _

from roles.permissions import team_member_ids
from roles.policies import Policy


def _team_owns(user, account) -> bool:
    return account.owner_id in team_member_ids(user)


POLICIES = (
    Policy(
        "customers.edit",
        _("Create and edit accounts and contacts"),
        roles=("marketing",),
        owner_roles=("sales",),
        owns=_team_owns,
        refusal=_("You may not change this account."),
    ),
    Policy(
        "customers.assign",
        _("Give accounts to another salesperson"),
        roles=("manager",),
        refusal=_("Only a manager gives accounts to another salesperson."),
    ),
    Policy(
        "customers.merge",
        _("Merge two accounts or two contacts"),
        roles=("manager",),
        refusal=_("Only a manager merges records."),
    ),
    Policy(
        "customers.import",
        _("Import accounts and contacts from a spreadsheet"),
        roles=("marketing",),
        owner_roles=("sales",),
        owns=_team_owns,
        refusal=_("Only marketing and sales import accounts and contacts."),
    ),
)
