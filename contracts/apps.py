from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from ltc.wiring import Contributes, Receiver, Service


class ContractsConfig(AppConfig):
    name = "contracts"
    verbose_name = _("Contracts")
    contributes = Contributes(
        summaries={"customers.Account": ("contracts.summary.CONTRACTS",)},
        records={"contracts.Contract": "contracts.selectors.contract_list"},
        work_queue=("contracts.workqueue.contract_sections",),
        timers=("contracts.timers.CONTRACT_REVIEW",),
        services=(
            Service(
                "contracts.Contract",
                "submit_for_review",
                "contracts.services.contract_submit_for_review",
            ),
            Service("contracts.Contract", "approve", "contracts.services.contract_approve"),
            Service(
                "contracts.Contract",
                "manager_sign_off",
                "contracts.services.contract_manager_sign_off",
            ),
            Service("contracts.Contract", "reject", "contracts.services.contract_reject"),
            Service(
                "contracts.Contract",
                "sign",
                "contracts.services.contract_sign",
                sends=("contract_signed",),
            ),
        ),
        receivers=(
            Receiver(
                "opportunity_won",
                "contracts.receivers.on_opportunity_won",
                calls="contracts.services.contract_create_from_quote",
            ),
        ),
    )
