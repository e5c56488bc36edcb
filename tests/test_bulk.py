"""Bulk actions (ltc.bulk): each selected record is checked as a single one (role, state,
rule fields, visibility) with a per-record result; refused records are left untouched; a
request wrong as a whole changes nothing."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from customers.tests.factories import AccountFactory
from leads.models import Lead
from leads.tests.factories import LeadFactory, lead_in
from ltc.models import TaggedRecord, TransitionLog
from opportunities.models import Opportunity
from opportunities.tests.factories import OpportunityFactory
from roles.tests.factories import TeamFactory, user_with

pytestmark = pytest.mark.django_db


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def browser(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def team():
    """A team lead (sales) who sees a teammate's leads, and a seller outside the team."""
    boss, mate, outsider = user_with("sales"), user_with("sales"), user_with("sales")
    TeamFactory(lead=boss).members.add(mate)
    return {"boss": boss, "mate": mate, "outsider": outsider}


def by_id(body):
    return {row["id"]: row for row in body["results"]}


def test_bulk_transition_with_mixed_permissions_gives_per_record_results(team):
    own_new = LeadFactory(owner=team["boss"])
    own_working = lead_in("working", owner=team["boss"])
    mates = LeadFactory(owner=team["mate"])  # visible, but "start work" is the owner's
    hidden = LeadFactory(owner=team["outsider"])
    ids = [own_new.pk, own_working.pk, mates.pk, hidden.pk]
    logs = TransitionLog.objects.count()

    response = api(team["boss"]).post(
        "/api/v1/leads/bulk/",
        {"action": "transition", "transition": "start_work", "ids": ids},
        format="json",
    )

    assert response.status_code == 200
    results = by_id(response.data)
    assert [results[i]["status"] for i in ids] == [200, 409, 403, 404]
    assert [results[i]["ok"] for i in ids] == [True, False, False, False]
    assert response.data["done"] == 1 and response.data["failed"] == 3
    assert "owner" in results[mates.pk]["message"]
    states = dict(Lead.objects.filter(pk__in=ids).values_list("pk", "status"))
    assert states == {
        own_new.pk: "working",
        own_working.pk: "working",
        mates.pk: "new",
        hidden.pk: "new",
    }
    assert TransitionLog.objects.count() == logs + 1


def test_bulk_transition_checks_rule_fields_per_record(team):
    leads = [LeadFactory(owner=team["boss"]) for _ in range(2)]
    ids = [lead.pk for lead in leads]
    missing = api(team["boss"]).post(
        "/api/v1/leads/bulk/",
        {"action": "transition", "transition": "disqualify", "ids": ids},
        format="json",
    )
    assert [r["status"] for r in missing.data["results"]] == [400, 400]
    assert set(Lead.objects.filter(pk__in=ids).values_list("status", flat=True)) == {"new"}
    given = api(team["boss"]).post(
        "/api/v1/leads/bulk/",
        {"action": "transition", "transition": "disqualify", "ids": ids, "reason": "No budget"},
        format="json",
    )
    assert given.data["done"] == 2
    assert set(Lead.objects.filter(pk__in=ids).values_list("status", flat=True)) == {"disqualified"}


def test_bulk_request_wrong_as_a_whole_is_400_and_changes_nothing(team):
    lead = LeadFactory(owner=team["boss"])
    client = api(team["boss"])
    for body in (
        {"action": "transition", "transition": "start_work", "ids": []},
        {"action": "transition", "transition": "no_such", "ids": [lead.pk]},
        {"action": "explode", "ids": [lead.pk]},
        {"action": "tag", "tag": "", "ids": [lead.pk]},
        {"action": "transition", "transition": "start_work", "ids": list(range(1, 502))},
    ):
        response = client.post("/api/v1/leads/bulk/", body, format="json")
        assert response.status_code == 400, body
    lead.refresh_from_db()
    assert lead.status == "new"
    assert not TaggedRecord.objects.exists()


def test_bulk_assign_owner_needs_the_assigning_role_and_an_offered_person(team):
    marketing = user_with("marketing")
    leads = [LeadFactory() for _ in range(2)]
    ids = [lead.pk for lead in leads]
    # sales may not assign leads: nobody is offered, so the request is refused as a whole
    refused = api(team["boss"]).post(
        "/api/v1/leads/bulk/",
        {"action": "assign_owner", "owner": team["boss"].pk, "ids": ids},
        format="json",
    )
    assert refused.status_code == 400 and "owner" in refused.data
    # a person without the sales role is not offered either
    not_sales = api(marketing).post(
        "/api/v1/leads/bulk/",
        {"action": "assign_owner", "owner": marketing.pk, "ids": ids},
        format="json",
    )
    assert not_sales.status_code == 400
    assert not Lead.objects.filter(pk__in=ids, owner__isnull=False).exists()
    done = api(marketing).post(
        "/api/v1/leads/bulk/",
        {"action": "assign_owner", "owner": team["mate"].pk, "ids": ids},
        format="json",
    )
    assert done.data["done"] == 2
    assert set(Lead.objects.filter(pk__in=ids).values_list("owner", flat=True)) == {team["mate"].pk}


