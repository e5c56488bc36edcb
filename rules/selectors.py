"""Reads for the settings page."""

from __future__ import annotations

from django.db.models import QuerySet

from . import specs
from .models import RuleChange

LOG_LIMIT = 50


def recent_changes(limit: int = LOG_LIMIT) -> QuerySet[RuleChange]:
    """The latest changes, newest first, each with its author (one query)."""
    return RuleChange.objects.select_related("changed_by").order_by("-changed_at", "-pk")[:limit]


def label_of(key: str) -> str:
    try:
        return str(specs.spec_for(key).label)
    except LookupError:  # a rule no longer editable (e.g. a hand-off removed): its key
        return key
