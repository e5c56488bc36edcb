"""Queues, the periodic-task lock and the storage switch of a multi-machine deployment."""

import os
import re
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from django.conf import settings

from config.celery import app
from ltc.periodic import SingleRunTask, single_run

ROOT = Path(settings.BASE_DIR)


@pytest.mark.parametrize(
    ("task", "queue"),
    [
        ("notifications.tasks.deliver", "notifications"),
        ("activities.tasks.notify_due_follow_ups", "notifications"),
        ("billing.tasks.email_invoice", "notifications"),
        ("kpis.tasks.daily_rollup", "rollups"),
        ("leads.tasks.import_leads_file", "imports"),
        ("billing.tasks.billing_daily", "celery"),
        ("ltc.tasks.check_handoff_timers", "celery"),
    ],
)
def test_tasks_are_routed_to_their_queue(task, queue):
    assert app.amqp.router.route({}, task)["queue"].name == queue


@pytest.mark.parametrize("path", ["scripts/serve.sh", "docker-compose.yml", "Makefile"])
def test_every_worker_command_consumes_every_queue(path):
    text = (ROOT / path).read_text().replace("\\\n", " ")  # join continued lines
    commands = re.findall(r"celery -A config worker[^\n]*", text)
    assert commands, f"no worker command in {path}"
    for command in commands:
        queues = re.search(r"-Q\s+([\w,]+)", command)
        assert queues, f"{path}: a worker without -Q consumes only the default queue"
        assert set(queues.group(1).split(",")) == set(settings.CELERY_QUEUE_NAMES)


def test_scheduled_tasks_run_under_the_lock():
    app.loader.import_default_modules()
    for spec in settings.CELERY_BEAT_SCHEDULE.values():
        assert isinstance(app.tasks[spec["task"]], SingleRunTask)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_second_run_of_a_periodic_task_is_skipped_while_one_runs():
    from django.db import connection

    holding, release, seen = threading.Event(), threading.Event(), []

    def first_run():
        try:
            with single_run("periodic:activities.tasks.notify_due_follow_ups") as acquired:
                seen.append(acquired)
                holding.set()
                release.wait(10)
        finally:
            connection.close()

    app.loader.import_default_modules()
    thread = threading.Thread(target=first_run)
    thread.start()
    assert holding.wait(10)
    try:
        task = app.tasks["activities.tasks.notify_due_follow_ups"]
        assert task() is None  # skipped: the other run holds the lock
        with single_run("periodic:activities.tasks.notify_due_follow_ups") as acquired:
            assert acquired is False
    finally:
        release.set()
        thread.join(10)
    assert seen == [True]
    assert app.tasks["activities.tasks.notify_due_follow_ups"]() == 0  # free again: it runs


def test_s3_storage_is_configured_from_the_environment():
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.local",
        "STORAGE_BACKEND": "s3",
        "STORAGE_BUCKET": "ltc-files",
        "STORAGE_ENDPOINT_URL": "http://127.0.0.1:9000",
        "STORAGE_ACCESS_KEY": "minio",
        "STORAGE_SECRET_KEY": "minio-secret",
    }
    code = (
        "import django; django.setup();"
        "from django.core.files.storage import storages; s = storages['default'];"
        "print(type(s).__name__, s.bucket_name, s.endpoint_url, s.file_overwrite)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["S3Storage", "ltc-files", "http://127.0.0.1:9000", "False"]
