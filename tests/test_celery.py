"""Celery: the beat schedule names real tasks, and a real Redis broker round trip runs the
follow-up task in a worker against the database."""

import datetime
import os
import time
import uuid

import pytest
from celery import Celery
from celery.contrib.testing.worker import start_worker
from django.conf import settings
from django.core import mail
from django.utils import timezone

from activities.services import activity_create
from config.celery import app as ltc_app
from leads.tests.factories import LeadFactory
from notifications.models import Notification
from roles.tests.factories import user_with

FOLLOW_UP_TASK = "activities.tasks.notify_due_follow_ups"


def registered_task_names(app) -> set[str]:
    app.loader.import_default_modules()  # autodiscover tasks.py of every installed app
    return set(app.tasks.keys())


def test_beat_schedule_names_tasks_that_exist():
    schedule = settings.CELERY_BEAT_SCHEDULE
    assert schedule, "no periodic task is scheduled"
    names = registered_task_names(ltc_app)
    for entry, spec in schedule.items():
        assert spec["task"] in names, f"beat entry {entry!r} names unknown task {spec['task']!r}"
        assert spec["schedule"], entry
    assert FOLLOW_UP_TASK in {spec["task"] for spec in schedule.values()}
    assert "ltc.tasks.check_handoff_timers" in {spec["task"] for spec in schedule.values()}


@pytest.mark.django_db
def test_every_scheduled_task_runs(django_capture_on_commit_callbacks):
    registered_task_names(ltc_app)
    for spec in settings.CELERY_BEAT_SCHEDULE.values():
        task = ltc_app.tasks[spec["task"]]
        with django_capture_on_commit_callbacks(execute=True):
            result = task.apply()
        assert result.successful(), (spec["task"], result.traceback)


def test_ltc_app_reads_django_settings():
    assert ltc_app.conf.broker_url == settings.CELERY_BROKER_URL
    assert ltc_app.conf.timezone == settings.TIME_ZONE


@pytest.fixture
def redis_app():
    """A Celery app on the real Redis broker (and result backend), with a queue of its own so
    no other worker on the same Redis takes its messages."""
    url = os.environ["REDIS_URL"]
    app = Celery("ltc-redis-test", broker=url, backend=url, set_as_current=False)
    app.conf.update(
        task_always_eager=False,
        task_ignore_result=False,
        task_default_queue=f"ltc-test-{uuid.uuid4().hex}",
        broker_connection_retry_on_startup=False,
        worker_hijack_root_logger=False,
        timezone=settings.TIME_ZONE,
    )
    app.loader.import_default_modules()
    app.finalize()
    assert FOLLOW_UP_TASK in app.tasks  # shared tasks are bound to every app
    yield app
    app.close()


@pytest.mark.redis
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_follow_up_task_round_trip_through_redis(redis_app):
    owner = user_with("sales", email="owner@example.com")
    lead = LeadFactory(owner=owner)
    activity_create(
        record=lead,
        owner=owner,
        kind="call",
        subject="Call back about the quote",
        next_follow_up_at=timezone.now() - datetime.timedelta(hours=1),
    )
    mail.outbox.clear()
    with start_worker(
        redis_app, pool="solo", concurrency=1, perform_ping_check=False, loglevel="WARNING"
    ):
        first = redis_app.tasks[FOLLOW_UP_TASK].delay()
        assert first.get(timeout=20) == 1
        second = redis_app.tasks[FOLLOW_UP_TASK].delay()
        assert second.get(timeout=20) == 0
    assert first.id != second.id
    note = Notification.objects.get(recipient=owner)
    assert "Call back about the quote" in note.title
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["owner@example.com"]


@pytest.mark.redis
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_task_sent_without_waiting_is_processed_by_the_worker(redis_app):
    owner = user_with("sales")
    LeadFactory(owner=owner, next_follow_up_at=timezone.now() - datetime.timedelta(minutes=5))
    with start_worker(
        redis_app, pool="solo", concurrency=1, perform_ping_check=False, loglevel="WARNING"
    ):
        redis_app.send_task(FOLLOW_UP_TASK)
        deadline = time.monotonic() + 20
        while not Notification.objects.filter(recipient=owner).exists():
            assert time.monotonic() < deadline, "the worker did not run the task"
            time.sleep(0.1)
    assert Notification.objects.filter(recipient=owner).count() == 1
