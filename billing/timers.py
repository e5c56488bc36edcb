"""Hand-off timers of the billing stage (see ltc/timers.py)."""

from django.db.models import F
from django.utils.translation import gettext_lazy as _

from ltc.timers import HandoffTimer
from roles.permissions import users_with_role

from .models import Invoice, InvoiceStatus

# operations / sales → finance: a milestone's trigger drafted an invoice; finance issues it.
INVOICE_ISSUE = HandoffTimer(
    name="invoice_issue",
    label=_("issue the invoice of a payment milestone"),
    waiting=lambda: Invoice.objects.filter(
        status=InvoiceStatus.DRAFT, milestone__isnull=False
    ).annotate(waiting_since=F("created_at")),
    owners=lambda invoice: list(users_with_role("finance")),
    role="finance",
    default_hours=24,
)
