from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from ltc.wiring import Contributes, Receiver, Service


class BillingConfig(AppConfig):
    name = "billing"
    verbose_name = _("Billing")
    contributes = Contributes(
        summaries={
            "customers.Account": (
                "billing.summary.INVOICES",
                "billing.summary.PAYMENTS",
            )
        },
        records={
            "billing.Invoice": "billing.selectors.invoice_list",
            "billing.Payment": "billing.selectors.payment_list",
            "billing.CreditNote": "billing.selectors.credit_note_list",
            "billing.BankStatementLine": "billing.selectors.bank_line_list",
        },
        panels={"contracts.Contract": ("billing/includes/milestone_billing.html",)},
        work_queue=("billing.workqueue.billing_sections",),
        timers=("billing.timers.INVOICE_ISSUE",),
        email_attachments={"billing.invoice_pdf": "billing.services.invoice_pdf_attachment"},
        services=(
            Service("billing.Invoice", "issue", "billing.services.invoice_issue"),
            Service("billing.Invoice", "void", "billing.services.invoice_void"),
            Service("billing.Payment", "reverse", "billing.services.payment_reverse"),
            Service("billing.Payment", "reconcile", "billing.services.payment_reconcile"),
        ),
        receivers=(
            Receiver(
                "contract_signed",
                "billing.receivers.on_contract_signed",
                calls="billing.services.invoices_for_signed_contract",
            ),
            Receiver(
                "order_delivered",
                "billing.receivers.on_order_delivered",
                calls="billing.services.invoices_for_delivered_order",
            ),
            Receiver(
                "order_accepted",
                "billing.receivers.on_order_accepted",
                calls="billing.services.invoices_for_accepted_order",
            ),
        ),
    )
