"""Faults: a gunicorn worker killed (SIGKILL) half-way through a payment allocation or a
shipment leaves nothing half-written, and a worker killed half-way through a dunning or
follow-up reminder run, then run again, sends nothing twice.

The processes under test pause at a fault point (ltc/faults.py) inside the service's
transaction; the test kills them there. PostgreSQL only: the other processes must see the
test's database."""

import datetime
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from activities.services import activity_create
from billing.models import DunningNotice, Invoice, Payment, PaymentAllocation
from billing.tests.factories import issued_invoice
from customers.models import Contact
from customers.tests.factories import AccountFactory
from leads.tests.factories import LeadFactory
from notifications import outbox
from notifications.models import Delivery, Notification
from orders.models import OrderLine, Shipment, ShipmentLine
from orders.tests.factories import order_in
from roles.tests.factories import user_with
from roles.tokens import token_issue

ROOT = Path(__file__).resolve().parent.parent
pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def _database_url() -> str:
    db = settings.DATABASES["default"]
    auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def _env(tmp_path, point: str, after: int = 1) -> dict:
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.test",
        DATABASE_URL=_database_url(),
        LTC_FAULT_PAUSE=point,
        LTC_FAULT_AFTER=str(after),
        LTC_FAULT_MARKER=str(tmp_path / f"{point}.pid"),
    )
    env.pop("REDIS_URL", None)
    return env


def _wait_for(marker: Path, timeout=60) -> int:
    deadline = time.monotonic() + timeout
    while not (marker.exists() and marker.read_text()):
        assert time.monotonic() < deadline, f"nothing reached {marker.stem}"
        time.sleep(0.05)
    return int(marker.read_text())


def _free_port() -> int:
    for port in range(8160, 8170):
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) != 0:
                return port
    raise RuntimeError("no free port in 8160-8169")


class Gunicorn:
    def __init__(self, env):
        self.port = _free_port()
        self.process = subprocess.Popen(
            [
                str(Path(sys.executable).with_name("gunicorn")),
                "--workers",
                "1",
                "--timeout",
                "300",
                "--bind",
                f"127.0.0.1:{self.port}",
                "config.wsgi:application",
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{self.port}/login/", timeout=5)
                break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                assert time.monotonic() < deadline, "gunicorn did not start"
                time.sleep(0.2)

    def post(self, path, token, body) -> tuple[int, dict]:
        request = urllib.request.Request(
            f"http://127.0.0.1:{self.port}{path}",
            data=json.dumps(body).encode(),
            headers={"Authorization": f"Token {token}", "Content-Type": "application/json"},
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=120) as response:
                return response.status, json.loads(response.read() or b"{}")
        except urllib.error.HTTPError as exc:
            return exc.code, json.loads(exc.read() or b"{}")

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=30)


def _killed_mid_request(server, marker, path, token, body):
    """POST in a thread, SIGKILL the worker at the fault point; the client sees no answer."""
    outcome = {}

    def call():
        try:
            outcome["status"] = server.post(path, token, body)[0]
        except Exception as exc:  # the connection dies with the worker
            outcome["error"] = exc

    thread = threading.Thread(target=call)
    thread.start()
    pid = _wait_for(marker)
    os.kill(pid, signal.SIGKILL)
    thread.join(timeout=60)
    assert "status" not in outcome or outcome["status"] >= 500, outcome


def test_worker_killed_mid_payment_allocation_leaves_nothing_half_written(tmp_path):
    finance = user_with("finance")
    token = token_issue(user=finance)[1]
    account = AccountFactory()
    first = issued_invoice(account=account, user=finance)
    second = issued_invoice(account=account, user=finance)
    balances = {i.pk: i.balance for i in (first, second)}
    body = {
        "account": account.pk,
        "amount": str(first.total + second.total),
        "currency": first.currency,
        "reference": "BANK-001",
        "allocations": [
            {"invoice": first.pk, "amount": str(first.total)},
            {"invoice": second.pk, "amount": str(second.total)},
        ],
    }
    env = _env(tmp_path, "payment-allocation")
    server = Gunicorn(env)
    try:
        _killed_mid_request(server, Path(env["LTC_FAULT_MARKER"]), "/api/v1/payments/", token, body)
        # nothing of the interrupted payment is left: no payment, no allocation, no balance
        assert not Payment.objects.exists()
        assert not PaymentAllocation.objects.exists()
        for invoice in Invoice.objects.filter(pk__in=balances):
            assert invoice.balance == balances[invoice.pk] and invoice.status == "issued"
        # the retry (a new worker, no pause this time) records it once, whole
        status, answer = server.post("/api/v1/payments/", token, body)
        assert status == 201, answer
    finally:
        server.stop()
    payment = Payment.objects.get()
    assert payment.amount_allocated == first.total + second.total
    assert PaymentAllocation.objects.count() == 2
    assert set(Invoice.objects.values_list("status", flat=True)) == {"paid"}
    assert all(i.balance == Decimal("0") for i in Invoice.objects.all())


def test_worker_killed_mid_shipment_leaves_nothing_half_written(tmp_path):
    operations = user_with("operations")
    token = token_issue(user=operations)[1]
    order = order_in("in_fulfillment")
    lines = list(order.lines.order_by("pk"))
    body = {
        "order": order.pk,
        "carrier": "SF Express",
        "tracking_number": "SF0001",
        "lines": [{"order_line": line.pk, "quantity": "4"} for line in lines],
    }
    env = _env(tmp_path, "shipment")
    server = Gunicorn(env)
    try:
        _killed_mid_request(
            server, Path(env["LTC_FAULT_MARKER"]), "/api/v1/shipments/", token, body
        )
        assert not Shipment.objects.exists()
        assert not ShipmentLine.objects.exists()
        assert set(OrderLine.objects.values_list("shipped_quantity", flat=True)) == {Decimal("0")}
        status, answer = server.post("/api/v1/shipments/", token, body)
        assert status == 201, answer
    finally:
        server.stop()
    assert Shipment.objects.count() == 1 and ShipmentLine.objects.count() == len(lines)
    assert set(OrderLine.objects.values_list("shipped_quantity", flat=True)) == {Decimal("4")}


def _run_task_killed_then_again(tmp_path, point, after, task):
    """Run `task` (a dotted Celery task) in a process of its own, kill it at the `after`-th
    pass of the fault point, then run it again to the end in another process."""
    env = _env(tmp_path, point, after)
    code = f"import django; django.setup(); from {task.rsplit('.', 1)[0]} import *; "
    code += f"{task.rsplit('.', 1)[1]}.apply()"
    first = subprocess.Popen([sys.executable, "-c", code], cwd=ROOT, env=env)
    pid = _wait_for(Path(env["LTC_FAULT_MARKER"]))
    assert pid == first.pid
    first.kill()
    first.wait(timeout=30)
    connection.close()
    partial = Delivery.objects.filter(kind="email").count()
    second = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, timeout=300)
    assert second.returncode == 0
    return partial


