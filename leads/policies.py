"""Who may act on leads outside the state machine (read by roles.policies)."""

from django.utils.translation import gettext_lazy as _

from roles.policies import Policy


def _owns(user, lead) -> bool:
    return lead.owner_id == user.pk


POLICIES = (
    Policy(
        "leads.create",
        _("Capture a lead"),
        roles=("marketing", "sales"),
        refusal=_("Only marketing and sales capture leads."),
    ),
    Policy(
        "leads.edit",
        _("Edit a lead"),
        roles=("marketing",),
        owner_roles=("sales",),
        owns=_owns,
        refusal=_("You may not edit this lead."),
    ),
    Policy(
        "leads.assign",
        _("Assign leads to salespeople"),
        roles=("marketing", "manager"),
        refusal=_("Only marketing or a manager assigns leads."),
    ),
    Policy(
        "leads.import",
        _("Import leads from a spreadsheet"),
        roles=("marketing", "sales"),
        refusal=_("Only marketing and sales import leads."),
    ),
)
