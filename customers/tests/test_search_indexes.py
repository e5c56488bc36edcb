"""The accounts and contacts search is served by the trigram indexes (PostgreSQL)."""

import pytest
from django.db import connection
from django.db.models import Q

from customers.models import Account, Contact


@pytest.mark.postgres
@pytest.mark.django_db
@pytest.mark.parametrize(
    ("model", "table"), [(Account, "customers_account"), (Contact, "customers_contact")]
)
def test_search_expression_matches_the_trigram_indexes(model, table):
    term = "nova"
    qs = model.objects.filter(
        Q(name__icontains=term) | Q(email__icontains=term) | Q(phone__icontains=term)
    )
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # a tiny table: ask what could be used
        plan = qs.explain()
    for column in ("name", "email", "phone"):
        assert f"{table}_{column}_trgm_idx" in plan, plan


@pytest.mark.postgres
@pytest.mark.django_db
def test_global_search_on_accounts_is_served_by_the_trigram_indexes():
    from search.selectors import SOURCES, _matching

    source = next(s for s in SOURCES if s.kind == "account")
    qs = Account.objects.filter(_matching(source.fields, "nova"))
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        plan = qs.explain()
    for column in source.fields:
        assert f"customers_account_{column}_trgm_idx" in plan, plan