def test_dunning_run_killed_half_way_and_rerun_sends_each_reminder_once(tmp_path):
    finance = user_with("finance", email="ar@example.com")
    invoices = []
    for i in range(5):
        account = AccountFactory()
        Contact.objects.create(
            account=account, name="AP", email=f"ap{i}@example.com", is_billing=True
        )
        issue_date = timezone.localdate() - datetime.timedelta(days=60)
        invoices.append(issued_invoice(account=account, user=finance, issue_date=issue_date))
    Delivery.objects.all().delete()  # the invoice emails of the set-up
    Invoice.objects.filter(pk__in=[i.pk for i in invoices]).update(status="overdue")

    partial = _run_task_killed_then_again(tmp_path, "dunning", 3, "billing.tasks.billing_daily")
    assert 0 < partial < 10  # the first run was stopped half-way, with some sent

    assert DunningNotice.objects.count() == 5
    assert sorted(DunningNotice.objects.values_list("invoice_id", flat=True)) == sorted(
        i.pk for i in invoices
    )
    emails = [d.payload["to"][0] for d in Delivery.objects.filter(kind="email")]
    customer = sorted(e for e in emails if e.startswith("ap"))
    assert customer == [f"ap{i}@example.com" for i in range(5)]
    to_finance = Notification.objects.filter(recipient=finance, key__startswith="dunning:")
    assert to_finance.count() == 5
    assert emails.count("ar@example.com") == 5
    outbox.sweep(now=timezone.now() + datetime.timedelta(days=1))
    assert not Delivery.objects.exclude(status="delivered").exists()


def test_follow_up_run_killed_half_way_and_rerun_reminds_each_once(tmp_path):
    owners = [user_with("sales", email=f"rep{i}@example.com") for i in range(5)]
    for owner in owners:
        activity_create(
            record=LeadFactory(owner=owner),
            owner=owner,
            kind="call",
            subject="Call back",
            next_follow_up_at=timezone.now() - datetime.timedelta(hours=1),
        )
    Delivery.objects.all().delete()
    partial = _run_task_killed_then_again(
        tmp_path, "follow-up", 3, "activities.tasks.notify_due_follow_ups"
    )
    assert partial >= 3  # the first three reminders were out before the kill
    assert Notification.objects.filter(key__startswith="follow-up:activity:").count() == 5
    emails = [
        d for d in Delivery.objects.filter(kind="email") if "Call back" in d.payload["subject"]
    ]
    assert sorted(d.payload["to"][0] for d in emails) == sorted(o.email for o in owners)
