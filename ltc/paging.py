"""Counting large lists without reading them.

An exact COUNT(*) reads every matching row: on a million leads that alone costs more than
the page. Lists therefore count up to COUNT_CAP and say "10,000+" beyond it; on PostgreSQL
a search (a pattern filter such as `icontains`, whose matches no index yields in order) first
asks the planner's row estimate (planning only, no rows read), and a search it expects to
match far beyond the cap is not counted at all. Other list filters are index-backed, and the
capped count reads at most COUNT_CAP index entries.
"""

from __future__ import annotations

import json

from django.core.paginator import Paginator
from django.db import connections
from django.utils.functional import cached_property

COUNT_CAP = 10_000


def planner_estimate(queryset) -> int | None:
    """The planner's row estimate for the queryset (PostgreSQL), or None elsewhere."""
    if connections[queryset.db].vendor != "postgresql":
        return None
    try:
        plan = json.loads(queryset.order_by().explain(format="json"))
    except Exception:  # an estimate is an optimisation; counting still answers
        return None
    return int(plan[0]["Plan"]["Plan Rows"])


PATTERN_LOOKUPS = {"contains", "icontains", "startswith", "istartswith", "regex", "iregex"}


def _searches(where) -> bool:
    for child in getattr(where, "children", ()):
        if getattr(child, "lookup_name", None) in PATTERN_LOOKUPS or _searches(child):
            return True
    return False


def capped_count(queryset, cap: int | None = None) -> tuple[int, bool]:
    """(count, exact): the number of rows up to `cap` (COUNT_CAP); beyond it (cap, False)."""
    cap = COUNT_CAP if cap is None else cap
    estimate = planner_estimate(queryset) if _searches(queryset.query.where) else None
    if estimate is not None and estimate > cap * 3:
        # The planner expects several times the cap: don't read up to cap rows to say so.
        return cap, False
    counted = queryset.order_by()[: cap + 1].count()
    return (cap, False) if counted > cap else (counted, True)


class CappedPaginator(Paginator):
    """A Paginator whose count stops at COUNT_CAP; `count_exact` says whether it did.

    Pages beyond the capped count are not offered; the API walks further with its cursor."""

    @cached_property
    def _capped(self) -> tuple[int, bool]:
        if isinstance(self.object_list, list | tuple):
            return len(self.object_list), True
        return capped_count(self.object_list)

    @cached_property
    def count(self) -> int:
        return self._capped[0]

    @property
    def count_exact(self) -> bool:
        return self._capped[1]