def test_bulk_assign_on_records_outside_visibility_is_refused_per_record(team):
    mine = OpportunityFactory(owner=team["boss"])
    theirs = OpportunityFactory(owner=team["outsider"])
    response = api(team["boss"]).post(
        "/api/v1/opportunities/bulk/",
        {"action": "assign_owner", "owner": team["mate"].pk, "ids": [mine.pk, theirs.pk]},
        format="json",
    )
    results = by_id(response.data)
    assert results[mine.pk]["ok"] and results[theirs.pk]["status"] == 404
    assert Opportunity.objects.get(pk=mine.pk).owner == team["mate"]
    assert Opportunity.objects.get(pk=theirs.pk).owner == team["outsider"]
    # a salesperson outside the caller's team is not offered as the new owner
    outside = api(team["boss"]).post(
        "/api/v1/opportunities/bulk/",
        {"action": "assign_owner", "owner": team["outsider"].pk, "ids": [mine.pk]},
        format="json",
    )
    assert outside.status_code == 400


def test_bulk_add_to_team_sets_the_members_seat(team):
    support, ops = user_with("sales_support"), user_with("operations")
    deal = OpportunityFactory(owner=team["boss"])
    client = api(team["boss"])
    for member in (support, ops):
        response = client.post(
            "/api/v1/opportunities/bulk/",
            {"action": "add_to_team", "member": member.pk, "ids": [deal.pk]},
            format="json",
        )
        assert response.data["done"] == 1
    deal.refresh_from_db()
    assert (deal.solution_owner, deal.fulfilment_owner) == (support, ops)
    # the teammate's deal is visible to the team lead, but only its owner or a manager
    # assigns its team: refused for that record
    mates = OpportunityFactory(owner=team["mate"])
    refused = client.post(
        "/api/v1/opportunities/bulk/",
        {"action": "add_to_team", "member": support.pk, "ids": [mates.pk]},
        format="json",
    )
    assert refused.data["results"][0]["status"] == 403
    mates.refresh_from_db()
    assert mates.solution_owner is None


def test_bulk_tag_only_visible_records(team):
    mine = AccountFactory(owner=team["boss"])
    theirs = AccountFactory(owner=team["outsider"])
    response = api(team["boss"]).post(
        "/api/v1/accounts/bulk/",
        {"action": "tag", "tag": "trade-show", "ids": [mine.pk, theirs.pk, mine.pk]},
        format="json",
    )
    assert [r["status"] for r in response.data["results"]] == [200, 404]
    assert list(TaggedRecord.objects.values_list("object_id", flat=True)) == [mine.pk]
    # tagging again keeps one tag
    api(team["boss"]).post(
        "/api/v1/accounts/bulk/", {"action": "tag", "tag": "trade-show", "ids": [mine.pk]}
    )
    assert TaggedRecord.objects.count() == 1


# --- the page ------------------------------------------------------------------------------------
def test_page_bulk_transition_shows_each_result(team):
    own = OpportunityFactory(owner=team["boss"])
    theirs = OpportunityFactory(owner=team["outsider"])
    response = browser(team["boss"]).post(
        reverse("bulk", args=["opportunities"]),
        {
            "action": "transition",
            "transition": "analyze",
            "ids": [own.pk, theirs.pk],
            "next": reverse("opportunities:list"),
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert f'data-record="{own.pk}" data-ok="1"' in html
    assert f'data-record="{theirs.pk}" data-ok="0"' in html
    own.refresh_from_db()
    theirs.refresh_from_db()
    assert own.stage == "needs_analysis" and theirs.stage == "qualification"


def test_page_bulk_bad_request_goes_back_with_the_reason(team):
    own = OpportunityFactory(owner=team["boss"])
    client = browser(team["boss"])
    response = client.post(
        reverse("bulk", args=["opportunities"]),
        {"action": "assign_owner", "owner": team["outsider"].pk, "ids": [own.pk], "next": "/x/"},
        follow=False,
    )
    assert response.status_code == 302 and response["Location"] == "/x/"
    own.refresh_from_db()
    assert own.owner == team["boss"]
    evil = client.post(
        reverse("bulk", args=["opportunities"]),
        {"action": "tag", "ids": [], "next": "https://evil.example/"},
    )
    assert evil["Location"] == "/"


def test_page_export_selection_keeps_the_list_and_narrows_to_ids(team):
    own = [OpportunityFactory(owner=team["boss"]) for _ in range(3)]
    client = browser(team["boss"])
    response = client.post(
        reverse("bulk", args=["opportunities"]),
        {
            "action": "export_csv",
            "ids": [own[0].pk, own[2].pk],
            "next": reverse("opportunities:list") + "?stage=qualification&page=2",
        },
    )
    assert response.status_code == 302
    location = response["Location"]
    assert location.startswith(reverse("opportunities:list") + "?stage=qualification&export=csv")
    assert "page=" not in location
    from ltc.exports import download_bytes, read_table

    rows = read_table(download_bytes(client.get(location)), "csv")
    assert sorted(int(r[0]) for r in rows[1:]) == [own[0].pk, own[2].pk]


def test_list_page_has_the_bulk_bar_and_checkboxes(team):
    OpportunityFactory(owner=team["boss"])
    html = browser(team["boss"]).get(reverse("opportunities:list")).content.decode()
    assert 'data-testid="bulk-bar"' in html and 'name="ids"' in html
    assert 'value="assign_owner"' in html and 'value="export_csv"' in html
