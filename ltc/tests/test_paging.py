"""Capped counts and keyset pages: large lists are neither counted in full nor walked by
OFFSET, and walking them by cursor returns every row exactly once."""

import pytest
from django.test import Client
from rest_framework.test import APIClient

from leads.models import Lead
from leads.tests.factories import LeadFactory
from ltc import paging
from ltc.paging import CappedPaginator, capped_count
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
