#!/usr/bin/env python
"""`make loadtest`: locust against gunicorn with production settings on PostgreSQL and Redis.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ltc_load REDIS_URL=redis://127.0.0.1:6379/1 \\
        make loadtest LOADTEST_ARGS="--users 20 --seconds 60"

It migrates the database, collects static files, creates `--sellers` salespeople (password
below) each with a pool of new leads, starts gunicorn and a Celery worker on 127.0.0.1 only,
and runs bench/locustfile.py headless: staff pages, API reads, `start_work` transitions, lead
captures and one CSV import. Afterwards it recounts every write the server acknowledged:
each transitioned lead has exactly one transition log row and is `working`, each captured
e-mail exists exactly once, the import's rows exist exactly once. It prints throughput,
p50/p95/p99 and errors per request kind, and exits 1 on any error or miscount.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
PASSWORD = "loadtest-pass-2026"
CAMPAIGN = "loadtest"
IMPORT_CAMPAIGN = "loadtest-import"


def wait_for_port(port: int, proc, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"the server on port {port} did not start") from None
            time.sleep(0.3)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=20, help="concurrent locust users")
    parser.add_argument("--spawn-rate", type=float, default=5)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--sellers", type=int, default=10)
    parser.add_argument("--leads-per-seller", type=int, default=400)
    parser.add_argument("--import-rows", type=int, default=2000)
    parser.add_argument("--port", type=int, default=8181)
    parser.add_argument("--workers", type=int, default=3, help="gunicorn worker processes")
    args = parser.parse_args(argv)

    database_url = os.environ.get("DATABASE_URL", "")
    redis_url = os.environ.get("REDIS_URL", "")
    if not database_url.startswith("postgres") or not redis_url.startswith("redis"):
        raise SystemExit("set DATABASE_URL=postgres://... and REDIS_URL=redis://...")
    OUT.mkdir(parents=True, exist_ok=True)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "SECRET_KEY": os.environ.get("SECRET_KEY", "loadtest-" + "k" * 50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "STATIC_ROOT": str(OUT / "static"),
        "SECURE_COOKIES": "false",  # plain HTTP on 127.0.0.1
        "THROTTLE_USER": "100000/minute",
        "EMAIL_URL": "dummymail://",
        "LOG_LEVEL": "WARNING",
    }
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.core.management import call_command
    from django.db import connection

    from leads.importer import bulk_insert_leads
    from leads.models import Lead
    from ltc.models import TransitionLog

    started = time.perf_counter()
    call_command("migrate", interactive=False, verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    users = get_user_model()
    sales = Group.objects.get(name="sales")
    sellers = []
    for i in range(1, args.sellers + 1):
        user, _ = users.objects.get_or_create(username=f"loadtest.sales{i}")
        user.set_password(PASSWORD)
        user.save()
        user.groups.add(sales)
        sellers.append(user)
    # Fresh pools of `new` leads for the transitions; earlier runs' rows are removed.
    pool = Lead.objects.filter(campaign=CAMPAIGN).values("pk")
    TransitionLog.objects.filter(content_type__model="lead", object_id__in=pool).delete()
    Lead.objects.filter(campaign__in=[CAMPAIGN, IMPORT_CAMPAIGN]).delete()
    Lead.objects.filter(email__endswith="@loadtest.example").delete()
    records = [
        {
            "name": f"Pool {s.pk}-{n}",
            "company": f"Pool Co {s.pk}-{n}",
            "email": f"pool{s.pk}-{n}@pool.example",
            "source": "web",
            "campaign": CAMPAIGN,
            "owner_id": s.pk,
            "created_by_id": s.pk,
        }
        for s in sellers
        for n in range(args.leads_per_seller)
    ]
    ids = bulk_insert_leads(records)
    names = {s.pk: s.username for s in sellers}
    pools: dict[str, list[int]] = {s.username: [] for s in sellers}
    for pk, record in zip(ids, records, strict=True):
        pools[names[record["owner_id"]]].append(pk)
    import_csv = OUT / "loadtest-import.csv"
    with open(import_csv, "w", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["name", "company", "email", "phone", "source", "campaign"])
        for n in range(args.import_rows):
            writer.writerow(
                [
                    f"Imported {n}",
                    f"Import Co {n}",
                    f"imp{n}@imp.example",
                    "",
                    "web",
                    IMPORT_CAMPAIGN,
                ]
            )
    writes = OUT / "loadtest-writes.jsonl"
    writes.unlink(missing_ok=True)
    logs_before = TransitionLog.objects.count()
    connection.close()
    print(f"prepared in {time.perf_counter() - started:.1f} s: {len(ids):,} pool leads")

    procs = []
    try:
        web_log = open(OUT / "loadtest-gunicorn.log", "w")  # noqa: SIM115 - closed in finally
        procs.append(
            subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "config.wsgi:application"]
                + ["--bind", f"127.0.0.1:{args.port}", "--workers", str(args.workers)]
                + ["--access-logfile", "-"],
                cwd=ROOT,
                env=env,
                stdout=web_log,
                stderr=subprocess.STDOUT,
            )
        )
        worker_log = open(OUT / "loadtest-worker.log", "w")  # noqa: SIM115
        procs.append(
            subprocess.Popen(
                [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=solo"]
                + ["-Q", "celery,notifications,rollups,imports", "--loglevel=WARNING"],
                cwd=ROOT,
                env=env,
                stdout=worker_log,
                stderr=subprocess.STDOUT,
            )
        )
        wait_for_port(args.port, procs[0])
        locust_env = {
            **env,
            "LOADTEST_PASSWORD": PASSWORD,
            "LOADTEST_SALES": ",".join(s.username for s in sellers),
            "LOADTEST_POOLS": json.dumps(pools),
            "LOADTEST_WRITES": str(writes),
            "LOADTEST_IMPORT_CSV": str(import_csv),
        }
        print(f"locust: {args.users} users for {args.seconds} s against 127.0.0.1:{args.port}")
        run = subprocess.run(
            [sys.executable, "-m", "locust", "-f", str(ROOT / "bench" / "locustfile.py")]
            + ["--headless", "-u", str(args.users), "-r", str(args.spawn_rate)]
            + ["-t", f"{args.seconds}s", "--host", f"http://127.0.0.1:{args.port}"]
            + ["--csv", str(OUT / "loadtest"), "--only-summary", "--stop-timeout", "30"],
            cwd=ROOT,
            env=locust_env,
        )
    finally:
        for proc in procs:
            proc.send_signal(signal.SIGTERM)
        for proc in procs:
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()

    # --- figures --------------------------------------------------------------------------
    print()
    with open(OUT / "loadtest_stats.csv") as stats:
        rows = list(csv.DictReader(stats))
    head = f"{'request':<28}{'count':>8}{'fail':>6}{'req/s':>8}{'p50':>7}{'p95':>7}{'p99':>7}"
    print(head)
    print("-" * len(head))
    for row in rows:
        print(
            f"{(row['Name'] or row['Type'])[:27]:<28}{row['Request Count']:>8}"
            f"{row['Failure Count']:>6}{float(row['Requests/s']):>8.1f}{row['50%']:>7}"
            f"{row['95%']:>7}{row['99%']:>7}"
        )
    total = next(r for r in rows if r["Name"] == "Aggregated")
    errors = int(total["Failure Count"])

    # --- recount --------------------------------------------------------------------------
    acknowledged = (
        [json.loads(line) for line in writes.read_text().splitlines()] if writes.exists() else []
    )
    transitioned = [w["lead"] for w in acknowledged if w["kind"] == "transition"]
    created = [w["email"] for w in acknowledged if w["kind"] == "create"]
    imported = [w for w in acknowledged if w["kind"] == "import"]
    problems = []
    if len(set(transitioned)) != len(transitioned):
        problems.append("a lead acknowledged as transitioned twice")
    logs = TransitionLog.objects.filter(
        content_type__model="lead", transition="start_work", object_id__in=transitioned
    )
    per_lead = {}
    for object_id in logs.values_list("object_id", flat=True):
        per_lead[int(object_id)] = per_lead.get(int(object_id), 0) + 1
    lost = [pk for pk in transitioned if per_lead.get(pk) != 1]
    if lost:
        problems.append(f"{len(lost)} acknowledged transitions without exactly one log row")
    working = Lead.objects.filter(pk__in=transitioned, status="working").count()
    if working != len(transitioned):
        problems.append(f"{len(transitioned) - working} transitioned leads not working")
    extra_logs = TransitionLog.objects.count() - logs_before
    counts = {}
    for email in Lead.objects.filter(email__in=created).values_list("email", flat=True):
        counts[email] = counts.get(email, 0) + 1
    if any(counts.get(e) != 1 for e in created):
        problems.append("a captured lead missing or duplicated")
    leftover = Lead.objects.filter(email__endswith="@loadtest.example").count()
    if leftover != len(created):
        problems.append(f"{leftover} captured leads stored, {len(created)} acknowledged")
    imported_rows = Lead.objects.filter(campaign=IMPORT_CAMPAIGN).count()
    expected_import = args.import_rows if imported else 0
    if imported_rows != expected_import:
        problems.append(f"import: {imported_rows} rows stored, {expected_import} expected")
    print()
    print(
        f"total: {total['Request Count']} requests, {float(total['Requests/s']):.1f} req/s, "
        f"p50 {total['50%']} ms, p95 {total['95%']} ms, p99 {total['99%']} ms, "
        f"{errors} errors ({args.users} users, {args.seconds} s, {args.workers} gunicorn workers)"
    )
    print(
        f"recount: {len(transitioned)} transitions ({extra_logs} new log rows in all), "
        f"{len(created)} captures, import {imported_rows:,} rows: "
        + ("OK, 0 lost, 0 duplicated" if not problems else "; ".join(problems))
    )
    shutil.rmtree(OUT / "static", ignore_errors=True)
    return 1 if errors or problems or run.returncode else 0


if __name__ == "__main__":
    sys.exit(main())
