"""The SLA clock of tickets: targets per priority (business rules), business time from feedback.sla,
paused while waiting on the customer or resolved (read from the transition log)."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from ltc.models import TransitionLog
from rules import accessors as rule_values

from .models import CLOCK_RUNNING, Ticket, TicketStatus
from .sla import Calendar, active_intervals, add_business_time, business_time_in

FIRST_RESPONSE = "first_response"
RESOLUTION = "resolution"
TARGETS = (FIRST_RESPONSE, RESOLUTION)


def target_for(priority: str, target: str) -> datetime.timedelta | None:
    hours = rule_values.sla_hours(priority, target)
    if hours is None:
        return None
    return datetime.timedelta(hours=float(hours))


def changes_by_ticket(ticket_ids) -> dict[int, list[tuple[datetime.datetime, str]]]:
    """(at, new state) of each ticket, in order, in one query."""
    rows = (
        TransitionLog.objects.filter(
            content_type=ContentType.objects.get_for_model(Ticket), object_id__in=list(ticket_ids)
        )
        .order_by("at", "pk")
        .values_list("object_id", "at", "target")
    )
    changes = defaultdict(list)
    for object_id, at, target in rows:
        changes[object_id].append((at, target))
    return changes


@dataclass
class Clock:
    target: str
    limit: datetime.timedelta | None
    elapsed: datetime.timedelta
    running: bool
    done: bool
    now: datetime.datetime

    @property
    def breached(self) -> bool:
        return self.limit is not None and self.elapsed >= self.limit

    @property
    def remaining(self) -> datetime.timedelta | None:
        if self.limit is None:
            return None
        return max(self.limit - self.elapsed, datetime.timedelta(0))

    def due_at(self, calendar: Calendar) -> datetime.datetime | None:
        """When the target falls due if the clock keeps running from now."""
        if self.limit is None or self.done or not self.running:
            return None
        return add_business_time(self.now, self.remaining, calendar)


def ticket_clock(
    ticket: Ticket,
    target: str,
    *,
    now=None,
    changes=None,
    calendar: Calendar | None = None,
) -> Clock:
    now = now or timezone.now()
    calendar = calendar or Calendar.current()
    if changes is None:
        changes = changes_by_ticket([ticket.pk])[ticket.pk]
    if target == FIRST_RESPONSE:
        until = ticket.first_response_at or now
        done = ticket.first_response_at is not None
    else:
        done = ticket.status in (TicketStatus.RESOLVED, TicketStatus.CLOSED)
        until = now
    until = max(until, ticket.created_at)
    intervals = active_intervals(
        ticket.created_at,
        changes,
        initial=TicketStatus.OPEN,
        running=CLOCK_RUNNING,
        until=until,
    )
    return Clock(
        target=target,
        limit=target_for(ticket.priority, target),
        elapsed=business_time_in(intervals, calendar),
        running=not done and ticket.status in CLOCK_RUNNING,
        done=done,
        now=now,
    )
