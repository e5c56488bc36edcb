"""One search column per searched table, and the lookups that use it.

A list search over several fields written as `icontains` joined with OR becomes one
`UPPER(col) LIKE` per field, each needing its own trigram index scan, OR'd together. Instead
the searched fields are kept in one stored generated column (`search_text_field`): the
fields lower-cased and joined by a line feed, which no search term contains, so a term never
matches across two fields. The database computes it on every write, including bulk paths
such as COPY, so it can never be stale. On PostgreSQL one GIN trigram index on that column
(`trigram_index_sql`) serves `search_text LIKE '%term%'` as a single bitmap index scan.

`search_q(term)` is the filter: the term lower-cased, matched with `contains` (LIKE, whose
pattern the trigram index serves; SQLite's LIKE ignores ASCII case anyway). The API's
`?search=` uses it through ltc.api.mixins.SearchTextFilter.
"""

from __future__ import annotations

from django.db import migrations, models
from django.db.models import Q, Value
from django.db.models.functions import Concat, Lower

FIELD = "search_text"
SEPARATOR = "\n"


def search_text_field(*fields: str) -> models.GeneratedField:
    """A stored generated column: `fields` lower-cased, joined by SEPARATOR."""
    parts: list = []
    for name in fields:
        parts += [Value(SEPARATOR), name] if parts else [name]
    expression = Lower(Concat(*parts, output_field=models.TextField()))
    return models.GeneratedField(
        expression=expression,
        output_field=models.TextField(),
        db_persist=True,
    )


def search_q(term: str, *, prefix: str = "") -> Q:
    """Rows whose search column contains `term` (any case). `prefix` reaches a related
    model's column, e.g. "account__"."""
    return Q(**{f"{prefix}{FIELD}__contains": term.strip().lower()})


def trigram_index_sql(table: str, name: str, *, lead_column: str = "") -> tuple[str, str]:
    """(create, drop) SQL of the GIN trigram index on a table's search column (PostgreSQL).

    `lead_column` (e.g. the owner) is put in the same GIN index (btree_gin): a multicolumn
    GIN index serves a condition on either column or both, so a salesperson's search reads
    only the keys that are theirs AND match, while a search over every row uses it as the
    plain trigram index."""
    columns = (
        f'"{lead_column}", "{FIELD}" gin_trgm_ops' if lead_column else f'"{FIELD}" gin_trgm_ops'
    )
    return (
        f'CREATE INDEX IF NOT EXISTS "{name}" ON "{table}" USING gin ({columns})',
        f'DROP INDEX IF EXISTS "{name}"',
    )


# Rows of the search column's histogram: with the default 100, a term in a few percent of the
# rows is often in none of them, and the planner estimates 0.01 % of the table (its floor).
# Believing the match rare, it reads every match and sorts them, where walking the list's
# created_at index would stop after a page. At 1M leads, 'nova' (2.5 %) took 69 ms that way
# and 6 ms by the walk.
STATISTICS = 1000


def statistics_operation(*tables: str) -> migrations.RunPython:
    """The migration giving the search column of each of `tables` STATISTICS histogram rows,
    built at once (PostgreSQL; nothing elsewhere). Not left to autovacuum's next ANALYZE,
    which a table that seldom changes may not see for long (it takes 5 s on a million leads)."""

    def alter(schema_editor, target: int, analyze: bool) -> None:
        if schema_editor.connection.vendor != "postgresql":
            return
        for table in tables:
            schema_editor.execute(
                f'ALTER TABLE "{table}" ALTER COLUMN "{FIELD}" SET STATISTICS {target}'
            )
            if analyze:
                schema_editor.execute(f'ANALYZE "{table}" ("{FIELD}")')

    return migrations.RunPython(
        lambda apps, schema_editor: alter(schema_editor, STATISTICS, analyze=True),
        lambda apps, schema_editor: alter(schema_editor, -1, analyze=False),
        elidable=False,
    )
