"""The stored rule values, kept per process and reloaded when any process changes one.

A read compares the process's copy with a version stamp in the shared "rules" cache (Redis,
or files on a single machine): the first read of each request, and every read outside a
request (tasks, shell); the rest of the request reuses that stamp, so a list page that reads
a rule per row asks the cache once. A change writes a new stamp, so each web worker and
Celery process loads the new values on its next read, with no restart. The stamp is written
when the change is saved (the writer's own later reads see it) and again when its transaction
commits (a process that reloaded in between, still seeing the old rows, reloads once more)."""

from __future__ import annotations

import uuid
from typing import Any

from asgiref.local import Local
from django.conf import settings
from django.core.cache import caches

VERSION_KEY = "rules:version"

# (version stamp, {key: value}) of this process; replaced whole, never mutated.
_snapshot: tuple[str | None, dict[str, Any]] = (None, {})
# The stamp this request read (`stamp`), or no attribute / None: read it from the cache.
_request = Local()
_IN_REQUEST = object()


def request_started(**kwargs) -> None:
    """request_started: this request reads the stamp once, at its first rule read."""
    _request.stamp = _IN_REQUEST


def request_finished(**kwargs) -> None:
    """request_finished: reads outside a request check the stamp every time again."""
    _request.stamp = None


def _cache():
    return caches["rules" if "rules" in settings.CACHES else "default"]


def _version() -> str:
    held = getattr(_request, "stamp", None)
    if held is not None and held is not _IN_REQUEST:
        return held
    cache = _cache()
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, uuid.uuid4().hex, None)
        version = cache.get(VERSION_KEY)
    if held is _IN_REQUEST and version is not None:
        _request.stamp = version
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
    _forget_stamp()


def forget() -> None:
    """Drop this process's copy and the stamp (tests: the database was rolled back)."""
    global _snapshot
    _snapshot = (None, {})
    _cache().delete(VERSION_KEY)
    _forget_stamp()


def _forget_stamp() -> None:
    """This request's later reads read the new stamp (the writer sees its own change)."""
    if getattr(_request, "stamp", None) is not None:
        _request.stamp = _IN_REQUEST
