"""More than one machine, on one: two gunicorn web processes and two Celery workers against
one PostgreSQL and one Redis. The periodic tasks are sent twice each, as two beats would send
them; the follow-up reminder and the dunning run on whichever worker takes them, and each
effect (notification, dunning notice, e-mail) is found exactly once. A session opened on one
web process is valid on the other (sessions in the shared store)."""

from __future__ import annotations

import datetime
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.utils import timezone

from activities.services import activity_create
from billing.models import DunningNotice
from billing.tests.factories import issued_invoice
from customers.tests.factories import AccountFactory, ContactFactory
from leads.tests.factories import LeadFactory
from notifications.models import Notification
from roles.tests.factories import user_with
from tests.test_production import ROOT, Client, _database_url, _free_port, _wait_for_port

QUEUES = "celery,notifications,rollups,imports"
REMINDER = "activities.tasks.notify_due_follow_ups"
DUNNING = "billing.tasks.billing_daily"


def _messages(folder: Path) -> list[str]:
    """The e-mails the workers wrote with the file backend, one string each."""
    text = "".join(p.read_text() for p in sorted(folder.glob("*.log")))
    return [m for m in text.split("-" * 79) if "Subject:" in m]


@pytest.fixture
def cluster(tmp_path):
    mail_dir = tmp_path / "mail"
    mail_dir.mkdir()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "SECRET_KEY": "scale-out-test-" + "y" * 40,
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": _database_url(tmp_path),
        "STATIC_ROOT": str(tmp_path / "static"),  # not collected: pages here need no assets
        "EMAIL_URL": f"filemail:///{mail_dir}",  # four slashes: an absolute path
        "CELERY_TASK_ALWAYS_EAGER": "false",
    }
    # Pages render {% static %} through the manifest; a collected manifest is needed.
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"],
        cwd=ROOT,
        env=env,
        check=True,
        timeout=600,
    )
    subprocess.run(
        [sys.executable, "-m", "celery", "-A", "config", "purge", "-f", "-Q", QUEUES],
        cwd=ROOT,
        env=env,
        check=True,
        timeout=60,
        capture_output=True,
    )
    procs, ports = [], []
    logs = []
    try:
        for i in (1, 2):
            port = _free_port()
            log = open(tmp_path / f"web{i}.log", "w")  # noqa: SIM115 - closed below
            logs.append(log)
            procs.append(
                subprocess.Popen(
                    [sys.executable, "-m", "gunicorn", "config.wsgi:application"]
                    + ["--bind", f"127.0.0.1:{port}", "--workers", "1"],
                    cwd=ROOT,
                    env=env,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                )
            )
            ports.append(port)
        for i in (1, 2):
            log = open(tmp_path / f"worker{i}.log", "w")  # noqa: SIM115 - closed below
            logs.append(log)
            procs.append(
                subprocess.Popen(
                    [sys.executable, "-m", "celery", "-A", "config", "worker", "-Q", QUEUES]
                    + ["--pool=solo", "-n", f"scale{i}@%h", "--loglevel=INFO"],
                    cwd=ROOT,
                    env=env,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                )
            )
        for proc, port in zip(procs, ports, strict=False):
            _wait_for_port(proc, port, tmp_path)
        yield ports, mail_dir, tmp_path
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
        for log in logs:
            log.close()


def _wait(condition, what: str, tmp_path: Path, timeout: float = 90):
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            logs = "\n".join(p.read_text()[-2000:] for p in sorted(tmp_path.glob("*.log")))
            pytest.fail(f"{what} did not happen in {timeout} s\n{logs}")
        time.sleep(0.3)


@pytest.mark.postgres
@pytest.mark.redis
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_web_processes_and_two_workers_do_each_effect_once(cluster):
    from config.celery import app

    ports, mail_dir, tmp_path = cluster
    owner = user_with("sales", username="scale.owner", email="owner@example.com")
    finance = user_with("finance", username="scale.finance", email="finance@example.com")
    lead = LeadFactory(owner=owner)
    activity_create(
        record=lead,
        owner=owner,
        kind="call",
        subject="Call back about the scale-out quote",
        next_follow_up_at=timezone.now() - datetime.timedelta(hours=1),
    )
    account = AccountFactory(owner=owner)
    ContactFactory(account=account, email="ap@customer.example.com", is_billing=True)
    issued_on = timezone.localdate() - datetime.timedelta(days=30 + 12)  # 12 days past due
    invoice = issued_invoice(issue_date=issued_on, terms=30, account=account, user=finance)
    for f in mail_dir.glob("*"):
        f.unlink()  # the issue e-mail, if the test process wrote one

    # Two beats: every periodic task arrives twice, on both workers at once.
    for _ in range(2):
        app.send_task(REMINDER)
        app.send_task(DUNNING)

    reminder = Notification.objects.filter(recipient=owner, title__contains="scale-out quote")
    _wait(lambda: reminder.exists(), "the follow-up reminder", tmp_path)
    _wait(lambda: DunningNotice.objects.filter(invoice=invoice).exists(), "the dunning", tmp_path)

    def settled():
        mails = _messages(mail_dir)
        return any("ap@customer.example.com" in m for m in mails) and any(
            "scale-out quote" in m for m in mails
        )

    _wait(settled, "the e-mails", tmp_path)
    time.sleep(3)  # let any duplicate that was going to happen happen

    assert reminder.count() == 1
    assert DunningNotice.objects.filter(invoice=invoice).count() == 1
    assert Notification.objects.filter(key__startswith=f"dunning:{invoice.pk}:").count() == 2
    mails = _messages(mail_dir)
    assert sum("scale-out quote" in m for m in mails) == 1, mails
    assert sum("To: ap@customer.example.com" in m for m in mails) == 1, mails

    # Log in on one web process, read on the other: the session is shared. The password is
    # hashed with production's hasher (the test settings use a fast one gunicorn lacks).
    owner.password = PBKDF2PasswordHasher().encode("pw", PBKDF2PasswordHasher().salt())
    owner.save(update_fields=["password"])
    first, second = Client(ports[0]), Client(ports[1])
    response, body = first.request("GET", "/login/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', body.decode()).group(1)
    response, _ = first.request(
        "POST",
        "/login/",
        f"username=scale.owner&password=pw&csrfmiddlewaretoken={token}",
    )
    assert response.status == 302
    second.cookies = dict(first.cookies)
    response, body = second.request("GET", "/notifications/")
    assert response.status == 200
    assert body.decode().count("Call back about the scale-out quote") == 1
