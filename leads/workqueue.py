from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from ltc.workqueue import first_by
from roles.permissions import has_role

from .models import Lead, LeadStatus


def lead_sections(user) -> list[dict]:
    sections = []
    url = reverse("leads:list")
    if has_role(user, "sales") and not user.is_superuser:
        mine = Lead.objects.filter(owner=user).select_related("owner").order_by("created_at", "pk")
        by_status = first_by(
            mine, "status", [LeadStatus.NEW, LeadStatus.WORKING, LeadStatus.QUALIFIED]
        )
        sections += [
            {
                "title": _("New leads to start"),
                "url": f"{url}?status=new",
                "items": by_status[LeadStatus.NEW],
            },
            {
                "title": _("Leads to qualify"),
                "url": f"{url}?status=working",
                "items": by_status[LeadStatus.WORKING],
            },
            {
                "title": _("Qualified leads to convert"),
                "url": f"{url}?status=qualified",
                "items": by_status[LeadStatus.QUALIFIED],
            },
        ]
    if has_role(user, "marketing", "manager"):
        sections.append(
            {
                "title": _("Unassigned new leads"),
                "url": f"{url}?status=new",
                "items": Lead.objects.filter(owner__isnull=True, status=LeadStatus.NEW).order_by(
                    "created_at", "pk"
                ),
            }
        )
    if has_role(user, "marketing"):
        sections.append(
            {
                "title": _("Leads in nurturing"),
                "url": f"{url}?status=nurturing",
                "items": Lead.objects.filter(status=LeadStatus.NURTURING)
                .select_related("owner")
                .order_by("created_at", "pk"),
            }
        )
    if has_role(user, "manager"):
        sections.append(
            {
                "title": _("Disqualified leads (may reopen)"),
                "url": f"{url}?status=disqualified",
                "items": Lead.objects.filter(status=LeadStatus.DISQUALIFIED)
                .select_related("owner")
                .order_by("-updated_at", "pk"),
            }
        )
    return sections
