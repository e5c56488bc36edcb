"""The leads search column (ltc/searchtext.py): kept by the database on every write path,
used by the API, the list page and the global search, and served by one trigram index."""

import pytest
from django.db import connection
from django.urls import reverse
from rest_framework.test import APIClient

from leads.importer import bulk_insert_leads
from leads.models import Lead
from leads.selectors import lead_list
from leads.tests.factories import LeadFactory
from ltc.searchtext import STATISTICS, search_q
from roles.tests.factories import user_with
from search.selectors import global_search


def text_of(lead) -> str:
    return Lead.objects.values_list("search_text", flat=True).get(pk=lead.pk)


@pytest.mark.django_db
def test_the_column_follows_create_update_and_queryset_update():
    lead = LeadFactory(name="Wang Wei", company="Nova Tech", email="W@Nova.example", phone="+86 1")
    assert text_of(lead) == "wang wei\nnova tech\nw@nova.example\n+86 1"
    lead.company = "Apex 上海"
    lead.save()
    assert "apex 上海" in text_of(lead) and "nova tech" not in text_of(lead)
    Lead.objects.filter(pk=lead.pk).update(email="")
    assert text_of(lead) == "wang wei\napex 上海\n\n+86 1"


@pytest.mark.django_db
def test_the_column_is_filled_by_the_bulk_insert_path():
    marketer = user_with("marketing")
    (pk,) = bulk_insert_leads(
        [
            {
                "name": "Li Na",
                "company": "Harbor Logistics",
                "email": "li@harbor.example",
                "phone": "138",
                "created_by_id": marketer.pk,
            }
        ]  # fmt: skip
    )
    assert text_of(Lead(pk=pk)) == "li na\nharbor logistics\nli@harbor.example\n138"
    assert list(Lead.objects.filter(search_q("HARBOR", Lead)).values_list("pk", flat=True)) == [pk]


@pytest.mark.django_db
def test_a_term_never_matches_across_two_fields():
    LeadFactory(name="Wang", company="Wei Trading", email="", phone="1")
    assert not Lead.objects.filter(search_q("wang wei", Lead)).exists()
    assert Lead.objects.filter(search_q("wei trad", Lead)).exists()


@pytest.mark.django_db
def test_api_page_and_global_search_use_the_column_and_visibility():
    seller = user_with("sales")
    mine = LeadFactory(owner=seller, company="Zenith Medical", email="a@a.example")
    LeadFactory(company="Zenith Medical", email="b@b.example")  # someone else's
    api = APIClient()
    api.force_authenticate(seller)
    answer = api.get("/api/v1/leads/", {"search": "ZENITH med"}).json()
    assert [row["id"] for row in answer["results"]] == [mine.pk]
    client = APIClient()
    client.force_login(seller)
    page = client.get(reverse("leads:list"), {"q": "zenith"})
    assert list(page.context["page"].object_list) == [mine]
    (group,) = [g for g in global_search(user=seller, query="Zenith") if g["kind"] == "lead"]
    assert [hit["url"] for hit in group["hits"]] == [mine.get_absolute_url()]


@pytest.mark.postgres
@pytest.mark.django_db
def test_the_search_is_one_scan_of_the_trigram_index():
    qs = lead_list(user=user_with("manager")).filter(search_q("nova", Lead))
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # a tiny table: ask what could be used
        cursor.execute("SET LOCAL enable_indexscan = off")  # not the created_at walk either
        plan = qs.explain()
    # one scan of the trigram index, by its search column alone (the manager sees every lead)
    assert plan.count("lead_owner_search_trgm_idx") == 1, plan
    assert "Index Cond: (search_text ~~ '%nova%'::text)" in plan, plan
    assert "lead_name_trgm_idx" not in plan and "UPPER" not in plan, plan


@pytest.mark.postgres
@pytest.mark.django_db
def test_the_search_index_is_owner_with_search_column():
    """One GIN index on (owner_id, search_text): a salesperson's search reads the keys both
    theirs and matching from it, a search of every lead its search column alone. No second
    trigram index for every insert to keep (leads.0016)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'leads_lead'")
        indexes = dict(cursor.fetchall())
    definition = indexes["lead_owner_search_trgm_idx"]
    assert "USING gin (owner_id, search_text gin_trgm_ops)" in definition, definition
    trigram = [name for name, sql in indexes.items() if "gin_trgm_ops" in sql]
    assert trigram == ["lead_owner_search_trgm_idx"], trigram


@pytest.mark.postgres
@pytest.mark.django_db
@pytest.mark.parametrize("table", ["leads_lead", "customers_account", "customers_contact"])
def test_the_search_columns_keep_a_finer_histogram(table):
    """ltc.searchtext.STATISTICS: the planner then sees that a common term matches many rows
    and walks the list's order instead of sorting every match."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT attstattarget FROM pg_attribute WHERE attrelid = %s::regclass "
            "AND attname = 'search_text'",
            [table],
        )
        assert cursor.fetchone() == (STATISTICS,)
