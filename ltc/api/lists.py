"""List endpoints read what their rows show from related records as columns of the page's
own query.

A list serializer that shows `account.name` on each row would otherwise select the whole
account (and each other related record) with the row, building one object per row and
relation: on a page of 25 contracts that is 150 model instances and ~150 selected columns,
where the list needs 25 objects and a few joined values.

The columns are added once the list is counted (ltc.api.pagination), so the count does not
join the tables they come from.
"""

from __future__ import annotations

from django.db.models import F, QuerySet


def read_through(queryset: QuerySet, **columns: str) -> QuerySet:
    """`queryset` without its select_related, to be read with each related value the list
    shows under its serializer field's name: read_through(qs, account_name="account__name")."""
    queryset = queryset.select_related(None)
    queryset.query.ltc_list_columns = columns  # kept by every clone of the query
    return queryset


def with_list_columns(queryset):
    """The queryset with the columns read_through named, annotated (once)."""
    columns = getattr(getattr(queryset, "query", None), "ltc_list_columns", None)
    if not columns:
        return queryset
    queryset = queryset.annotate(**{name: F(path) for name, path in columns.items()})
    queryset.query.ltc_list_columns = None
    return queryset
