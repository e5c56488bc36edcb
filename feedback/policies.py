"""Who may act on tickets, flags and feedback outside the state machines (read by
roles.policies)."""

from django.utils.translation import gettext_lazy as _

from roles.policies import Policy


def _owns_account(user, survey) -> bool:
    return survey.account.owner_id == user.pk


POLICIES = (
    Policy(
        "feedback.ticket_create",
        _("Open a ticket"),
        roles=("service", "operations", "sales"),
        refusal=_("Only service, operations and sales open tickets."),
    ),
    Policy(
        "feedback.ticket_handle",
        _("Edit a ticket and reply to the customer"),
        roles=("service", "operations"),
        refusal=_("Only service and operations reply to customers."),
    ),
    Policy(
        "feedback.flag_clear",
        _("Clear an account flag"),
        roles=("service",),
        refusal=_("Only customer service clears an account flag."),
    ),
    Policy(
        "feedback.item_create",
        _("Capture market feedback"),
        roles=("sales", "service"),
        refusal=_("Sales and service capture market feedback."),
    ),
    Policy(
        "feedback.survey_send",
        _("Send a survey link again"),
        roles=("service", "manager"),
        owner_roles=("sales",),
        owns=_owns_account,
        refusal=_("Customer service, a manager or the account's owner sends survey links."),
    ),
)
