"""One search column per searched table, and the lookups that use it.

A list search over several fields written as `icontains` joined with OR becomes one
`UPPER(col) LIKE` per field, each needing its own trigram index scan, OR'd together. Instead
the searched fields are kept in one stored generated column (`search_text_field`): the
fields lower-cased and joined by a line feed, which no search term contains, so a term never
matches across two fields. The database computes it on every write, including bulk paths
such as COPY, so it can never be stale. On PostgreSQL one GIN trigram index on that column
(`trigram_index_sql`) serves `search_text LIKE '%term%'` as a single bitmap index scan.

`search_q(term, model)` is the filter: the term lower-cased, matched with `contains` (LIKE,
whose pattern the trigram index serves; SQLite's LIKE ignores ASCII case anyway). The API's
`?search=` uses it through ltc.api.mixins.SearchTextFilter. On PostgreSQL a term holding
trigrams that most rows hold (`common_trigrams`) asks the index only for its other parts and
checks the whole term on the rows found (`index_parts`).
"""

from __future__ import annotations

import time

from django.conf import settings
from django.db import connection, migrations, models
from django.db.models import F, Func, Q, Value
from django.db.models.functions import Concat, Lower
from django.db.models.lookups import Contains

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


def search_q(term: str, model: type[models.Model]) -> Q:
    """Rows of `model` whose search column contains `term` (any case).

    Where some of the term's trigrams are common in the column (PostgreSQL), the index is
    asked for the parts made of the others, and the whole term is checked on the rows it gives
    against `Unindexed(search_text)`: the same rows, without reading the common trigrams'
    long posting lists."""
    term = term.strip().lower()
    whole = Q(**{f"{FIELD}__contains": term})
    if connection.vendor != "postgresql" or not settings.SEARCH_TRIGRAM_STATISTICS:
        return whole
    parts = index_parts(term, common_trigrams(model))
    if parts == [term]:
        return whole
    in_index = Q(*(Q(**{f"{FIELD}__contains": part}) for part in parts))
    return in_index & Q(Contains(Unindexed(F(FIELD)), term))


class Unindexed(Func):
    """`(search_text || '')`: the column's value as an expression no index is built on, so a
    LIKE on it is checked row by row and never joins the trigram index scan. Having no
    statistics, the planner takes that LIKE to keep few of the rows the index gives (the whole
    term is rarer than its parts), so it reads those rows rather than walking the list's order
    to find a page of them; a `strpos(...) > 0` check would count as a third of them."""

    template = "(%(expressions)s || '')"
    output_field = models.TextField()


# A trigram held by at least this share of a column's sampled rows is common. The GIN index
# keeps a posting list of that share of the table for it, and a search for a term holding it
# walks that list against each row its rarer trigrams give. At 1M leads, where every e-mail
# holds "bench", 'bench12345' took 83 ms; asking the index for 'h12345' and checking the
# whole term on the rows it gave took 2.5 ms.
COMMON_SHARE = 0.05
MIN_SAMPLE = 50  # fewer sampled rows (a small or unanalyzed table): nothing is called common
COMMON_TTL = 600.0  # seconds a process keeps a column's common trigrams
_common: dict[str, tuple[float, frozenset[str]]] = {}


def _trigram_starts(text: str) -> list[int]:
    """Where the trigrams pg_trgm takes from inside `text` start: three word characters
    (letters or digits, Chinese ones included) in a row."""
    word = [c.isalnum() for c in text]
    return [i for i in range(len(text) - 2) if word[i] and word[i + 1] and word[i + 2]]


def has_trigram(term: str) -> bool:
    """Whether the trigram index can find the rows holding `term`: it has three word
    characters in a row. A shorter term (two Chinese characters, an initial) has no trigram,
    and its rows are found only by reading rows and checking them."""
    return bool(_trigram_starts(term.strip().lower()))


def index_parts(term: str, common: frozenset[str] | set[str]) -> list[str]:
    """The pieces of `term` to ask the trigram index for: each run of the term's trigrams
    that are not in `common`. Every piece is part of the term, so every row holding the term
    holds them all. [term] itself when none of its trigrams is common, or all of them are
    (the index can then do no better than read them all)."""
    starts = _trigram_starts(term)
    rare = [i for i in starts if term[i : i + 3] not in common]
    if not rare or len(rare) == len(starts):
        return [term]
    parts = []
    first = last = rare[0]
    for i in rare[1:]:
        if i != last + 1:  # a common trigram (or a non-word character) in between
            parts.append(term[first : last + 3])
            first = i
        last = i
    parts.append(term[first : last + 3])
    return parts


def common_trigrams(model: type[models.Model]) -> frozenset[str]:
    """The trigrams in at least COMMON_SHARE of `model`'s search column, counted in the
    sample that PostgreSQL's ANALYZE keeps of it (the histogram's STATISTICS values, so no
    table is read). Kept by the process for COMMON_TTL seconds: a set gone stale can make a
    search slower, never change what it finds."""
    table = model._meta.db_table
    now = time.monotonic()
    cached = _common.get(table)
    if cached and cached[0] > now:
        return cached[1]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT histogram_bounds::text::text[] FROM pg_stats "
            "WHERE schemaname = current_schema() AND tablename = %s AND attname = %s",
            [table, FIELD],
        )
        row = cursor.fetchone()
    sample = (row[0] if row else None) or []
    common = _count_common(sample) if len(sample) >= MIN_SAMPLE else frozenset()
    _common[table] = (now + COMMON_TTL, common)
    return common


def _count_common(sample: list[str]) -> frozenset[str]:
    counts: dict[str, int] = {}
    for text in sample:
        for trigram in {text[i : i + 3] for i in _trigram_starts(text)}:
            counts[trigram] = counts.get(trigram, 0) + 1
    least = COMMON_SHARE * len(sample)
    return frozenset(trigram for trigram, count in counts.items() if count >= least)


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
