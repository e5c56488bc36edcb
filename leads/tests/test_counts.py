"""List counts of a salesperson's leads: own and shared leads counted apart, exactly below
the cap and capped above it; searches capped lower (ltc.paging)."""

import pytest
from guardian.shortcuts import assign_perm

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
    assert paging.capped_count(everyone.filter(search_q("lead"))) == (2, False)
    assert paging.capped_count(everyone.filter(search_q("no such lead"))) == (0, True)
    assert paging.capped_count(everyone) == (10, True)  # the list itself: COUNT_CAP
