"""Hand-off timers of the leads stage (see ltc/timers.py)."""

from django.db.models import F
from django.utils.translation import gettext_lazy as _

from ltc.timers import HandoffTimer
from roles.permissions import users_with_role

from .models import Lead, LeadStatus

LEAD_ASSIGNMENT = HandoffTimer(
    name="lead_assignment",
    label=_("assign the new lead"),
    waiting=lambda: Lead.objects.filter(status=LeadStatus.NEW, owner__isnull=True).annotate(
        waiting_since=F("created_at")
    ),
    owners=lambda lead: list(users_with_role("marketing")),
    role="marketing",
    default_hours=4,
)

LEAD_FIRST_TOUCH = HandoffTimer(
    name="lead_first_touch",
    label=_("first contact with the lead"),
    waiting=lambda: (
        Lead.objects.filter(status=LeadStatus.NEW, owner__isnull=False, assigned_at__isnull=False)
        .select_related("owner")
        .annotate(waiting_since=F("assigned_at"))
    ),
    owners=lambda lead: [lead.owner],
    role="sales",
    default_hours=24,
)
