"""Hand-off timers of the service stage (see ltc/timers.py).

The generic timer measures wall-clock time to the first response (for "where work waits"
and the hand-off on-time rate); the SLA of feedback/clock.py is separate because its
targets depend on the priority and run in business hours with pauses.
"""

from django.db.models import F
from django.utils.translation import gettext_lazy as _

from ltc.timers import HandoffTimer
from roles.permissions import users_with_role

from .models import Ticket, TicketStatus


def _owners(ticket):
    if ticket.assignee_id:
        return [ticket.assignee]
    return list(users_with_role(ticket.assigned_role))


TICKET_FIRST_RESPONSE = HandoffTimer(
    name="ticket_first_response",
    label=_("first response to the ticket"),
    waiting=lambda: (
        Ticket.objects.filter(status=TicketStatus.OPEN, first_response_at__isnull=True)
        .select_related("assignee")
        .annotate(waiting_since=F("created_at"))
    ),
    owners=_owners,
    role="service",
    default_hours=4,
)
