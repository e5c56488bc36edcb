import logging

from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMessage
from django.utils.translation import gettext as _

from . import dunning, services

log = logging.getLogger(__name__)


@shared_task
def email_invoice(invoice_id: int):
    """Mail the issued invoice's PDF to the address recorded at issue."""
    from .models import Invoice
    from .pdf import invoice_pdf

    invoice = Invoice.objects.select_related("account").get(pk=invoice_id)
    if not invoice.emailed_to:
        return 0
    message = EmailMessage(
        subject=_("Invoice %(number)s from %(company)s")
        % {"number": invoice.number, "company": settings.LTC.get("COMPANY_NAME", "LTC CRM")},
        body=_(
            "Dear customer,\n\nplease find attached invoice %(number)s over %(total)s "
            "%(currency)s, "
            "due on %(due)s.\n"
        )
        % {
            "number": invoice.number,
            "total": invoice.total,
            "currency": invoice.currency,
            "due": invoice.due_date,
        },
        to=[invoice.emailed_to],
    )
    message.attach(f"{invoice.number}.pdf", invoice_pdf(invoice), "application/pdf")
    message.send()
    return 1


@shared_task
def billing_daily():
    """Draft the dated milestones, mark overdue invoices, send the dunning reminders. Runs
    twice, sends once."""
    drafted = services.draft_dated_milestones()
    overdue = dunning.mark_overdue()
    sent = dunning.send_dunning()
    return {"drafted": drafted, "overdue": overdue, "dunning": sent}
