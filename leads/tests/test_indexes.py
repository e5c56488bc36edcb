"""The lead table's indexes (PostgreSQL): the list's filters and the duplicate checks each
find one, and none is a copy of the start of another, which every insert would write for
nothing (leads.0017)."""

import pytest
from django.db import connection

from leads.models import Lead

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


def btree_columns(table: str) -> dict[str, list[str]]:
    """{index: its key columns in order} of the table's B-tree indexes on plain columns."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT i.relname, array_agg(a.attname ORDER BY k.n)
            FROM pg_index x
            JOIN pg_class i ON i.oid = x.indexrelid
            JOIN pg_am am ON am.oid = i.relam AND am.amname = 'btree'
            CROSS JOIN LATERAL unnest(x.indkey[0:x.indnkeyatts - 1]) WITH ORDINALITY k(att, n)
            JOIN pg_attribute a ON a.attrelid = x.indrelid AND a.attnum = k.att
            WHERE x.indrelid = %s::regclass AND x.indexprs IS NULL
            GROUP BY i.relname
            """,
            [table],
        )
        return dict(cursor.fetchall())


def test_no_lead_index_is_the_start_of_another():
    indexes = btree_columns("leads_lead")
    assert {"lead_owner_status_idx", "lead_company_key_idx"} <= set(indexes)
    for name, columns in indexes.items():
        for other, longer in indexes.items():
            if other != name:
                assert longer[: len(columns)] != columns, (name, columns, other, longer)


@pytest.mark.parametrize(
    ("column", "value"),
    [("status", "new"), ("owner_id", 1), ("company_key", "nova"), ("phone_key", "13800000000")],
)
def test_each_look_up_has_an_index(column, value):
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # a tiny table: ask what could be used
        plan = Lead.objects.filter(**{column: value}).order_by().values("pk").explain()
    cond = plan.partition("Index Cond: ")[2].replace("(", "").replace(")::text", "")
    assert cond.startswith(f"{column} = "), plan
