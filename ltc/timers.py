"""Hand-off timers: one mechanism for every hand-off between roles.

Each stage declares its `HandoffTimer`s in its AppConfig (`contributes.timers`, read by
ltc/wiring.py): which records wait on the hand-off (a queryset annotated with
`waiting_since`), who owns the next step, and the target in hours
(a business rule: rules.accessors.handoff_target_hours, edited in the browser, its default
LTC["HANDOFF_TARGET_HOURS"][name] or the timer's own). Past the target the owners are reminded
once; past target × the hand-off's escalation factor (a rule too) the owners' team leads (or,
without a team, the managers) are notified once. Both are read at each run, so a change
applies from the next run on. "Once" holds per record and per waiting period: the key of each
notice carries the time the wait began, so a record that waits again is timed again.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_noop

from notifications.messages import Message
from notifications.services import notify
from roles.models import Role, Team
from roles.permissions import users_with_role
from rules import accessors as rule_values


@dataclass
class HandoffTimer:
    name: str
    label: object
    # () -> queryset of the records waiting now, annotated with `waiting_since`
    waiting: Callable[[], QuerySet]
    # record -> users who own the next step
    owners: Callable[[object], list]
    # the role that acts next (for "where work waits")
    role: str
    # a number, or a callable reading a stage's own setting
    default_hours: float | Callable[[], float] = 24
    escalate_role: str = "manager"
    # owners -> who hears of an escalation; default: the owners' team leads, else the role
    escalate_to: Callable[[list], list] | None = None
    # past target × factor it escalates; None: the hand-off's rule (HANDOFF_ESCALATE_FACTORS)
    escalate_factor: float | None = None
    extra: dict = field(default_factory=dict)

    def default_target_hours(self) -> float:
        return self.default_hours() if callable(self.default_hours) else self.default_hours

    @property
    def target(self) -> datetime.timedelta:
        hours = rule_values.handoff_target_hours(self.name, self.default_target_hours())
        return datetime.timedelta(hours=float(hours))

    @property
    def escalate_after(self) -> datetime.timedelta:
        factor = self.escalate_factor
        if factor is None:
            factor = float(rule_values.handoff_escalate_factor(self.name))
        return self.target * float(factor)

    def escalation_recipients(self, owners) -> list:
        if self.escalate_to is not None:
            return list(self.escalate_to(owners))
        return escalation_recipients(owners, self.escalate_role)


TIMERS: dict[str, HandoffTimer] = {}


def escalation_recipients(owners, role: str) -> list:
    """The active leads of the teams `owners` belong to (in pk order), else the holders of
    `role`."""
    leads = {
        t.lead
        for t in Team.objects.filter(
            members__in=owners, lead__isnull=False, lead__is_active=True
        ).select_related("lead")
    }
    return sorted(leads, key=lambda u: u.pk) or list(users_with_role(role))


def check(timer: HandoffTimer, *, now=None) -> dict[str, int]:
    """Remind and escalate for one timer; returns how many notices went out."""
    now = now or timezone.now()
    sent = {"reminded": 0, "escalated": 0}
    late = timer.waiting().filter(waiting_since__lte=now - timer.target)
    for record in late.iterator(chunk_size=500):
        since = record.waiting_since.isoformat()
        owners = [u for u in timer.owners(record) if u is not None]
        url = record.get_absolute_url()
        for user in owners:
            if notify(
                recipient=user,
                key=f"handoff-remind:{timer.name}:{record.pk}:{since}",
                title=Message(
                    gettext_noop("Waiting on you: %(what)s — %(record)s"),
                    what=timer.label,
                    record=record,
                ),
                body=Message(gettext_noop("This hand-off is past its target time.")),
                url=url,
            ):
                sent["reminded"] += 1
        if record.waiting_since <= now - timer.escalate_after:
            for user in timer.escalation_recipients(owners):
                if notify(
                    recipient=user,
                    key=f"handoff-escalate:{timer.name}:{record.pk}:{since}",
                    title=Message(
                        gettext_noop("Escalated: %(what)s — %(record)s"),
                        what=timer.label,
                        record=record,
                    ),
                    body=Message(gettext_noop("Still waiting well past its target time.")),
                    url=url,
                ):
                    sent["escalated"] += 1
    return sent


def check_all(*, now=None) -> dict[str, dict[str, int]]:
    return {name: check(timer, now=now) for name, timer in TIMERS.items()}


def _role_label(role: str) -> str:
    """The translated name of a role slug ("sales_support" → "Sales support")."""
    return str(Role(role).label) if role in Role.values else role


def where_work_waits(*, now=None) -> list[dict]:
    """Per hand-off: how many records wait, how many are late, and the oldest wait."""
    from django.db.models import Count, Min, Q

    now = now or timezone.now()
    rows = []
    for timer in TIMERS.values():
        stats = timer.waiting().aggregate(
            waiting=Count("pk"),
            late=Count("pk", filter=Q(waiting_since__lte=now - timer.target)),
            oldest=Min("waiting_since"),
        )
        rows.append(
            {
                "name": timer.name,
                "label": timer.label,
                "role": timer.role,
                "role_label": _role_label(timer.role),
                "target_hours": timer.target.total_seconds() / 3600,
                "waiting": stats["waiting"],
                "late": stats["late"],
                "oldest": stats["oldest"],
            }
        )
    return rows
