"""Load mix for `make loadtest` (driven by bench/loadtest.py, which prepares the users, the
leads and the server): staff pages, API reads, transitions, lead captures and one import.

Every write that the server acknowledged is appended to LOADTEST_WRITES (one JSON line), so
the driver can recount afterwards: nothing lost, nothing written twice."""

from __future__ import annotations

import json
import os
import re
import threading
import uuid

from locust import HttpUser, between, events, task

PASSWORD = os.environ["LOADTEST_PASSWORD"]
SALES = os.environ["LOADTEST_SALES"].split(",")
POOLS: dict[str, list[int]] = json.loads(os.environ["LOADTEST_POOLS"])  # username -> lead ids
WRITES = os.environ["LOADTEST_WRITES"]
IMPORT_CSV = os.environ["LOADTEST_IMPORT_CSV"]
_lock = threading.Lock()
_next_seller = iter(range(10**9))
_import_done = threading.Event()


def record(kind: str, **data) -> None:
    with _lock, open(WRITES, "a") as out:
        out.write(json.dumps({"kind": kind, **data}) + "\n")


class Staff(HttpUser):
    """A salesperson in the browser and on the API, one per simulated user."""

    wait_time = between(0.2, 1.0)

    def on_start(self):
        with _lock:
            self.username = SALES[next(_next_seller) % len(SALES)]
            self.pool = POOLS.setdefault(self.username, [])
        page = self.client.get("/login/", name="/login/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
        self.client.post(
            "/login/",
            {"username": self.username, "password": PASSWORD, "csrfmiddlewaretoken": token},
            name="/login/ POST",
        )
        self.csrf = self.client.cookies.get("csrftoken")

    # --- staff reads ------------------------------------------------------------------------
    @task(4)
    def home(self):
        self.client.get("/", name="page /")

    @task(4)
    def lead_list(self):
        self.client.get("/leads/", name="page /leads/")

    @task(1)
    def lead_search(self):
        self.client.get("/leads/?q=nova", name="page /leads/?q=")

    # --- API reads ----------------------------------------------------------------------
    @task(6)
    def api_leads(self):
        self.client.get("/api/v1/leads/", name="API /leads/")

    @task(2)
    def api_accounts(self):
        self.client.get("/api/v1/accounts/", name="API /accounts/")

    # --- writes ---------------------------------------------------------------------------
    @task(3)
    def transition(self):
        with _lock:
            lead_id = self.pool.pop() if self.pool else None
        if lead_id is None:
            return
        response = self.client.post(
            f"/api/v1/leads/{lead_id}/transitions/start_work/",
            json={},
            headers={"X-CSRFToken": self.csrf, "Referer": self.host + "/"},
            name="API transition start_work",
        )
        if response.status_code == 200:
            record("transition", lead=lead_id)

    @task(2)
    def capture(self):
        token = uuid.uuid4().hex[:16]
        email = f"lt-{token}@loadtest.example"
        response = self.client.post(
            "/api/v1/leads/",
            # a new company each time: a repeated name is (rightly) refused as a duplicate
            json={"name": "Load Test", "company": f"Load Co {token}", "email": email},
            headers={"X-CSRFToken": self.csrf, "Referer": self.host + "/"},
            name="API create lead",
        )
        if response.status_code == 201:
            record("create", email=email)

    @task(1)
    def one_import(self):
        if _import_done.is_set():
            return
        with _lock:
            if _import_done.is_set():
                return
            _import_done.set()
        page = self.client.get("/leads/import/", name="page /leads/import/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
        with open(IMPORT_CSV, "rb") as data:
            response = self.client.post(
                "/leads/import/",
                data={"csrfmiddlewaretoken": token},
                files={"file": ("loadtest.csv", data, "text/csv")},
                headers={"Referer": self.host + "/leads/import/"},
                name="page import POST",
            )
        if response.status_code == 200:
            record("import", file=IMPORT_CSV)


@events.quitting.add_listener
def _fail_on_errors(environment, **_kwargs):
    if environment.stats.total.num_failures:
        environment.process_exit_code = 1
