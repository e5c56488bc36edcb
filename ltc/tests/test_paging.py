"""Capped counts and keyset pages: large lists are neither counted in full nor walked by
OFFSET, and walking them by cursor returns every row exactly once."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from leads.models import Lead
from leads.tests.factories import LeadFactory
from ltc import paging
from ltc.paging import CappedPaginator, capped_count, narrow_search
from roles.tests.factories import user_with

pytestmark = pytest.mark.django_db


@pytest.fixture
def cap3(monkeypatch):
    monkeypatch.setattr(paging, "COUNT_CAP", 3)


def test_capped_count_is_exact_below_the_cap_and_capped_above(cap3):
    LeadFactory.create_batch(3)
    assert capped_count(Lead.objects.all()) == (3, True)
    LeadFactory()
    assert capped_count(Lead.objects.all()) == (3, False)
    assert capped_count(Lead.objects.filter(name__icontains="Lead Person")) == (3, False)
    assert capped_count(Lead.objects.filter(name="nobody")) == (0, True)


def test_paginator_offers_pages_up_to_the_cap(cap3):
    LeadFactory.create_batch(5)
    paginator = CappedPaginator(Lead.objects.order_by("pk"), 2)
    assert (paginator.count, paginator.count_exact, paginator.num_pages) == (3, False, 2)
    small = CappedPaginator(Lead.objects.filter(pk__in=[]), 2)
    assert (small.count, small.count_exact) == (0, True)


def test_list_page_shows_a_capped_count(cap3):
    manager = user_with("manager")
    LeadFactory.create_batch(5)
    client = Client()
    client.force_login(manager)
    body = " ".join(client.get("/leads/").content.decode().split())
    assert "Showing 1–3 of 3+" in body
    paging.COUNT_CAP = 10
    body = " ".join(client.get("/leads/").content.decode().split())
    assert "Showing 1–5 of 5 " in body


def _api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_large_api_list_answers_with_a_cursor_that_walks_every_row_once(cap3):
    manager = user_with("manager")
    leads = LeadFactory.create_batch(7)
    expected = [lead.pk for lead in sorted(leads, key=lambda x: (x.created_at, x.pk), reverse=True)]
    page = _api(manager).get("/api/v1/leads/", {"page_size": 2}).json()
    assert (page["count"], page["count_exact"]) == (3, False)
    assert "cursor=" in page["next"]
    seen = [row["id"] for row in page["results"]]
    while page["next"]:
        page = _api(manager).get(page["next"]).json()
        seen += [row["id"] for row in page["results"]]
    assert seen == expected


def test_cursor_pages_keep_their_order_on_ties(cap3):
    """Rows that share the ordering key (score) still come once each."""
    manager = user_with("manager")
    leads = LeadFactory.create_batch(6)
    Lead.objects.update(score=10)
    seen, url = [], "/api/v1/leads/?cursor=&ordering=-score&page_size=4"
    while url:
        page = _api(manager).get(url).json()
        seen += [row["id"] for row in page["results"]]
        url = page["next"]
    assert sorted(seen) == sorted(lead.pk for lead in leads) and len(seen) == 6


def test_small_api_list_keeps_page_numbers(cap3):
    manager = user_with("manager")
    LeadFactory.create_batch(3)
    page = _api(manager).get("/api/v1/leads/", {"page_size": 2}).json()
    assert (page["count"], page["count_exact"]) == (3, True)
    assert "page=2" in page["next"]
    second = _api(manager).get("/api/v1/leads/", {"page_size": 2, "page": 2}).json()
    assert len(second["results"]) == 1 and second["next"] is None


def test_keyset_pages_run_a_fixed_number_of_queries(cap3, django_assert_max_num_queries):
    seller = user_with("sales")
    LeadFactory.create_batch(30, owner=seller)
    client = _api(seller)
    for size in (5, 25):
        with django_assert_max_num_queries(6):
            page = client.get("/api/v1/leads/", {"page_size": size}).json()
        assert len(page["results"]) == size and page["count_exact"] is False
        with django_assert_max_num_queries(5):
            follow = client.get(page["next"]).json()
        assert len(follow["results"]) == 5 if size == 25 else size


def _nova_leads(count, **fields):
    return [LeadFactory(company=f"Nova Works {i}", **fields) for i in range(count)]


@pytest.fixture
def few_expected(monkeypatch):
    """The planner expects few matches (on PostgreSQL it would be asked; elsewhere never)."""
    monkeypatch.setattr(paging, "planner_estimate", lambda queryset: 1)


def test_a_narrowed_search_is_counted_by_its_keys_without_a_second_search(few_expected):
    matches = _nova_leads(4)
    LeadFactory(company="Acme")
    narrowed = narrow_search(Lead.objects.filter(company__icontains="nova")).order_by("-pk")
    with CaptureQueriesContext(connection) as queries:
        assert capped_count(narrowed) == (4, True)
        assert capped_count(narrowed, cap=3) == (3, False)
    assert len(queries) == 0
    assert [lead.pk for lead in narrowed] == sorted((m.pk for m in matches), reverse=True)


def test_a_search_with_too_many_keys_to_narrow_counts_as_capped(few_expected, monkeypatch):
    monkeypatch.setattr(paging, "NARROW_BELOW", 3)
    _nova_leads(5)
    searched = narrow_search(Lead.objects.filter(company__icontains="nova"))
    assert capped_count(searched) == (3, False)  # at least the 3 keys it stopped at
    monkeypatch.setattr(paging, "SEARCH_COUNT_CAP", 2)
    searched = narrow_search(Lead.objects.filter(company__icontains="nova"))
    with CaptureQueriesContext(connection) as queries:
        assert capped_count(searched) == (2, False)
    assert len(queries) == 0


def test_a_search_the_planner_expects_far_beyond_the_cap_is_not_counted(monkeypatch):
    monkeypatch.setattr(paging, "planner_estimate", lambda queryset: paging.NARROW_TRY_BELOW)
    _nova_leads(2)
    searched = narrow_search(Lead.objects.filter(company__icontains="nova"))
    with CaptureQueriesContext(connection) as queries:
        assert capped_count(searched) == (paging.SEARCH_COUNT_CAP, False)
    assert len(queries) == 0


def test_a_filter_added_after_the_search_is_counted_again(few_expected):
    first, _second, third = _nova_leads(3)
    Lead.objects.filter(pk__in=[first.pk, third.pk]).update(source="referral")
    narrowed = narrow_search(Lead.objects.filter(company__icontains="nova"))
    assert capped_count(narrowed.filter(source="referral")) == (2, True)
    assert capped_count(narrowed.exclude(pk=first.pk)) == (2, True)
    assert capped_count(narrowed) == (3, True)


def test_a_searched_page_and_api_list_count_only_once(few_expected):
    seller = user_with("sales")
    _nova_leads(3, owner=seller)
    _nova_leads(2)  # someone else's
    client = Client()
    client.force_login(seller)
    with CaptureQueriesContext(connection) as queries:
        page = client.get("/leads/?q=nova")
        api = _api(seller).get("/api/v1/leads/", {"search": "nova"})
    counts = [q for q in queries if "COUNT(" in q["sql"].upper() and "leads_lead" in q["sql"]]
    assert counts == []
    assert "Showing 1–3 of 3 " in " ".join(page.content.decode().split())
    body = api.json()
    assert (body["count"], body["count_exact"], len(body["results"])) == (3, True, 3)


def _key_fetches(queries):
    return [q for q in queries if f"LIMIT {paging.NARROW_BELOW}" in q["sql"]]


def test_a_term_no_index_finds_is_not_narrowed_unless_expected_rare(monkeypatch):
    """Without a trigram, fetching the keys reads rows until it has them: done only where the
    planner expects fewer matches than NARROW_BELOW."""
    _nova_leads(3)
    searched = Lead.objects.filter(company__icontains="nova")
    monkeypatch.setattr(paging, "planner_estimate", lambda queryset: paging.NARROW_BELOW)
    with CaptureQueriesContext(connection) as queries:
        kept = narrow_search(searched, indexed=False)
    assert len(queries) == 0
    assert capped_count(kept) == (3, True)  # counted as any search
    with CaptureQueriesContext(connection) as queries:
        narrowed = narrow_search(searched, indexed=True)
    assert len(_key_fetches(queries)) == 1 and capped_count(narrowed) == (3, True)
    monkeypatch.setattr(paging, "planner_estimate", lambda queryset: paging.NARROW_BELOW - 1)
    with CaptureQueriesContext(connection) as queries:
        narrowed = narrow_search(searched, indexed=False)
    assert len(_key_fetches(queries)) == 1 and capped_count(narrowed) == (3, True)


@pytest.mark.parametrize(("term", "fetches"), [("星河", 0), ("上海星河", 1)])
def test_the_page_and_api_fetch_keys_only_for_terms_with_a_trigram(monkeypatch, term, fetches):
    monkeypatch.setattr(paging, "planner_estimate", lambda queryset: paging.NARROW_BELOW)
    seller = user_with("sales")
    LeadFactory(company="上海星河科技", owner=seller)
    client = Client()
    client.force_login(seller)
    for get, url in (
        (client.get, f"/leads/?q={term}"),
        (_api(seller).get, f"/api/v1/leads/?search={term}"),
    ):
        with CaptureQueriesContext(connection) as queries:
            response = get(url)
        assert response.status_code == 200 and "上海星河科技" in response.content.decode()
        assert len(_key_fetches(queries)) == fetches, url
