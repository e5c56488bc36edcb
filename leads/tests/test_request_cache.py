"""The per-request cache of a user's roles, team and shares (roles.permissions.memo): every
check of a request reads it after one query each, and the next request starts afresh."""

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from guardian.shortcuts import assign_perm
from rest_framework.test import APIClient

from leads.selectors import lead_list, lead_visibility
from leads.tests.factories import LeadFactory
from roles.permissions import has_role, new_request, role_slugs, team_member_ids
from roles.policies import can
from roles.tests.factories import TeamFactory, user_with

pytestmark = pytest.mark.django_db

# The cached lookups, by what their SQL reads: the user's groups, the team they lead, the leads
# shared with them.
CACHED = {
    "roles": "SELECT 'role'",
    "team": 'FROM "roles_team_members"',
    "shares": 'FROM "leads_leaduserobjectpermission"',
}


def lookups(queries) -> dict[str, int]:
    """How many of the captured queries are each cached lookup."""
    return {name: sum(marker in q["sql"] for q in queries) for name, marker in CACHED.items()}


def checks(user, times: int) -> None:
    """What a page does many times over: role checks, policies, visibility rules."""
    for _i in range(times):
        has_role(user, "manager")
        can(user, "leads.assign")
        can(user, "leads.create")
        team_member_ids(user)
        lead_visibility(user)


def seller_with_team_and_share():
    seller = user_with("sales")
    TeamFactory(lead=seller).members.add(user_with("sales"))
    assign_perm("leads.view_lead", seller, LeadFactory(owner=user_with("sales")))
    return seller


def test_each_lookup_runs_once_per_request_however_many_checks():
    seller = seller_with_team_and_share()
    counts = []
    for times in (1, 20):
        new_request()  # what request_started runs
        with CaptureQueriesContext(connection) as ctx:
            checks(seller, times)
        counts.append((len(ctx.captured_queries), lookups(ctx.captured_queries)))
    # Two queries: the roles and the led team are read together, then the shares.
    assert counts[0] == counts[1] == (2, dict.fromkeys(CACHED, 1))


def test_a_page_queries_roles_team_and_shares_once(client):
    seller = seller_with_team_and_share()
    LeadFactory.create_batch(3, owner=seller)
    client.force_login(seller)
    for url in (reverse("leads:list"), reverse("home"), reverse("leads:list") + "?q=lead"):
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        found = lookups(ctx.captured_queries)
        assert found["roles"] == found["team"] == 1 and found["shares"] <= 1, (url, found)


def test_a_role_taken_is_seen_by_the_next_request_on_the_same_user_object():
    seller = user_with("sales")
    mine = LeadFactory(owner=seller)
    api = APIClient()
    api.force_authenticate(seller)  # the very same user object on every request
    assert [r["id"] for r in api.get("/api/v1/leads/").json()["results"]] == [mine.pk]
    seller.groups.remove(Group.objects.get(name="sales"))
    assert api.get("/api/v1/leads/").json()["results"] == []
    seller.groups.add(Group.objects.get(name="manager"))
    other = user_with("sales")
    assert api.post(f"/api/v1/leads/{mine.pk}/assign/", {"owner": other.pk}).status_code == 200


def test_a_share_given_is_seen_by_the_next_request():
    seller = user_with("sales")
    other = LeadFactory(owner=user_with("sales"))
    new_request()  # what request_started runs
    assert not lead_list(user=seller).filter(pk=other.pk).exists()
    assign_perm("leads.view_lead", seller, other)
    new_request()  # what request_started runs
    assert lead_list(user=seller).filter(pk=other.pk).exists()


def test_outside_a_request_the_cache_lasts_as_long_as_the_user_object():
    seller = user_with("sales")
    assert role_slugs(seller) == {"sales"}
    seller.groups.add(Group.objects.get(name="manager"))
    assert role_slugs(seller) == {"sales"}  # the same object, no new request
    fresh = type(seller).objects.get(pk=seller.pk)
    assert role_slugs(fresh) == {"sales", "manager"}
