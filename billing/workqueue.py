"""Home-page sections for finance: drafts to issue, overdue invoices, unmatched bank lines."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from roles.permissions import has_role

from .models import BankLineStatus, BankStatementLine, Invoice, InvoiceStatus


def billing_sections(user) -> list[dict]:
    if user.is_superuser or not has_role(user, "finance"):
        return []
    invoices = Invoice.objects.select_related("account")
    return [
        {
            "title": _("Draft invoices to issue"),
            "url": reverse("billing:invoice-list") + "?status=draft",
            "items": invoices.filter(status=InvoiceStatus.DRAFT).order_by("created_at", "pk"),
        },
        {
            "title": _("Overdue invoices"),
            "url": reverse("billing:invoice-list") + "?status=overdue",
            "items": invoices.filter(status=InvoiceStatus.OVERDUE).order_by("due_date", "pk"),
        },
        {
            "title": _("Unmatched bank statement lines"),
            "url": reverse("billing:bank-review"),
            "items": BankStatementLine.objects.filter(
                status__in=[BankLineStatus.UNMATCHED, BankLineStatus.SUGGESTED]
            ).order_by("date", "pk"),
        },
    ]
