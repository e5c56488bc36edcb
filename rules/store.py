"""The stored rule values, kept per process and reloaded when any process changes one.

Every read compares the process's copy with a version stamp in the shared "rules" cache
(Redis, or files on a single machine); a change writes a new stamp, so each web worker and
Celery process loads the new values on its next read, with no restart. The stamp is written
when the change is saved (the writer's own later reads see it) and again when its transaction
commits (a process that reloaded in between, still seeing the old rows, reloads once more)."""

from __future__ import annotations

import time
import uuid
from typing import Any

from celery.signals import task_prerun
from django.conf import settings
from django.core.cache import caches
from django.core.signals import request_started
from django.dispatch import receiver

VERSION_KEY = "rules:version"

# (version stamp, {key: value}) of this process; replaced whole, never mutated.
_snapshot: tuple[str | None, dict[str, Any]] = (None, {})


def _cache():
    return caches["rules" if "rules" in settings.CACHES else "default"]


# The stamp read last and when: a request or a task checks the shared stamp once (a page reads
# rules on every row), and a long-running shell or command again after RECHECK_SECONDS.
RECHECK_SECONDS = 1.0
_checked: tuple[str | None, float] = (None, 0.0)


@receiver(request_started)
@task_prerun.connect
def recheck(**kwargs) -> None:
    """A new request or task: the next read checks the shared stamp again."""
    global _checked
    _checked = (None, 0.0)


def _version() -> str:
    global _checked
    version, at = _checked
    now = time.monotonic()
    if version is not None and now - at < RECHECK_SECONDS:
        return version
    version = _shared_version()
    _checked = (version, now)
    return version


def _shared_version() -> str:
    cache = _cache()
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, uuid.uuid4().hex, None)
        version = cache.get(VERSION_KEY)
    return version


def stored() -> dict[str, Any]:
    """{key: value} of every rule set in the browser (the defaults are not in it)."""
    global _snapshot
    version = _version()
    if version is not None and _snapshot[0] == version:
        return _snapshot[1]
    from .models import Rule

    values = dict(Rule.objects.values_list("key", "value"))
    _snapshot = (version, values)
    return values


def changed() -> None:
    """A rule changed: every process (this one included) reloads on its next read."""
    global _snapshot
    _cache().set(VERSION_KEY, uuid.uuid4().hex, None)
    _snapshot = (None, {})
    recheck()


def forget() -> None:
    """Drop this process's copy and the stamp (tests: the database was rolled back)."""
    global _snapshot
    _snapshot = (None, {})
    _cache().delete(VERSION_KEY)
    recheck()
