#!/usr/bin/env python
"""Bench of the chain view and the lead-to-cash forecast: SQL queries and time per request.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ltc_bench .venv/bin/python bench/chain.py
    .venv/bin/python bench/chain.py --invoices 500 --requests 50

Builds (once; found again by name on later runs) two deals through the real services: one
with a single invoice and payment, one with `--invoices` invoices each paid by its own
payment. Then, in process with Django's test client as a manager, it times
GET /api/v1/chain/contract/{id}/ for both and GET /api/v1/kpis/forecast/, and prints the
p50, p95 and the SQL queries of each. Target: the chain view under 20 queries whatever the
number of invoices and payments.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
os.environ.setdefault("DEBUG", "0")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.contrib.auth.models import Group  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from billing import services as billing  # noqa: E402
from catalog.models import Product  # noqa: E402
from contracts.models import Contract  # noqa: E402
from contracts.services import contract_create_from_quote  # noqa: E402
from customers.models import Account  # noqa: E402
from leads.models import Lead  # noqa: E402
from opportunities.models import Opportunity, Quote, QuoteLine  # noqa: E402
from orders.services import order_create_from_contract  # noqa: E402

NAME = "bench chain deal"


def log(message: str) -> None:
    print(message, flush=True)


def user(username: str, role: str):
    person, _created = get_user_model().objects.get_or_create(
        username=username, defaults={"email": f"{username}@example.com"}
    )
    person.groups.add(Group.objects.get(name=role))
    return person


@transaction.atomic
def deal(invoices: int, seller, finance) -> Contract:
    """A won deal with a signed contract, its order and `invoices` paid invoices."""
    name = f"{NAME} ({invoices})"
    existing = Contract.objects.filter(opportunity__name=name).first()
    if existing is not None:
        return existing
    account = Account.objects.create(name=name, owner=seller)
    lead = Lead.objects.create(name=name, company=name, phone="13900000000", owner=seller)
    Lead.objects.filter(pk=lead.pk).update(status="converted", converted_at=timezone.now())
    opp = Opportunity.objects.create(
        name=name, account=account, lead=lead, owner=seller, amount=Decimal("1000.00")
    )
    Opportunity.objects.filter(pk=opp.pk).update(stage="won", probability=100)
    product, _created = Product.objects.get_or_create(
        code="BENCH-CHAIN",
        defaults={"name": "Bench item", "price": Decimal("1000.00"), "currency": "CNY"},
    )
    quote = Quote.objects.create(opportunity=opp, version=1, currency="CNY")
    line = QuoteLine(quote=quote, product=product, quantity=Decimal("1"), unit_price=product.price)
    line.compute()
    line.save()
    quote.recalculate()
    quote.save()
    Quote.objects.filter(pk=quote.pk).update(status="accepted")
    quote.refresh_from_db()
    contract = contract_create_from_quote(opportunity=opp, quote=quote, user=seller)
    Contract.objects.filter(pk=contract.pk).update(status="signed")
    contract.refresh_from_db()
    order = order_create_from_contract(contract=contract, user=seller)
    for i in range(invoices):
        invoice = billing.invoice_create(
            user=finance,
            account=account,
            contract=contract,
            currency="CNY",
            lines=[{"description": f"Part {i}", "quantity": "1", "unit_price": "10.00"}],
        )
        invoice = billing.invoice_issue(obj=invoice, user=finance, data={})
        billing.payment_record(
            user=finance,
            account=account,
            amount=invoice.total,
            currency="CNY",
            allocations=[{"invoice": invoice.pk, "amount": str(invoice.total)}],
        )
    del order
    return contract


def measure(client: Client, url: str, requests: int) -> tuple[float, float, int]:
    client.get(url)  # warm caches (content types, session)
    times, queries = [], 0
    for _i in range(requests):
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (url, response.status_code)
        queries = len(captured)
    times.sort()
    p95 = times[max(0, int(len(times) * 0.95) - 1)]
    return statistics.median(times), p95, queries


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--invoices", type=int, default=300, help="invoices of the large deal")
    parser.add_argument("--requests", type=int, default=30, help="timed requests per case")
    args = parser.parse_args(argv)
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    # Building the deals notifies people by email: keep those out of the output.
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    call_command("migrate", interactive=False, verbosity=0)
    seller = user("bench.chain.sales", "sales")
    finance = user("bench.chain.finance", "finance")
    manager = user("bench.chain.manager", "manager")
    small = deal(1, seller, finance)
    large = deal(args.invoices, seller, finance)
    client = Client()
    client.force_login(manager)
    rows = [
        ("chain view, 1 invoice", f"/api/v1/chain/contract/{small.pk}/"),
        (f"chain view, {args.invoices} invoices", f"/api/v1/chain/contract/{large.pk}/"),
        ("chain page, 1 invoice", f"/kpis/chain/contract/{small.pk}/"),
        (f"chain page, {args.invoices} invoices", f"/kpis/chain/contract/{large.pk}/"),
        ("lead-to-cash forecast", "/api/v1/kpis/forecast/"),
    ]
    log(f"database: {connection.vendor}; {args.requests} requests per case, as a manager")
    line = f"{'case':<34}{'p50 ms':>8}{'p95 ms':>8}{'SQL':>5}"
    log(line)
    log("-" * len(line))
    chain_queries = []
    for label, url in rows:
        p50, p95, queries = measure(client, url, args.requests)
        if label.startswith("chain"):
            chain_queries.append(queries)
        log(f"{label:<34}{p50:>8.1f}{p95:>8.1f}{queries:>5}")
    worst = max(chain_queries)
    steady = len(set(chain_queries[:2])) == 1 and len(set(chain_queries[2:])) == 1
    ok = worst < 20 and steady
    log(
        f"target chain view < 20 SQL queries whatever the number of invoices: worst {worst}, "
        f"{'the same' if steady else 'NOT the same'} at 1 and {args.invoices} invoices "
        f"{'OK' if ok else 'MISSED'}"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
