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
