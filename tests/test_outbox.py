"""The outbox survives a broker outage: with the broker down a transition that emails, posts to
a group bot and calls a webhook still answers 200; once the broker is back the sweeper sends
each message exactly once, however many sweepers and workers run."""

import datetime
import shutil
import socket
import subprocess
import threading
import time
import uuid

import pytest
from celery import Celery
from celery.contrib.testing.worker import start_worker
from django.conf import settings
from django.core import mail
from django.core.mail.utils import DNS_NAME
from django.utils import timezone
from rest_framework.test import APIClient

from config.celery import app as ltc_app
from contracts.tests.factories import draft_contract
from notifications import outbox
from notifications.models import BotWebhook, Delivery, WebhookEndpoint
from notifications.tests.test_outbound import Receiver
from roles.tests.factories import TeamFactory, user_with

PORTS = range(6390, 6400)


def _free_port() -> int:
    for port in PORTS:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) != 0:
                return port
    raise RuntimeError("no free port in 6390-6399")


class ThrowawayRedis:
    """A redis-server of the test's own on a spare port, stopped and started at will."""

    def __init__(self):
        self.port = _free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process = None

    def start(self):
        self.process = subprocess.Popen(
            [
                shutil.which("redis-server"),
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while True:
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", self.port)) == 0:
                    return
            assert time.monotonic() < deadline, "redis-server did not start"
            time.sleep(0.05)

    def stop(self):
        if self.process is not None:
            self.process.kill()
            self.process.wait(timeout=10)
            self.process = None


@pytest.fixture
def broker():
    if shutil.which("redis-server") is None:
        pytest.skip("needs redis-server")
    redis = ThrowawayRedis()
    redis.start()
    app = Celery("ltc-outbox-test", broker=redis.url, set_as_current=False)
    app.conf.update(
        task_always_eager=False,
        task_ignore_result=True,
        task_default_queue=f"ltc-outbox-{uuid.uuid4().hex}",
        broker_connection_retry_on_startup=False,
        broker_connection_timeout=2,
        worker_hijack_root_logger=False,
        timezone=settings.TIME_ZONE,
    )
    app.loader.import_default_modules()
    app.finalize()
    app.set_current()  # shared tasks (deliver, outbox_sweep) now publish to this broker
    try:
        yield redis, app
    finally:
        ltc_app.set_current()
        app.close()
        redis.stop()


@pytest.fixture
def scene(settings):
    """A draft contract whose submission notifies finance (email + the team's bot) and is
    posted to an integrator's webhook."""
    settings.LTC = {**settings.LTC, "WEBHOOK_ALLOW_PRIVATE": True}
    finance = user_with("finance", email="finance@example.com")
    team = TeamFactory(lead=user_with("manager"))
    team.members.add(finance)
    receiver = Receiver()
    receiver.__enter__()
    BotWebhook.objects.create(team=team, provider="wecom", name="finance", url=receiver.url)
    WebhookEndpoint.objects.create(
        name="erp", url=receiver.url, secret="s3cret", events=["contracts.contract"]
    )
    contract = draft_contract()
    yield contract, receiver
    receiver.__exit__()


def _submit(contract):
    client = APIClient()
    client.force_authenticate(contract.owner)
    return client.post(f"/api/v1/contracts/{contract.pk}/transitions/submit_for_review/", {})


def _finance_mail():
    return [m for m in mail.outbox if m.to == ["finance@example.com"]]


@pytest.mark.redis
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_broker_outage_delays_but_never_loses_or_fails(broker, scene):
    redis, app = broker
    contract, receiver = scene
    mail.outbox.clear()
    earlier = list(Delivery.objects.values_list("pk", flat=True))  # from setting the scene
    redis.stop()  # the broker goes down

    started = time.monotonic()
    response = _submit(contract)
    assert response.status_code == 200, response.content
    assert time.monotonic() - started < 30
    contract.refresh_from_db()
    assert contract.status == "in_review"
    rows = Delivery.objects.exclude(pk__in=earlier)
    assert sorted(rows.values_list("kind", flat=True)) == ["bot", "email", "webhook"]
    assert set(rows.values_list("status", flat=True)) == {"pending"}
    assert receiver.requests == [] and _finance_mail() == []

    redis.start()  # back: the sweeper runs in a worker on the broker
    with start_worker(app, pool="solo", concurrency=1, perform_ping_check=False):
        app.tasks["notifications.tasks.outbox_sweep"].delay()
        deadline = time.monotonic() + 30
        while Delivery.objects.exclude(status="delivered").exists():
            assert time.monotonic() < deadline, list(rows.values("kind", "status", "last_error"))
            time.sleep(0.1)
    # more sweepers, later on, find nothing to send
    for _ in range(3):
        assert outbox.sweep(now=timezone.now() + datetime.timedelta(days=1))["delivered"] == 0

    paths = sorted(r["headers"].get("x-ltc-event", "bot") for r in receiver.requests)
    assert paths == ["bot", "contracts.contract.submit_for_review"]
    assert len(_finance_mail()) == 1
    assert all(row.attempts == 1 for row in Delivery.objects.all())


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_senders_send_each_row_once(settings, scene):
    """Eight threads sweep and send the same rows at once: each message leaves once."""
    settings.CELERY_TASK_ALWAYS_EAGER = True
    contract, receiver = scene
    mail.outbox.clear()
    from unittest import mock

    with mock.patch.object(outbox, "dispatch"):  # as if the broker had lost every hand-off
        assert _submit(contract).status_code == 200
    ids = list(Delivery.objects.values_list("pk", flat=True))
    barrier = threading.Barrier(8)
    errors = []

    def worker(i):
        from django.db import connection

        try:
            barrier.wait()
            if i % 2:
                outbox.sweep()
            else:
                for pk in ids:
                    outbox.send(pk)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert len(receiver.requests) == 2
    assert len(_finance_mail()) == 1
    assert set(Delivery.objects.values_list("status", flat=True)) == {"delivered"}


@pytest.mark.django_db
def test_a_sender_that_died_mid_send_is_released_after_the_lease(settings):
    row = outbox.queue_email(to=["a@example.com"], subject="s", body="b")
    assert outbox.claim(row.pk)  # a worker took it, then was killed
    assert not outbox.claim(row.pk)
    assert outbox.sweep()["delivered"] == 0  # still within its lease
    later = timezone.now() + outbox.SENDING_LEASE + datetime.timedelta(seconds=1)
    counts = outbox.sweep(now=later)
    assert counts["released"] == 1 and counts["delivered"] == 1
    assert [m.extra_headers["Message-ID"] for m in mail.outbox] == [
        f"<ltc-outbox-{row.pk}@{DNS_NAME}>"
    ]


@pytest.mark.django_db
def test_failures_back_off_then_give_up(settings):
    settings.LTC = {**settings.LTC, "OUTBOX_MAX_ATTEMPTS": 3}
    row = outbox.queue_email(to=[], subject="nobody", body="b")  # refused: no recipient
    assert outbox.send(row.pk) == "failed"  # a refusal is final at once
    from unittest import mock

    row = outbox.queue_email(to=["a@example.com"], subject="s", body="b")
    with mock.patch("django.core.mail.EmailMessage.send", side_effect=OSError("x" * 5000)):
        assert outbox.send(row.pk) == "pending"
        first = Delivery.objects.get(pk=row.pk)
        assert len(first.last_error) <= outbox.ERROR_TEXT_LIMIT
        assert outbox.send(row.pk) == "pending"  # not due: nothing happens
        assert Delivery.objects.get(pk=row.pk).attempts == 1
        now = timezone.now()
        for hours in (1, 2, 3, 4):
            outbox.sweep(now=now + datetime.timedelta(hours=hours))
    row.refresh_from_db()
    assert row.status == "failed" and row.attempts == 3
    assert mail.outbox == []
