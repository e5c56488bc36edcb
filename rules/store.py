"""The stored rule values, kept per process and reloaded when any process changes one.

Every read compares the process's copy with a version stamp in the shared "rules" cache
(Redis, or files on a single machine); a change writes a new stamp, so each web worker and
Celery process loads the new values on its next read, with no restart. The stamp is written
when the change is saved (the writer's own later reads see it) and again when its transaction
commits (a process that reloaded in between, still seeing the old rows, reloads once more)."""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.core.cache import caches

VERSION_KEY = "rules:version"

# (version stamp, {key: value}) of this process; replaced whole, never mutated.
_snapshot: tuple[str | None, dict[str, Any]] = (None, {})


def _cache():
    return caches["rules" if "rules" in settings.CACHES else "default"]


def _version() -> str:
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


def forget() -> None:
    """Drop this process's copy and the stamp (tests: the database was rolled back)."""
    global _snapshot
    _snapshot = (None, {})
    _cache().delete(VERSION_KEY)
