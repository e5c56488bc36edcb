"""Follow-up reminders: each due follow-up notifies its owner exactly once."""

import datetime

import pytest
from django.core import mail
from django.test import override_settings
from django.utils import timezone

from activities import services, tasks
from activities.models import Activity
from leads import services as lead_services
from leads.models import Lead, LeadStatus
from leads.tests.factories import LeadFactory, lead_in
from leads.timers import LEAD_FIRST_TOUCH
from ltc import tasks as ltc_tasks
from ltc.timers import check
from notifications.models import Notification
from roles.tests.factories import user_with

pytestmark = pytest.mark.django_db

HOUR = datetime.timedelta(hours=1)


@pytest.fixture
def run_task(django_capture_on_commit_callbacks):
    """Run a callable the way the worker does: emails go out when its transaction commits."""

    def call(func, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return func(*args, **kwargs)

    return call


@pytest.fixture
def owner():
    return user_with("sales", email="owner@example.com")


def add_activity(record, owner, **kwargs):
    return services.activity_create(
        record=record, owner=owner, kind="call", subject="Call back about pricing", **kwargs
    )


def test_due_activity_follow_up_notifies_once_however_often_it_runs(owner, run_task):
    lead = LeadFactory(owner=owner)
    activity = add_activity(lead, owner, next_follow_up_at=timezone.now() - HOUR)
    assert run_task(services.notify_due_follow_ups) == 1
    assert run_task(services.notify_due_follow_ups) == 0
    note = Notification.objects.get(recipient=owner)
    assert "Call back about pricing" in note.title
    assert note.url == lead.get_absolute_url()
    assert note.key.startswith(f"follow-up:activity:{activity.pk}:")
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["owner@example.com"]
    assert "Call back about pricing" in mail.outbox[0].subject


def test_celery_task_run_twice_notifies_once(owner, run_task):
    lead = LeadFactory(owner=owner)
    add_activity(lead, owner, next_follow_up_at=timezone.now() - HOUR)
    # CELERY_TASK_ALWAYS_EAGER in test settings: .delay() runs the task body here
    run_task(tasks.notify_due_follow_ups.delay)
    run_task(tasks.notify_due_follow_ups.delay)
    run_task(tasks.notify_due_follow_ups)
    assert Notification.objects.filter(recipient=owner).count() == 1
    assert len(mail.outbox) == 1


def test_follow_up_not_yet_due_is_not_notified(owner, run_task):
    add_activity(LeadFactory(owner=owner), owner, next_follow_up_at=timezone.now() + HOUR)
    assert run_task(services.notify_due_follow_ups) == 0
    assert not Notification.objects.exists()
    assert mail.outbox == []


def test_done_activity_is_not_notified(owner, run_task):
    lead = LeadFactory(owner=owner)
    add_activity(lead, owner, next_follow_up_at=timezone.now() - HOUR, done=True)
    other = add_activity(lead, owner, next_follow_up_at=timezone.now() - HOUR)
    services.activity_complete(activity=other, user=owner)
    assert run_task(services.notify_due_follow_ups) == 0
    assert not Notification.objects.exists()
    assert mail.outbox == []


def test_moved_follow_up_notifies_again(owner, run_task):
    activity = add_activity(
        LeadFactory(owner=owner), owner, next_follow_up_at=timezone.now() - 2 * HOUR
    )
    run_task(services.notify_due_follow_ups)
    Activity.objects.filter(pk=activity.pk).update(next_follow_up_at=timezone.now() - HOUR)
    assert run_task(services.notify_due_follow_ups) == 1
    assert run_task(services.notify_due_follow_ups) == 0
    assert Notification.objects.filter(recipient=owner).count() == 2
    assert len(mail.outbox) == 2


def test_owner_without_email_gets_in_app_notice_only(run_task):
    owner = user_with("sales", email="")
    add_activity(LeadFactory(owner=owner), owner, next_follow_up_at=timezone.now() - HOUR)
    assert run_task(services.notify_due_follow_ups) == 1
    assert Notification.objects.filter(recipient=owner).count() == 1
    assert mail.outbox == []


def test_each_owner_is_notified_of_their_own_follow_up(run_task):
    a = user_with("sales", email="a@example.com")
    b = user_with("sales", email="b@example.com")
    add_activity(LeadFactory(owner=a), a, next_follow_up_at=timezone.now() - HOUR)
    add_activity(LeadFactory(owner=b), b, next_follow_up_at=timezone.now() - HOUR)
    assert run_task(services.notify_due_follow_ups) == 2
    assert sorted(m.to[0] for m in mail.outbox) == ["a@example.com", "b@example.com"]


def test_lead_next_follow_up_notifies_once(owner, run_task):
    lead = LeadFactory(owner=owner, next_follow_up_at=timezone.now() - HOUR)
    assert run_task(services.notify_due_follow_ups) == 1
    assert run_task(tasks.notify_due_follow_ups) == 0
    note = Notification.objects.get(recipient=owner)
    assert note.key.startswith(f"follow-up:lead:{lead.pk}:")
    assert note.url == lead.get_absolute_url()
    assert len(mail.outbox) == 1


def test_lead_moved_follow_up_notifies_again(owner, run_task):
    lead = LeadFactory(owner=owner, next_follow_up_at=timezone.now() - 2 * HOUR)
    run_task(services.notify_due_follow_ups)
    Lead.objects.filter(pk=lead.pk).update(next_follow_up_at=timezone.now() - HOUR)
    assert run_task(services.notify_due_follow_ups) == 1
    assert Notification.objects.filter(recipient=owner).count() == 2
    assert len(mail.outbox) == 2


def test_closed_or_unowned_lead_follow_ups_are_not_notified(owner, run_task):
    due = timezone.now() - HOUR
    lead_in(LeadStatus.CONVERTED, owner=owner, next_follow_up_at=due)
    lead_in(LeadStatus.DISQUALIFIED, owner=owner, next_follow_up_at=due)
    LeadFactory(next_follow_up_at=due)  # nobody to tell
    assert run_task(services.notify_due_follow_ups) == 0
    assert not Notification.objects.exists()


def test_failing_mail_server_does_not_undo_the_notice(owner, run_task):
    add_activity(LeadFactory(owner=owner), owner, next_follow_up_at=timezone.now() - HOUR)
    with override_settings(EMAIL_BACKEND="ltc.tests.test_followups.BrokenBackend"):
        assert run_task(services.notify_due_follow_ups) == 1
    assert Notification.objects.filter(recipient=owner).count() == 1


class BrokenBackend:
    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError("smtp down")


# --- hand-off timer: a new lead left untouched ---------------------------------------------


def remind_untouched_leads() -> int:
    return check(LEAD_FIRST_TOUCH)["reminded"]


def test_remind_untouched_leads_once_per_lead(owner, run_task):
    marketing = user_with("marketing")
    late = LeadFactory()
    fresh = LeadFactory()
    lead_services.lead_assign(lead=late, owner=owner, user=marketing)
    lead_services.lead_assign(lead=fresh, owner=owner, user=marketing)
    Lead.objects.filter(pk=late.pk).update(assigned_at=timezone.now() - 25 * HOUR)
    started = lead_in(LeadStatus.WORKING, owner=owner)
    Lead.objects.filter(pk=started.pk).update(assigned_at=timezone.now() - 48 * HOUR)
    Notification.objects.all().delete()
    mail.outbox.clear()

    assert run_task(remind_untouched_leads) == 1
    assert run_task(remind_untouched_leads) == 0
    # the scheduled task runs every timer; the lead was reminded once already
    assert run_task(ltc_tasks.check_handoff_timers.delay).get()["lead_first_touch"]["reminded"] == 0
    notes = Notification.objects.filter(recipient=owner)
    assert notes.count() == 1
    assert notes.get().key.startswith(f"handoff-remind:lead_first_touch:{late.pk}:")
    assert len(mail.outbox) == 1


def test_remind_untouched_leads_again_after_reassignment(owner, run_task):
    other = user_with("sales", email="other@example.com")
    manager = user_with("manager")
    lead = LeadFactory()
    lead_services.lead_assign(lead=lead, owner=owner, user=manager)
    Lead.objects.filter(pk=lead.pk).update(assigned_at=timezone.now() - 30 * HOUR)
    assert run_task(remind_untouched_leads) == 1
    lead.refresh_from_db()
    lead_services.lead_assign(lead=lead, owner=other, user=manager)
    Lead.objects.filter(pk=lead.pk).update(assigned_at=timezone.now() - 30 * HOUR)
    assert run_task(remind_untouched_leads) == 1
    assert (
        Notification.objects.filter(key__startswith="handoff-remind:lead_first_touch:").count() == 2
    )
