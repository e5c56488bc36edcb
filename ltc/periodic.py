"""Periodic tasks stay correct when two beats run.

Exactly one `celery beat` should send the schedule, but a second one (a copy started by
mistake, a failover overlapping the old process) sends every task twice. Every periodic
sweep is idempotent on its own (notification keys, one DunningNotice per invoice and
threshold, state checks), so a repeat run finds nothing left to do; on top of that, a
PostgreSQL advisory lock lets only one run of the same task proceed at a time, so two
copies never race through the same rows. A run that finds the lock taken is skipped: the
run holding it does the same work.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterator
from contextlib import contextmanager

from celery import Task
from django.conf import settings
from django.db import connection

log = logging.getLogger(__name__)


def _lock_key(name: str) -> int:
    digest = hashlib.blake2b(name.encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


@contextmanager
def single_run(name: str) -> Iterator[bool]:
    """Yields True when this process holds the lock named `name` (always on SQLite, where a
    single writer runs at a time anyway), False when another run holds it."""
    if connection.vendor != "postgresql":
        yield True
        return
    key = _lock_key(name)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [key])
        acquired = cursor.fetchone()[0]
    try:
        yield acquired
    finally:
        if acquired:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [key])


def periodic_task_names() -> set[str]:
    return {str(spec["task"]) for spec in settings.CELERY_BEAT_SCHEDULE.values()}


class SingleRunTask(Task):
    """The Celery app's task class: scheduled tasks run under single_run()."""

    def __call__(self, *args, **kwargs):
        if self.name not in periodic_task_names():
            return super().__call__(*args, **kwargs)
        with single_run(f"periodic:{self.name}") as acquired:
            if not acquired:
                log.info("%s is running elsewhere; this copy is skipped", self.name)
                return None
            return super().__call__(*args, **kwargs)
