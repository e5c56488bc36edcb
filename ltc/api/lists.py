"""List endpoints read what their rows show from related records as columns of the page's
own query.

A list serializer that shows `account.name` on each row would otherwise select the whole
account (and each other related record) with the row, building one object per row and
relation: on a page of 25 contracts that is 150 model instances and ~150 selected columns,
where the list needs 25 objects and a few joined values.
"""

from __future__ import annotations

from django.db.models import F, QuerySet


def read_through(queryset: QuerySet, **columns: str) -> QuerySet:
    """`queryset` without its select_related, each related value the list shows annotated
    under its serializer field's name: read_through(qs, account_name="account__name")."""
    return queryset.select_related(None).annotate(
        **{name: F(path) for name, path in columns.items()}
    )
