#!/usr/bin/env python
"""Import rates of the entity importers (ltc.imports): a company moving off Excel.

    .venv/bin/python bench/imports.py                       # SQLite (db.sqlite3)
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ltc_bench .venv/bin/python bench/imports.py

Generates, in memory, CSV files of `--accounts` accounts (default 2,000), `--contacts`
contacts (5,000, matched to those accounts half by name and half by tax ID), `--products`
products (300) and `--invoices` opening receivables (150), each with `--bad` per cent bad
rows (default 1 %), and imports them in that order with "only the good rows" through the
same function the Celery task runs (parse, check, set-based look-ups, bulk insert, one
transaction each), as marketing, sales support and finance. Prints rows/s per entity (rows
checked per second, end to end). Everything runs inside one transaction that is rolled
back at the end, so the database is left as it was and re-runs are comparable.
"""

from __future__ import annotations

import argparse
import datetime
import io
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
os.environ.setdefault("DEBUG", "0")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.contrib.auth.models import Group  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from ltc.imports import get_importer, run_import  # noqa: E402


class Rollback(Exception):
    pass


def _user(username: str, role: str):
    user, _ = get_user_model().objects.get_or_create(username=username)
    user.groups.add(Group.objects.get(name=role))
    return user


def _csv(lines: list[str]) -> io.BytesIO:
    data = io.BytesIO(("\n".join(lines) + "\n").encode("utf-8"))
    data.name = "bench.csv"
    return data


def files(args, stamp: str) -> dict[str, io.BytesIO]:
    every = max(1, int(100 / args.bad)) if args.bad else 0

    def bad(n: int) -> bool:
        return bool(every) and n % every == every - 1

    today = timezone.localdate()
    accounts = ["客户名称,行业,税号,电话,邮箱,信用额度,币种"]
    for n in range(args.accounts):
        email = "not-an-email" if bad(n) else f"info{n}@acct{stamp}.example.cn"
        accounts.append(
            f"压测客户{stamp}-{n:05d} 有限公司,manufacturing,TX{stamp}{n:06d},021-5555{n:04d},"
            f"{email},100000,CNY"
        )
    contacts = ["account,account_tax_id,name,title,email,phone,is_primary"]
    for n in range(args.contacts):
        a = n % args.accounts
        account = "Nobody Ltd" if bad(n) else f"压测客户{stamp}-{a:05d} 有限公司"
        by_tax = n % 2 and not bad(n)
        contacts.append(
            f"{'' if by_tax else account},{f'TX{stamp}{a:06d}' if by_tax else ''},"
            f"联系人{n},采购,c{n}@acct{stamp}.example.cn,1380000{n:04d},"
            f"{1 if n < args.accounts else 0}"
        )
    products = ["code,name,unit,price,currency,tax_rate"]
    for n in range(args.products):
        price = "-1" if bad(n) else f"{100 + n}.50"
        products.append(f"B{stamp}-{n:04d},压测产品 {n},台,{price},CNY,13")
    invoices = ["number,account_tax_id,issue_date,due_date,total,balance"]
    for n in range(args.invoices):
        issued = today - datetime.timedelta(days=5 + n % 90)
        due = issued + datetime.timedelta(days=30)
        balance = "999999" if bad(n) else "600.00"
        invoices.append(
            f"OLD{stamp}-{n:05d},TX{stamp}{n % args.accounts:06d},{issued},{due},1130.00,{balance}"
        )
    return {
        "accounts": _csv(accounts),
        "contacts": _csv(contacts),
        "products": _csv(products),
        "opening-invoices": _csv(invoices),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--accounts", type=int, default=2000)
    parser.add_argument("--contacts", type=int, default=5000)
    parser.add_argument("--products", type=int, default=300)
    parser.add_argument("--invoices", type=int, default=150)
    parser.add_argument("--bad", type=float, default=1.0, help="per cent of bad rows")
    args = parser.parse_args()

    print(f"database: {connection.vendor}; load average: {os.getloadavg()[0]:.2f}")
    stamp = timezone.now().strftime("%H%M%S")
    results = []
    try:
        with transaction.atomic():
            people = {
                "accounts": _user("bench.imp.marketing", "marketing"),
                "products": _user("bench.imp.support", "sales_support"),
                "opening-invoices": _user("bench.imp.finance", "finance"),
            }
            people["contacts"] = people["accounts"]
            for entity, data in files(args, stamp).items():
                started = time.perf_counter()
                report = run_import(
                    get_importer(entity), file=data, user=people[entity], only_good_rows=True
                )
                elapsed = time.perf_counter() - started
                results.append((entity, report, elapsed))
                print(
                    f"{entity:18} {report.total:6d} rows  {report.created:6d} created  "
                    f"{report.bad:4d} bad  {elapsed:6.2f} s  {report.total / elapsed:8.0f} rows/s"
                )
            raise Rollback
    except Rollback:
        pass
    total_rows = sum(r.total for _e, r, _t in results)
    total_time = sum(t for _e, _r, t in results)
    print(
        f"{'all':18} {total_rows:6d} rows  {total_time:6.2f} s  "
        f"{total_rows / total_time:8.0f} rows/s"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
