#!/usr/bin/env python
"""`make bench-http`: the main lists and the home page over HTTP, as the users see them.

    createdb -h 127.0.0.1 -U postgres ltc_http
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ltc_http make bench-http
    make bench-http BENCH_HTTP_ARGS="--requests 50 --users sales"

It migrates the database, seeds the demo data (`manage.py seed_demo`, idempotent), collects
static files and starts gunicorn with production settings (CONN_MAX_AGE as configured, so
database connections are kept between requests) on 127.0.0.1 only. Then, for each `--users`
demo user, it signs in through the login page (the browser's session) and issues an API token,
and times `--requests` sequential GETs (after `--warmup` ones) of the home page, the browser
list pages and the API list endpoints. It prints p50 and p95 per case against issue 10's
targets (API list endpoints p50 < 12 ms, home p50 < 20 ms; the browser list pages have none
and are reported), the gunicorn worker's CPU per request, the load average while measuring,
and exits 1 if a target is missed. Wall-clock times on a loaded machine are inflated: compare
runs on a quiet one, or compare the CPU column, which other load inflates far less.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path

from loadtest import wait_for_port  # bench/loadtest.py, next to this script
from proc import children, cpu_ms  # bench/proc.py

# (Not named bench/http.py: run as a script, its folder comes first on sys.path, and a
# module there named `http` would stand in for the standard library's, which every other
# script in this folder imports through Django.)

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"

HOME_TARGET, LIST_TARGET = 20.0, 12.0
# (label, path): the home page, then each stage's browser list and its API list.
PAGES = [
    ("home /", "/"),
    ("page /leads/", "/leads/"),
    ("page /opportunities/", "/opportunities/"),
    ("page /customers/accounts/", "/customers/accounts/"),
    ("page /customers/contacts/", "/customers/contacts/"),
    ("page /contracts/", "/contracts/"),
    ("page /orders/", "/orders/"),
    ("page /billing/invoices/", "/billing/invoices/"),
]
API = [
    ("API leads", "/api/v1/leads/"),
    ("API opportunities", "/api/v1/opportunities/"),
    ("API accounts", "/api/v1/accounts/"),
    ("API contacts", "/api/v1/contacts/"),
    ("API contracts", "/api/v1/contracts/"),
    ("API orders", "/api/v1/orders/"),
    ("API invoices", "/api/v1/invoices/"),
]


def load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def target(label: str) -> float | None:
    if label.startswith("home"):
        return HOME_TARGET
    return LIST_TARGET if label.startswith("API") else None  # browser list pages: reported


def sign_in(session, base: str, username: str, password: str) -> None:
    page = session.get(f"{base}/login/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    answer = session.post(
        f"{base}/login/",
        {"username": username, "password": password, "csrfmiddlewaretoken": token},
        headers={"Referer": f"{base}/login/"},
        allow_redirects=False,
    )
    if answer.status_code != 302:
        raise SystemExit(f"signing in as {username} answered {answer.status_code}")


def worker_cpu(master: int) -> float:
    """CPU seconds used so far by the gunicorn workers of `master` (0.0 where /proc cannot
    say). Per request it is the server's own cost."""
    return sum(cpu_ms(pid) or 0.0 for pid in children(master)) / 1000


