from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BillingConfig(AppConfig):
    name = "billing"
    verbose_name = _("Billing")

    def ready(self):
        from contracts.receivers import on_invoice_paid
        from ltc import panels, records, timers, workqueue
        from ltc.handoffs import contract_signed, invoice_paid, order_delivered
        from notifications.outbox import register_attachment

        from . import services  # noqa: F401 - registers the transition services
        from .models import BankStatementLine, CreditNote, Invoice, Payment
        from .receivers import on_contract_signed, on_order_delivered
        from .selectors import bank_line_list, credit_note_list, invoice_list, payment_list
        from .timers import INVOICE_ISSUE
        from .workqueue import billing_sections

        register_attachment("billing.invoice_pdf", services.invoice_pdf_attachment)
        panels.register("contracts.contract", "billing/includes/milestone_billing.html")
        timers.register(INVOICE_ISSUE)
        records.register(Invoice, invoice_list)
        records.register(Payment, payment_list)
        records.register(CreditNote, credit_note_list)
        records.register(BankStatementLine, bank_line_list)
        workqueue.register(billing_sections)
        contract_signed.connect(on_contract_signed, dispatch_uid="billing.contract_signed")
        order_delivered.connect(on_order_delivered, dispatch_uid="billing.order_delivered")
        # The contracts app completes the contract; its receiver is connected here until the
        # contracts app connects it itself (same dispatch_uid, so never twice).
        invoice_paid.connect(on_invoice_paid, dispatch_uid="contracts.invoice_paid")
