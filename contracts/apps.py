from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContractsConfig(AppConfig):
    name = "contracts"
    verbose_name = _("Contracts")

    def ready(self):
        from ltc import records, timers, workqueue
        from ltc.handoffs import invoice_paid, opportunity_won

        from . import services  # noqa: F401 - registers the transition services
        from .models import Contract
        from .receivers import on_invoice_paid, on_opportunity_won
        from .selectors import contract_list
        from .timers import CONTRACT_REVIEW
        from .workqueue import contract_sections

        timers.register(CONTRACT_REVIEW)
        records.register(Contract, contract_list)
        workqueue.register(contract_sections)
        opportunity_won.connect(on_opportunity_won, dispatch_uid="contracts.opportunity_won")
        # Complete a contract when billing reports its last invoice paid (the receiver was
        # written with the billing stage; same dispatch_uid as billing's, so connected once).
        invoice_paid.connect(on_invoice_paid, dispatch_uid="contracts.invoice_paid")
