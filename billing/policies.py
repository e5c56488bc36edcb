"""Who may write financial records (read by roles.policies). Who sees amounts is
billing.selectors.sees_money."""

from django.utils.translation import gettext_lazy as _

from roles.policies import Policy

POLICIES = (
    Policy(
        "billing.invoice",
        _("Create, edit and delete draft invoices"),
        roles=("finance",),
        refusal=_("Only finance edits invoices."),
    ),
    Policy(
        "billing.credit_note",
        _("Issue credit notes"),
        roles=("finance",),
        refusal=_("Only finance issues credit notes."),
    ),
    Policy(
        "billing.payment",
        _("Record and allocate payments"),
        roles=("finance",),
        refusal=_("Only finance records payments."),
    ),
    Policy(
        "billing.reconcile",
        _("Import bank statements and reconcile them"),
        roles=("finance",),
        refusal=_("Only finance reconciles bank lines."),
    ),
    Policy(
        "billing.import_opening",
        _("Import opening receivables (open invoices) from a spreadsheet"),
        roles=("finance",),
        refusal=_("Only finance imports opening receivables."),
    ),
)
