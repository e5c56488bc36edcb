"""List counts of a salesperson's leads: own and shared leads counted apart, exactly below
the cap and capped above it; searches capped lower (ltc.paging)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from guardian.shortcuts import assign_perm

from leads.models import Lead
from leads.selectors import lead_list
from leads.tests.factories import LeadFactory
from ltc import paging
from ltc.searchtext import search_q
from roles.tests.factories import user_with

pytestmark = pytest.mark.django_db


@pytest.fixture
def seller():
    seller = user_with("sales")
    other = user_with("sales")
    LeadFactory.create_batch(3, owner=seller, status="new")
    LeadFactory(owner=seller, status="working")
    for lead in LeadFactory.create_batch(2, owner=other, status="new"):
        assign_perm("leads.view_lead", seller, lead)
    LeadFactory.create_batch(4, owner=other, status="new")  # not shared
    return seller


def test_own_and_shared_leads_are_counted_exactly_below_the_cap(seller):
    assert paging.capped_count(lead_list(user=seller)) == (6, True)
    assert paging.capped_count(lead_list(user=seller).filter(status="new")) == (5, True)
    assert lead_list(user=seller).count() == 6


@pytest.mark.parametrize(("cap", "expected"), [(3, (3, False)), (4, (4, False)), (5, (5, False))])
def test_the_cap_holds_across_own_and_shared_leads(seller, monkeypatch, cap, expected):
    monkeypatch.setattr(paging, "COUNT_CAP", cap)
    assert paging.capped_count(lead_list(user=seller)) == expected
    monkeypatch.setattr(paging, "COUNT_CAP", 6)
    assert paging.capped_count(lead_list(user=seller)) == (6, True)


def test_a_search_is_counted_up_to_the_search_cap(seller, monkeypatch):
    monkeypatch.setattr(paging, "SEARCH_COUNT_CAP", 2)
    everyone = lead_list(user=user_with("manager"))
    assert paging.capped_count(everyone.filter(search_q("lead", Lead))) == (2, False)
    assert paging.capped_count(everyone.filter(search_q("no such lead", Lead))) == (0, True)
    assert paging.capped_count(everyone) == (10, True)  # the list itself: COUNT_CAP


def test_each_part_is_counted_with_its_own_rule_in_place_of_the_or(seller):
    """The owner condition once, not beside the OR that holds it too: repeated, it made the
    index scan of a team lead's search count many times slower."""
    listed = lead_list(user=seller).filter(status="new")
    with CaptureQueriesContext(connection) as ctx:
        assert paging.capped_count(listed) == (5, True)
    counts = [q["sql"] for q in ctx.captured_queries if "COUNT(" in q["sql"]]
    assert len(counts) == 2, counts
    owned, shared = counts
    assert " OR " not in owned and owned.count('"owner_id" IN') == 1, owned
    assert '"leads_lead"."id" IN' in shared and " OR " not in shared, shared
    assert all('"status" = ' in sql for sql in counts), counts


def test_a_rebuilt_where_still_counts_each_part(seller):
    """Should the OR not be where it was put, each rule is added beside it (same counts)."""
    listed = lead_list(user=seller)
    rules = listed.query.ltc_count_rules
    listed.query.ltc_count_rules = (*rules[:2], 99)
    assert paging.capped_count(listed.filter(status="new")) == (5, True)