def time_case(session, url: str, headers: dict, requests: int, warmup: int) -> list[float]:
    for _i in range(warmup):
        answer = session.get(url, headers=headers, allow_redirects=False)
        if answer.status_code != 200:
            raise SystemExit(f"GET {url} answered {answer.status_code}")
    times = []
    for _i in range(requests):
        started = time.perf_counter()
        answer = session.get(url, headers=headers, allow_redirects=False)
        answer.content  # noqa: B018 - the whole body is part of the time
        times.append((time.perf_counter() - started) * 1000)
        if answer.status_code != 200:
            raise SystemExit(f"GET {url} answered {answer.status_code}")
    return times


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=100, help="timed requests per case")
    parser.add_argument("--warmup", type=int, default=10, help="untimed requests per case")
    parser.add_argument(
        "--users", default="sales,manager", help="demo users to sign in as (comma-separated)"
    )
    parser.add_argument("--port", type=int, default=8191)
    parser.add_argument("--workers", type=int, default=1, help="gunicorn worker processes")
    parser.add_argument("--skip-seed", action="store_true", help="the demo data is there")
    args = parser.parse_args(argv)

    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        raise SystemExit("set DATABASE_URL=postgres://... (the targets are for PostgreSQL)")
    OUT.mkdir(parents=True, exist_ok=True)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "SECRET_KEY": os.environ.get("SECRET_KEY", "bench-http-" + "k" * 50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "STATIC_ROOT": str(OUT / "http-static"),
        "SECURE_COOKIES": "false",  # plain HTTP on 127.0.0.1
        "SECURE_SSL_REDIRECT": "false",
        "THROTTLE_USER": "100000/minute",
        "EMAIL_URL": "dummymail://",
        "LOG_LEVEL": "WARNING",
    }
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    import requests
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection

    from roles.demo import DEMO_PASSWORD
    from roles.tokens import token_issue

    started = time.perf_counter()
    call_command("migrate", interactive=False, verbosity=0)
    if not args.skip_seed:
        call_command("seed_demo", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    names = [n.strip() for n in args.users.split(",") if n.strip()]
    users = {u.username: u for u in get_user_model().objects.filter(username__in=names)}
    missing = sorted(set(names) - set(users))
    if missing:
        raise SystemExit(f"no demo user {', '.join(missing)} (see roles/demo.py)")
    keys = {name: token_issue(user=users[name], name="bench-http")[1] for name in names}
    db = settings.DATABASES["default"]
    connection.close()
    print(
        f"prepared in {time.perf_counter() - started:.1f} s; gunicorn ({args.workers} sync "
        f"worker(s), production settings, CONN_MAX_AGE={db['CONN_MAX_AGE']}) on PostgreSQL "
        f"{db['NAME']}; {os.cpu_count()} CPUs"
    )

    base = f"http://127.0.0.1:{args.port}"
    rows = []
    log = open(OUT / "bench-http-gunicorn.log", "w")  # noqa: SIM115 - closed in finally
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "config.wsgi:application"]
        + ["--bind", f"127.0.0.1:{args.port}", "--workers", str(args.workers)],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        wait_for_port(args.port, server)
        load_before = load()
        for name in names:
            session = requests.Session()
            sign_in(session, base, name, DEMO_PASSWORD)
            api = {"Authorization": f"Token {keys[name]}", "Accept": "application/json"}
            cases = [(label, path, {}) for label, path in PAGES]
            cases += [(label, path, api) for label, path in API]
            for label, path, headers in cases:
                api_session = requests.Session() if headers else session  # API: token only
                cpu_before = worker_cpu(server.pid)
                times = time_case(api_session, base + path, headers, args.requests, args.warmup)
                cpu = (worker_cpu(server.pid) - cpu_before) * 1000 / (args.requests + args.warmup)
                p50 = statistics.median(times)
                p95 = statistics.quantiles(times, n=100, method="inclusive")[94]
                rows.append((label, name, p50, p95, cpu))
                print(
                    f"  {label:<28}{name:<10} p50 {p50:6.1f} ms  p95 {p95:6.1f} ms  "
                    f"server CPU {cpu:5.1f} ms",
                    flush=True,
                )
        load_after = load()
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()
        shutil.rmtree(OUT / "http-static", ignore_errors=True)

    print()
    print(
        f"LTC bench-http: {args.requests} requests per case over HTTP "
        f"(load average before {load_before}, after {load_after})"
    )
    head = f"{'case':<28}{'user':<10}{'p50 ms':>8}{'p95 ms':>8}{'CPU ms':>8}  target p50"
    print(head)
    print("-" * len(head))
    missed = []
    for label, name, p50, p95, cpu in rows:
        limit = target(label)
        figures = f"{label:<28}{name:<10}{p50:>8.1f}{p95:>8.1f}{cpu:>8.1f}"
        if limit is None:
            print(f"{figures}  reported")
            continue
        ok = p50 < limit
        if not ok:
            missed.append(f"{label} ({name})")
        mark = " " if ok else "!"
        print(f"{figures}{mark} < {limit:.0f}")
    print("targets " + ("MISSED: " + ", ".join(missed) if missed else "all met") + " (! = missed)")
    print(
        "CPU ms: the gunicorn worker's CPU per request, warm-ups included (Linux). Load from "
        "elsewhere inflates the wall-clock p50 much more than this."
    )
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
