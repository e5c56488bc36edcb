"""Who may act on contracts outside the state machine (read by roles.policies)."""

from django.utils.translation import gettext_lazy as _

from roles.policies import Policy


def _sees(user, contract) -> bool:
    from .selectors import contract_list

    return contract_list(user=user).filter(pk=contract.pk).exists()


POLICIES = (
    Policy(
        "contracts.edit",
        _("Edit a draft contract, its payment plan; start an amendment"),
        owner_roles=("sales", "sales_support"),
        owns=_sees,
        refusal=_("You may not edit this contract."),
    ),
    Policy(
        "contracts.attach",
        _("Attach files to a contract"),
        roles=("finance",),
        owner_roles=("sales", "sales_support"),
        owns=_sees,
        refusal=_("You may not attach files to this contract."),
    ),
)
