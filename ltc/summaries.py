"""Sections later stages add to an earlier record's summary (the account's customer 360),
shown on its page and served by its API (`GET /api/v1/accounts/{id}/summary/`), without the
earlier stage importing them.

A stage declares `summaries={"customers.Account": ("billing.summary.INVOICES", ...)}` in its
AppConfig (ltc/wiring.py); each entry is a `Section`. Its `data(record=..., user=...,
limit=...)` returns the section's data for that viewer, or None when the viewer may not see
that kind of record at all (the section is then left out of the page and the API). Each
section runs a fixed number of SQL queries whatever the number of records behind it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.db.models import Q
from django.urls import reverse
from django.utils.module_loading import import_string

# How many records each section lists; the section links to the full filtered list.
LIMIT = 5


@dataclass(frozen=True)
class Section:
    key: str  # the key in the API answer
    template: str  # rendered on the record page with the section's data
    data: str  # dotted path: func(*, record, user, limit) -> dict | None
    serializer: str  # dotted path: the DRF serializer of the section's data (API, schema)
    order: int = 100  # position on the page, lowest first
    _cache: dict = field(default_factory=dict, compare=False, hash=False, repr=False)

    def load(self, name: str):
        if name not in self._cache:
            self._cache[name] = import_string(getattr(self, name))
        return self._cache[name]

    @property
    def data_func(self) -> Callable[..., dict | None]:
        return self.load("data")

    @property
    def serializer_class(self):
        return self.load("serializer")


# model label (lower case) -> sections, ordered by `order`
SECTIONS: dict[str, list[Section]] = {}


def sections_for(label: str) -> list[Section]:
    return sorted(SECTIONS.get(label.lower(), ()), key=lambda s: (s.order, s.key))


def summary(record, user, *, limit: int = LIMIT) -> list[tuple[Section, dict]]:
    """Each section this viewer may see, with its data, in page order."""
    found = []
    for section in sections_for(record._meta.label_lower):
        data = section.data_func(record=record, user=user, limit=limit)
        if data is not None:
            found.append((section, data))
    return found


def sees_none(rule) -> bool:
    """True when a visibility rule (`<model>_visibility(user)`: None for everything, else a
    Q) lets the viewer see no record of that kind, so the section is left out."""
    return rule is not None and rule == Q(pk__in=[])


def list_url(url_name: str, record, param: str = "account") -> str:
    """The full list page filtered by the record (`?account=<id>`)."""
    return f"{reverse(url_name)}?{param}={record.pk}"


def by_currency(rows, field: str = "amount") -> list[dict]:
    """`values("currency").annotate(amount=...)` rows as [{currency, amount}], zero sums
    left out."""
    return [
        {"currency": row["currency"], "amount": row[field]}
        for row in rows
        if row[field] is not None and row[field] != 0
    ]
