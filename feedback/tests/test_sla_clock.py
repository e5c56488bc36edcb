"""The SLA clock on real tickets (business hours, holidays, paused while waiting on the
customer) and the escalation task: each breach recorded, flagged and escalated once."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

import pytest

from feedback import clock, services
from feedback.models import AccountFlag, Ticket
from feedback.tests.factories import ticket_in
from ltc.models import TransitionLog
from ltc.timers import TIMERS, check
from ltc.transitions import run
from notifications.models import Notification
from roles.tests.factories import TeamFactory, user_with
from rules import store
from rules.models import Rule

pytestmark = pytest.mark.django_db
TZ = ZoneInfo("Asia/Shanghai")
H = datetime.timedelta(hours=1)


def at(*args):
    return datetime.datetime(*args, tzinfo=TZ)


@pytest.fixture(autouse=True)
def sla_settings(settings):
    settings.TIME_ZONE = "Asia/Shanghai"
    settings.LTC = {
        **settings.LTC,
        "SLA": {"urgent": {"first_response_hours": 1, "resolution_hours": 8}},
        "BUSINESS_HOURS": {"start": "09:00", "end": "18:00", "weekdays": [0, 1, 2, 3, 4]},
    }
    # The 2026 calendar is data (rules app): here its only holiday is Wednesday 4 November.
    Rule.objects.update_or_create(
        key="CALENDAR.2026", defaults={"value": {"holidays": ["2026-11-04"], "workdays": []}}
    )
    store.changed()


def step(ticket, name, when, user, data=None):
    run(obj=Ticket.objects.get(pk=ticket.pk), name=name, user=user, data=data)
    log = TransitionLog.objects.filter(object_id=ticket.pk, transition=name).latest("pk")
    TransitionLog.objects.filter(pk=log.pk).update(at=when)
    if name == "start":
        Ticket.objects.filter(pk=ticket.pk).update(first_response_at=when)
    return Ticket.objects.get(pk=ticket.pk)


@pytest.fixture
def service_lead():
    lead = user_with("service")
    agent = user_with("service")
    team = TeamFactory(lead=lead)
    team.members.add(agent)
    return lead


def test_clock_pauses_while_waiting_and_skips_nights_and_holidays():
    agent = user_with("service")
    ticket = ticket_in("open", priority="urgent")
    Ticket.objects.filter(pk=ticket.pk).update(created_at=at(2026, 11, 2, 9))  # Monday
    step(ticket, "start", at(2026, 11, 2, 9, 30), agent)
    step(ticket, "wait", at(2026, 11, 2, 10), agent)
    ticket = step(ticket, "resume", at(2026, 11, 2, 15), agent)

    first = clock.ticket_clock(ticket, clock.FIRST_RESPONSE, now=at(2026, 11, 2, 16))
    assert first.elapsed == 0.5 * H and first.done and not first.breached

    def resolution(now):
        return clock.ticket_clock(ticket, clock.RESOLUTION, now=now)

    # 9:00–10:00 running, 10:00–15:00 waiting (paused), 15:00–18:00 running.
    assert resolution(at(2026, 11, 2, 18)).elapsed == 4 * H
    # Overnight nothing counts; Tuesday 9:00–13:00 brings it to 8h: breached.
    assert resolution(at(2026, 11, 3, 8)).elapsed == 4 * H
    assert not resolution(at(2026, 11, 3, 12, 59)).breached
    assert resolution(at(2026, 11, 3, 13)).breached

    # Waiting again on Tuesday at 12:00 stops the clock at 7h, through the Wednesday holiday.
    ticket = step(ticket, "wait", at(2026, 11, 3, 12), agent)
    assert resolution(at(2026, 11, 4, 17)).elapsed == 7 * H
    assert not resolution(at(2026, 11, 4, 17)).running
    ticket = step(ticket, "resume", at(2026, 11, 4, 12), agent)  # resumed on the holiday
    state = resolution(at(2026, 11, 5, 9, 30))
    assert state.elapsed == 7.5 * H
    assert state.due_at(services.Calendar.current()) == at(2026, 11, 5, 10)


def test_escalation_fires_once_per_ticket_and_target(service_lead):
    ticket = ticket_in("open", priority="urgent")
    Ticket.objects.filter(pk=ticket.pk).update(created_at=at(2026, 11, 2, 9))

    assert services.escalate_sla_breaches(now=at(2026, 11, 2, 9, 59)) == 0
    assert services.escalate_sla_breaches(now=at(2026, 11, 2, 10)) == 1
    assert services.escalate_sla_breaches(now=at(2026, 11, 2, 11)) == 0
    notes = Notification.objects.filter(key=f"sla-breach:{ticket.pk}:first_response")
    assert [n.recipient for n in notes] == [service_lead]
    ticket.refresh_from_db()
    assert ticket.first_response_breached_at == at(2026, 11, 2, 10)
    assert ticket.resolution_breached_at is None
    flags = AccountFlag.objects.filter(account=ticket.account, ticket=ticket)
    assert flags.count() == 1 and flags.get().reason == "sla_breach"

    # The resolution target: 8 business hours after Monday 09:00 is Monday 17:00.
    assert services.escalate_sla_breaches(now=at(2026, 11, 2, 17)) == 1
    assert services.escalate_sla_breaches(now=at(2026, 11, 3, 17)) == 0
    assert Notification.objects.filter(key__startswith=f"sla-breach:{ticket.pk}:").count() == 2
    assert AccountFlag.objects.filter(ticket=ticket).count() == 1  # one open flag per ticket


def test_escalation_goes_to_managers_without_a_service_team():
    manager = user_with("manager")
    ticket = ticket_in("open", priority="urgent")
    Ticket.objects.filter(pk=ticket.pk).update(created_at=at(2026, 11, 2, 9))
    services.escalate_sla_breaches(now=at(2026, 11, 2, 12))
    assert Notification.objects.filter(recipient=manager, key__startswith="sla-breach:").exists()


def test_waiting_ticket_does_not_breach_while_paused(service_lead):
    agent = user_with("service")
    ticket = ticket_in("open", priority="urgent")
    Ticket.objects.filter(pk=ticket.pk).update(created_at=at(2026, 11, 2, 9))
    step(ticket, "start", at(2026, 11, 2, 9, 10), agent)
    step(ticket, "wait", at(2026, 11, 2, 9, 20), agent)
    # Days later, still waiting: 20 minutes used.
    assert services.escalate_sla_breaches(now=at(2026, 11, 9, 17)) == 0
    assert not Notification.objects.filter(key__startswith="sla-breach:").exists()


def test_late_first_response_is_recorded_without_escalating(service_lead, settings):
    settings.LTC = {**settings.LTC, "SLA": {"urgent": {"first_response_hours": 0.001}}}
    ticket = ticket_in("open", priority="urgent")
    Ticket.objects.filter(pk=ticket.pk).update(
        created_at=datetime.datetime.now(tz=TZ) - datetime.timedelta(days=7)
    )
    run(obj=Ticket.objects.get(pk=ticket.pk), name="start", user=user_with("service"))
    ticket.refresh_from_db()
    assert ticket.first_response_breached_at is not None
    assert AccountFlag.objects.filter(ticket=ticket).exists()
    assert not Notification.objects.filter(key__startswith="sla-breach:").exists()


def test_first_response_handoff_timer_fires_once():
    agent = user_with("service")
    manager = user_with("manager")
    ticket = ticket_in("open")
    Ticket.objects.filter(pk=ticket.pk).update(created_at=at(2026, 11, 2, 9))
    timer = TIMERS["ticket_first_response"]
    now = at(2026, 11, 3, 9)
    first = check(timer, now=now)
    assert first == {"reminded": 1, "escalated": 1}
    assert check(timer, now=now) == {"reminded": 0, "escalated": 0}
    assert (
        Notification.objects.filter(
            recipient=agent, key__startswith=f"handoff-remind:ticket_first_response:{ticket.pk}:"
        ).count()
        == 1
    )
    assert (
        Notification.objects.filter(
            recipient=manager, key__startswith="handoff-escalate:ticket_first_response:"
        ).count()
        == 1
    )


def test_celery_tasks_are_scheduled_and_idempotent(settings, service_lead):
    from feedback import tasks

    schedule = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert {"feedback.tasks.escalate_sla_breaches", "feedback.tasks.close_resolved_tickets"} <= (
        schedule
    )
    ticket = ticket_in("open", priority="urgent")
    Ticket.objects.filter(pk=ticket.pk).update(created_at=at(2026, 1, 5, 9))
    assert tasks.escalate_sla_breaches.delay().get() == 2
    assert tasks.escalate_sla_breaches.delay().get() == 0
    assert Notification.objects.filter(key__startswith=f"sla-breach:{ticket.pk}:").count() == 2
