"""Who may act on opportunities and quotes outside the state machines (read by
roles.policies)."""

from django.utils.translation import gettext_lazy as _

from roles.policies import Policy


def _owns(user, opportunity) -> bool:
    return opportunity.owner_id == user.pk


def _assigned(user, opportunity) -> bool:
    from .selectors import opportunity_list

    return opportunity_list(user=user).filter(pk=opportunity.pk).exists()


POLICIES = (
    Policy(
        "opportunities.create",
        _("Open an opportunity"),
        roles=("sales",),
        refusal=_("Only sales create opportunities."),
    ),
    Policy(
        "opportunities.edit",
        _("Edit an opportunity"),
        owner_roles=("sales",),
        owns=_owns,
        refusal=_("You may not edit this opportunity."),
    ),
    Policy(
        "opportunities.assign_team",
        _("Assign the deal team"),
        roles=("manager",),
        owner_roles=("sales",),
        owns=_owns,
        refusal=_("Only the account owner or a manager assigns the team."),
    ),
    Policy(
        "opportunities.quote",
        _("Build and revise quotes"),
        owner_roles=("sales_support",),
        owns=_assigned,
        refusal=_("You may not edit quotes of this opportunity."),
    ),
    Policy(
        "opportunities.export",
        _("Export opportunities (CSV)"),
        roles=("sales", "sales_support", "operations", "manager"),
    ),
    Policy(
        "opportunities.lost_reasons",
        _("Maintain the lost reasons"),
        roles=("manager",),
        refusal=_("Only a manager maintains the lost reasons."),
    ),
    Policy(
        "opportunities.import",
        _("Import open opportunities from a spreadsheet"),
        roles=("sales",),
        refusal=_("Only sales import opportunities."),
    ),
)
