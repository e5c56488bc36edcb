"""What global search looks in: for each kind of record, the stage's own role-aware list
(so a user finds exactly what the lists would show them) and the fields a person types."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from billing.selectors import invoice_list
from contracts.selectors import contract_list
from customers.selectors import account_list, contact_list, contact_matching
from feedback.selectors import ticket_list
from leads.selectors import lead_list
from ltc.searchtext import FIELD as SEARCH_TEXT
from ltc.searchtext import search_q
from opportunities.selectors import opportunity_list, quote_list
from orders.selectors import order_list

MIN_LENGTH = 2
# A contact's name, email, phone or its account's name (customers.selectors.contact_matching).
CONTACT = "contact"
PER_KIND = 5


@dataclass(frozen=True)
class Source:
    kind: str
    label: object
    records: Callable[..., QuerySet]
    fields: tuple[str, ...]
    detail: Callable[[Any], str]


def _account_of(record) -> str:
    account = getattr(record, "account", None)
    return str(account) if account else ""


SOURCES = [
    # search_text: the model's one trigram-indexed search column (ltc/searchtext.py).
    Source("account", _("Accounts"), account_list, (SEARCH_TEXT,), str),
    Source("contact", _("Contacts"), contact_list, (CONTACT,), _account_of),
    Source("lead", _("Leads"), lead_list, (SEARCH_TEXT,), lambda r: r.company),
    Source(
        "opportunity", _("Opportunities"), opportunity_list, ("name", "account__name"), _account_of
    ),
    Source(
        "quote",
        _("Quotes"),
        quote_list,
        ("opportunity__name", "opportunity__account__name"),
        lambda r: str(r.opportunity),
    ),
    Source("contract", _("Contracts"), contract_list, ("number", "account__name"), _account_of),
    Source("order", _("Orders"), order_list, ("number", "account__name"), _account_of),
    Source("invoice", _("Invoices"), invoice_list, ("number", "account__name"), _account_of),
    Source("ticket", _("Tickets"), ticket_list, ("subject", "account__name"), _account_of),
]


def _rows_matching(model, path: str, query: str) -> QuerySet:
    """The ids of `model` rows whose field `path` contains `query` (any case). Through a
    relation ("account__name") it is the rows whose foreign key is among the matching related
    rows: each step is one index lookup (the trigram index on the column, ltc/trigram.py,
    then the foreign key's index), not a join filtered row by row."""
    relation, _sep, rest = path.partition("__")
    if not rest:
        return model.objects.filter(**{f"{path}__icontains": query}).values("pk").order_by()
    related = model._meta.get_field(relation).related_model
    matching = _rows_matching(related, rest, query)
    return model.objects.filter(**{f"{relation}__in": matching}).values("pk").order_by()


def _matching(fields: tuple[str, ...], query: str, model) -> Q:
    """Rows of `model` with `query` in any of `fields`. The search columns (SEARCH_TEXT,
    CONTACT) are matched on their own trigram indexes; other fields as one set of ids, the
    UNION of each field's matches, so an OR across tables does not force a full scan."""
    condition = Q()
    plain = []
    for field in fields:
        if field == SEARCH_TEXT:
            condition |= search_q(query, model)
        elif field == CONTACT:
            condition |= contact_matching(query)
        else:
            plain.append(_rows_matching(model, field, query))
    if plain:
        condition |= Q(pk__in=plain[0].union(*plain[1:]) if len(plain) > 1 else plain[0])
    return condition


def global_search(*, user, query: str, per_kind: int = PER_KIND) -> list[dict]:
    """Up to `per_kind` hits of each kind the user may see, one query per kind.

    Returns [{"kind", "label", "hits": [{"title", "detail", "url"}]}] for the kinds with hits.
    """
    query = " ".join(query.split())
    if len(query) < MIN_LENGTH:
        return []
    groups = []
    for source in SOURCES:
        visible = source.records(user=user)
        records = list(
            visible.filter(_matching(source.fields, query, visible.model)).order_by("-pk")[
                :per_kind
            ]
        )
        if records:
            groups.append(
                {
                    "kind": source.kind,
                    "label": source.label,
                    "hits": [
                        {
                            "title": str(record),
                            "detail": source.detail(record),
                            "url": record.get_absolute_url(),
                        }
                        for record in records
                    ],
                }
            )
    return groups
