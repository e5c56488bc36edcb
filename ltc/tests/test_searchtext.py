"""Searches leave the trigrams most rows hold out of the index scan (ltc.searchtext): which
pieces of a term the index is asked for, the common trigrams read from PostgreSQL's
statistics, and that the rows found are the same as those of the plain LIKE."""

import pytest
from django.db import connection
from hypothesis import given
from hypothesis import strategies as st

from customers.models import Account
from leads.models import Lead
from leads.tests.factories import LeadFactory
from ltc import searchtext
from ltc.paging import planner_estimate
from ltc.searchtext import common_trigrams, has_trigram, index_parts, search_q


def trigrams(text: str) -> set[str]:
    return {text[i : i + 3] for i in searchtext._trigram_starts(text)}


@pytest.mark.parametrize(
    ("term", "common", "parts"),
    [
        ("bench12345", set(), ["bench12345"]),  # nothing common: the whole term
        ("bench", {"ben", "enc", "nch"}, ["bench"]),  # all common: the index reads them all
        ("bench12345", {"ben", "enc", "nch", "ch1"}, ["h12345"]),
        ("bench12345", {"enc", "123"}, ["ben", "nch12", "2345"]),  # runs between common ones
        ("abcxyzdef", {"cxy", "xyz", "yzd"}, ["abcx", "zdef"]),
        ("li@nova", {"nov"}, ["ova"]),  # "li@" holds no trigram
        ("上海星河科技", {"上海星"}, ["海星河科技"]),  # Chinese characters are word characters
        ("ab", {"ab"}, ["ab"]),  # too short for a trigram
    ],
)
def test_index_parts(term, common, parts):
    assert index_parts(term, common) == parts


@pytest.mark.parametrize(
    ("term", "found_by_the_index"),
    [
        ("nova", True),
        ("上海星河", True),
        (" Nov ", True),
        ("星河", False),  # two Chinese characters: no trigram
        ("ab", False),
        ("ab-cd x", False),  # no three word characters in a row
    ],
)
def test_has_trigram(term, found_by_the_index):
    assert has_trigram(term) is found_by_the_index


words = st.text(alphabet="abcdeé12 @.-星河", max_size=14)


@given(term=words, common=st.sets(st.text(alphabet="abcdeé12 @.-星河", min_size=3, max_size=3)))
def test_index_parts_are_pieces_of_the_term_holding_all_its_rare_trigrams(term, common):
    parts = index_parts(term, common)
    assert all(part in term for part in parts)  # a row holding the term holds every part
    rare = trigrams(term) - common
    asked = set().union(*(trigrams(part) for part in parts))
    assert rare <= asked
    if parts != [term]:  # rewritten: no common trigram is asked for
        assert not asked & common


@pytest.mark.django_db
def test_without_statistics_the_search_is_the_plain_like(settings):
    settings.SEARCH_TRIGRAM_STATISTICS = False
    sql = str(Lead.objects.filter(search_q("Bench12345", Lead)).query)
    assert "|| ''" not in sql
    assert "%bench12345%" in sql


@pytest.fixture
def statistics(settings):
    settings.SEARCH_TRIGRAM_STATISTICS = True
    searchtext._common.clear()
    yield
    searchtext._common.clear()


def analyze(table: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f'ANALYZE "{table}"')


@pytest.fixture
def bench_leads(db):
    """200 leads that all hold "zqbench" in their e-mail, as a large import might."""
    leads = [
        LeadFactory.build(
            name=f"Person {i}", company=f"Company {i:04d}", email=f"zqbench{i:04d}@x.cn", phone=""
        )
        for i in range(200)
    ]
    Lead.objects.bulk_create(leads)
    return leads


@pytest.mark.postgres
def test_common_trigrams_come_from_the_columns_statistics(statistics, bench_leads):
    assert common_trigrams(Lead) == frozenset()  # not analyzed yet: nothing is called common
    searchtext._common.clear()
    analyze("leads_lead")
    common = common_trigrams(Lead)
    assert {"zqb", "qbe", "ben", "enc", "nch", "per", "com"} <= common  # in every row
    assert "h01" in common  # in half the rows: zqbench0100 to zqbench0199
    assert "123" not in common  # in one row: Person 123, zqbench0123


@pytest.mark.postgres
def test_a_process_keeps_the_common_trigrams_for_a_while(
    statistics, bench_leads, django_assert_num_queries, monkeypatch
):
    analyze("leads_lead")
    first = common_trigrams(Lead)
    with django_assert_num_queries(0):
        assert common_trigrams(Lead) == first
    monkeypatch.setattr(searchtext, "COMMON_TTL", -1.0)
    searchtext._common.clear()
    with django_assert_num_queries(1):
        common_trigrams(Lead)
    with django_assert_num_queries(1):  # expired at once: read again
        common_trigrams(Lead)


@pytest.mark.postgres
@pytest.mark.parametrize(
    "term",
    ["zqbench0123", "ZQBENCH0123", "bench01", "zqbench", "0123@x", "company 0042", "nobody", "0"],
)
def test_the_rows_found_are_those_holding_the_term(statistics, bench_leads, term):
    analyze("leads_lead")
    plain = {lead.pk for lead in Lead.objects.all() if term.lower() in lead.search_text}
    assert set(Lead.objects.filter(search_q(term, Lead)).values_list("pk", flat=True)) == plain


@pytest.mark.postgres
def test_the_index_is_asked_only_for_the_rare_part(statistics, bench_leads):
    analyze("leads_lead")
    qs = Lead.objects.filter(search_q("zqbench0123", Lead))
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # a small table: show the index scan
        cursor.execute("SET LOCAL enable_indexscan = off")  # not the created_at walk either
        plan = qs.explain()
    parts = index_parts("zqbench0123", common_trigrams(Lead))
    assert parts and not any("ben" in part for part in parts)
    for part in parts:
        assert f"(search_text ~~ '%{part}%'::text)" in plan, plan
    index_conds = [line for line in plan.splitlines() if "Index Cond" in line]
    assert index_conds and not any("zqbench0123" in line for line in index_conds), plan
    assert "Filter: ((search_text || ''::text) ~~ '%zqbench0123%'::text)" in plan, plan
    assert list(qs.values_list("email", flat=True)) == ["zqbench0123@x.cn"]


@pytest.mark.postgres
def test_each_table_has_its_own_common_trigrams(statistics, bench_leads):
    analyze("leads_lead")
    analyze("customers_account")
    assert "ben" in common_trigrams(Lead)
    assert "ben" not in common_trigrams(Account)
    sql = str(Account.objects.filter(search_q("zqbench0123", Account)).query)
    assert "|| ''" not in sql


@pytest.mark.postgres
def test_the_planner_takes_the_whole_term_check_as_selective(statistics, bench_leads):
    """It expects few of the rows the index gives to hold the whole term, so it reads those
    rows (a bitmap scan) rather than walking the list's order and filtering every row."""
    for i in range(8):  # "zqmark" in 4 % of the rows: not common, yet not rare
        LeadFactory(email=f"zqbench-zqmark{i}@z.cn")
    analyze("leads_lead")
    assert index_parts("zqbench-zqmark", common_trigrams(Lead)) == ["zqmark"]
    given = planner_estimate(Lead.objects.filter(search_text__contains="zqmark"))
    qs = Lead.objects.filter(search_q("zqbench-zqmark", Lead))
    kept = planner_estimate(qs)
    assert kept is not None and given is not None and given >= 4
    assert kept <= max(1, given // 20), (given, kept)
    assert qs.count() == 8
