"""Gapless numbers per series and year (INV-2026-000123, CN-2026-000001).

The counter row of the year is locked (SELECT ... FOR UPDATE) and incremented inside the
caller's transaction: concurrent issuers queue on the lock, and a rollback returns the number
with everything else, so the series has neither gaps nor duplicates. Never MAX()+1, never a
database sequence (a sequence keeps the number a rolled-back transaction took).
"""

from __future__ import annotations

from django.db import transaction

from .models import NumberCounter


def next_number(series: str, year: int) -> str:
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("next_number must run inside the issuing transaction")
    # Create the year's row if it is missing; a concurrent creator wins quietly.
    NumberCounter.objects.bulk_create(
        [NumberCounter(series=series, year=year, last=0)], ignore_conflicts=True
    )
    counter = NumberCounter.objects.select_for_update().get(series=series, year=year)
    counter.last += 1
    counter.save(update_fields=["last"])
    return f"{series}-{year}-{counter.last:06d}"
