"""Home-page sections: tickets waiting on this user's role, and flagged accounts."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from roles.permissions import has_role, team_member_ids

from .models import AccountFlag, FeedbackItem, FeedbackStatus, Ticket, TicketStatus


def ticket_sections(user) -> list[dict]:
    if user.is_superuser:
        return []
    sections = []
    url = reverse("feedback:ticket-list")
    # A ticket is shown with its account (not its assignee).
    tickets = Ticket.objects.select_related("account")
    for role in ("service", "operations"):
        if has_role(user, role):
            mine = tickets.filter(assigned_role=role)
            sections += [
                {
                    "title": _("Open tickets to start")
                    if role == "service"
                    else _("After-sales tickets to start"),
                    "url": f"{url}?status=open&assigned_role={role}",
                    "items": mine.filter(status=TicketStatus.OPEN).order_by("created_at", "pk"),
                },
                {
                    "title": _("Tickets in progress")
                    if role == "service"
                    else _("After-sales tickets in progress"),
                    "url": f"{url}?status=in_progress&assigned_role={role}",
                    "items": mine.filter(status=TicketStatus.IN_PROGRESS).order_by(
                        "created_at", "pk"
                    ),
                },
            ]
    if has_role(user, "service"):
        sections.append(
            {
                "title": _("Resolved tickets to close"),
                "url": f"{url}?status=resolved",
                "items": tickets.filter(status=TicketStatus.RESOLVED).order_by("resolved_at", "pk"),
            }
        )
    return sections


def flag_sections(user) -> list[dict]:
    if user.is_superuser:
        return []
    url = reverse("feedback:flag-list")
    flags = AccountFlag.objects.filter(cleared_at__isnull=True).select_related("account")
    sections = []
    if has_role(user, "sales"):
        sections.append(
            {
                "title": _("My customers at risk"),
                "url": url,
                "items": flags.filter(account__owner_id__in=team_member_ids(user)).order_by(
                    "created_at", "pk"
                ),
            }
        )
    if has_role(user, "service"):
        sections.append(
            {
                "title": _("Account flags to clear"),
                "url": url,
                "items": flags.order_by("created_at", "pk"),
            }
        )
    return sections


def feedback_sections(user) -> list[dict]:
    if user.is_superuser:
        return []
    url = reverse("feedback:item-list")
    sections = []
    for role in ("marketing", "operations"):
        if has_role(user, role):
            sections.append(
                {
                    "title": _("New market feedback"),
                    "url": f"{url}?status=new",
                    "items": FeedbackItem.objects.filter(
                        routed_to=role, status=FeedbackStatus.NEW
                    ).order_by("created_at", "pk"),
                }
            )
    return sections
