"""Filters on the links of the chain (`?lead=`, `?opportunity=`, `?contract=`, `?order=`,
`?invoice=`, `?account=`)."""

from __future__ import annotations

import django_filters
from django import forms


class VisibleFilter(django_filters.Filter):
    """`?<relation>=<id>`: the rows linked to that record, if the caller may see it; a record
    the caller may not see (or that does not exist) gives an empty list, never someone else's
    rows.

    `selector` is the related stage's role-aware list (e.g. leads.selectors.lead_list);
    `field_name` the path from this model to it (e.g. "opportunity__lead"). A path through a
    to-many relation passes distinct=True.
    """

    field_class = forms.IntegerField

    def __init__(self, *, selector, distinct=False, **kwargs):
        kwargs.setdefault("min_value", 1)
        super().__init__(distinct=distinct, **kwargs)
        self.selector = selector

    def filter(self, qs, value):
        if value in (None, ""):
            return qs
        request = getattr(self.parent, "request", None)
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return qs.none()
        visible = self.selector(user=user).filter(pk=value).values("pk")
        qs = qs.filter(**{f"{self.field_name}__in": visible})
        return qs.distinct() if self.distinct else qs
