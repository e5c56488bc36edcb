"""Counting large lists without reading them.

An exact COUNT(*) reads every matching row: on a million leads that alone costs more than
the page. Lists therefore count up to COUNT_CAP and say "10,000+" beyond it (a search up to
SEARCH_COUNT_CAP, "1,000+"); on PostgreSQL a search (a pattern filter such as `contains`,
whose matches no index yields in order) first asks the planner's row estimate (planning
only, no rows read), and a search it expects to match far beyond the cap is not counted.
Other list filters are index-backed, and the capped count reads at most COUNT_CAP index
entries.
"""

from __future__ import annotations

import json

from django.core.paginator import Paginator
from django.db import connections
from django.db.models import Q
from django.db.models.sql.where import OR, WhereNode
from django.utils.functional import cached_property

COUNT_CAP = 10_000
# A search counts up to this many: each match is a row read and rechecked against the
# pattern (10,000 matches of a trigram search cost ~50 ms on a million leads, 1,000 a tenth).
SEARCH_COUNT_CAP = 1_000


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


def visible_through(queryset, owned: Q, shared: Q):
    """`queryset` filtered to `owned | shared`, two disjoint rules (a user's own records, and
    the few shared with them that they do not own), counted apart by capped_count.

    With the OR alone in the WHERE, PostgreSQL cannot use the owner index as an index
    condition: to count up to the cap it walks a whole index and filters (250 ms on a
    million leads, where the owner's rows alone count in 1 ms). Counting each rule in place
    of the OR gives each count its index."""
    position = len(queryset.query.where.children)
    queryset = queryset.filter(owned | shared)
    # Kept by every clone of the query: the rules, and where their OR sits in the WHERE.
    queryset.query.ltc_count_rules = (owned, shared, position)
    return queryset


def _one_rule(queryset, position: int, part: int, rule: Q):
    """`queryset` with its `owned | shared` condition replaced by one of the two (`part` 0 or
    1). Adding the rule beside the OR instead repeats the owner condition in the index scan,
    which on a million leads made a team lead's search count 15 times slower."""
    queryset = queryset.all()  # a clone, with its own WHERE
    children = queryset.query.where.children
    node = children[position] if position < len(children) else None
    if isinstance(node, WhereNode) and node.connector == OR and len(node.children) == 2:
        children[position] = node.children[part]
        return queryset
    return queryset.filter(rule)  # the WHERE was rebuilt: add the rule beside the OR


def capped_count(queryset, cap: int | None = None) -> tuple[int, bool]:
    """(count, exact): the number of rows up to `cap` (COUNT_CAP); beyond it (cap, False)."""
    cap = COUNT_CAP if cap is None else cap
    if (known := _known_count(queryset)) is not None:
        count, exact = known
        return (cap, False) if count > cap else (count, exact)
    rules = getattr(queryset.query, "ltc_count_rules", None)
    if rules is not None:
        owned, shared, position = rules
        queryset = queryset.all()  # a clone, whose parts are counted plainly
        del queryset.query.ltc_count_rules
        count, exact = capped_count(_one_rule(queryset, position, 0, owned), cap)
        if not exact:
            return count, False
        shared_only = _one_rule(queryset, position, 1, shared).exclude(owned)
        more, exact = capped_count(shared_only, cap - count)
        return count + more, exact
    searching = _searches(queryset.query.where)
    if searching:
        cap = min(cap, SEARCH_COUNT_CAP)
    estimate = planner_estimate(queryset) if searching else None
    if estimate is not None and estimate > cap * 3:
        # The planner expects several times the cap: don't read up to cap rows to say so.
        return cap, False
    # Only the key: the select_related joins of the list need not run to count it.
    counted = queryset.order_by().values("pk")[: cap + 1].count()
    return (cap, False) if counted > cap else (counted, True)


# Keys fetched and sorted: cheap below NARROW_BELOW matches, a walk of the index wins above.
# The planner's guess for a search is often several times off either way (a salesperson's
# search, a Chinese term), so below NARROW_TRY_BELOW expected rows the keys are fetched, at
# most NARROW_BELOW of them, and the count found decides.
NARROW_BELOW = 2_500
NARROW_TRY_BELOW = 6_000


def narrow_search(queryset, indexed: bool = True):
    """A search matching few rows, narrowed to their keys first (PostgreSQL).

    With few matches the planner still tends to walk the list's created_at index and filter
    every row until a page is full, reading a large part of the table. Fetching the matching
    keys first (the trigram bitmap scans, no order) and paging over those reads only the
    matches. A search matching many rows is left alone: walking the index finds a page of
    them at once.

    What the search found is also its count (capped_count reads it instead of searching a
    second time): the number of keys, or "1,000+" (SEARCH_COUNT_CAP) when there were too
    many to narrow or the planner expects far more than that.

    `indexed` false: no index yields the matches (a term without a trigram, such as two
    Chinese characters), so fetching the keys reads rows until it has them, 200 ms for a
    salesperson's '星河' at 1M leads, while walking the list's order stops after a page. The
    planner's estimate then comes from the column's statistics alone, and the keys are
    fetched only where it expects too few matches for a walk to find a page soon."""
    estimate = planner_estimate(queryset)
    if estimate is None:
        return queryset
    if estimate >= NARROW_TRY_BELOW:
        return _with_known_count(queryset, SEARCH_COUNT_CAP, False)
    if not indexed and estimate >= NARROW_BELOW:
        return queryset  # capped_count counts it, or trusts the same estimate
    keys = list(queryset.order_by().values_list("pk", flat=True)[:NARROW_BELOW])
    if len(keys) >= NARROW_BELOW:
        # Many matches: walking the index finds a page at once.
        return _with_known_count(queryset, min(len(keys), SEARCH_COUNT_CAP), False)
    narrowed = queryset.model._default_manager.filter(pk__in=keys).select_related(
        *_select_related(queryset)
    )
    # The columns an API list reads through its relations (ltc.api.lists) come along.
    narrowed.query.ltc_list_columns = getattr(queryset.query, "ltc_list_columns", None)
    return _with_known_count(narrowed, len(keys), True)


def _with_known_count(queryset, count: int, exact: bool):
    """`queryset`, carrying the capped count of its rows as they are now. Kept by its clones
    (an ordering, a page) and dropped by any further filter, which would change the count:
    it is tied to the number of conditions in the WHERE."""
    queryset = queryset.all()
    queryset.query.ltc_known_count = (count, exact, len(queryset.query.where.children))
    return queryset


def _known_count(queryset) -> tuple[int, bool] | None:
    known = getattr(queryset.query, "ltc_known_count", None)
    if known is None or known[2] != len(queryset.query.where.children):
        return None
    return known[0], known[1]


def _select_related(queryset) -> list[str]:
    related = queryset.query.select_related
    if not isinstance(related, dict):
        return []
    out = []

    def walk(tree, prefix):
        for name, sub in tree.items():
            out.append(prefix + name)
            walk(sub, prefix + name + "__")

    walk(related, "")
    return out


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


def filter_by_account(request, queryset, field: str = "account_id"):
    """The list narrowed to one account by `?account=<id>` (the customer 360's "View all"
    links); anything but ASCII digits is ignored. Every list's queryset is already limited to
    what the user may see, so a foreign id only yields an empty list. The account foreign
    keys are indexed."""
    value = request.GET.get("account", "")
    if value.isascii() and value.isdigit():
        return queryset.filter(**{field: int(value)})
    return queryset
