"""Saved views of the lead list: save, open, default, share, refuse bad input."""

import re

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from leads.models import LeadStatus
from leads.tests.factories import LeadFactory
from listviews.models import DefaultView, SavedView
from roles.tests.factories import TeamFactory, user_with

pytestmark = pytest.mark.django_db

SAVE = reverse("listviews:save")


def headers(response) -> list[str]:
    return re.findall(r'data-col="([a-z_]+)"', response.content.decode())


def saved_names(response) -> list[str]:
    return re.findall(r'data-testid="saved-view-name">([^<]+)<', response.content.decode())


@pytest.fixture
def marketing(client):
    user = user_with("marketing")
    client.force_login(user)
    return user


def test_save_current_state_as_a_view_and_open_it(client, marketing):
    LeadFactory(name="Low", score=10, status=LeadStatus.NEW)
    LeadFactory(name="High", score=90, status=LeadStatus.NEW)
    LeadFactory(name="Working one", score=50, status=LeadStatus.WORKING)
    state = "status=new&sort=-score&cols=name,score,email&page=2"
    response = client.post(SAVE, {"list_name": "leads", "state": state, "name": "Hot new"})
    view = SavedView.objects.get()
    assert (view.owner, view.list_name, view.name) == (marketing, "leads", "Hot new")
    assert (view.query, view.sort, view.columns) == (
        "status=new",
        "-score",
        ["name", "score", "email"],
    )
    assert response.status_code == 302
    assert response["Location"] == view.address()

    page = client.get(response["Location"])
    assert page.status_code == 200
    assert headers(page) == ["name", "score", "email"]
    body = page.content.decode()
    assert body.index("High") < body.index("Low")
    assert "Working one" not in body
    assert saved_names(page) == ["Hot new"]


def test_sort_and_columns_without_a_view(client, marketing):
    LeadFactory(name="Alpha", score=5)
    LeadFactory(name="Beta", score=60)
    page = client.get(reverse("leads:list"), {"sort": "score", "cols": "score,name,phone"})
    assert headers(page) == ["score", "name", "phone"]
    body = page.content.decode()
    assert body.index("Alpha") < body.index("Beta")
    # Unknown columns and sorts in an address are ignored, never an error page.
    page = client.get(reverse("leads:list"), {"sort": "need", "cols": "nonsense"})
    assert page.status_code == 200
    assert headers(page) == ["name", "status", "source", "owner", "score", "created"]


def test_default_view_opens_the_list_and_an_explicit_query_wins(client, marketing):
    client.post(
        SAVE,
        {"list_name": "leads", "state": "status=working", "name": "Mine", "make_default": "on"},
    )
    view = SavedView.objects.get()
    assert DefaultView.objects.get(user=marketing, list_name="leads").view == view
    response = client.get(reverse("leads:list"))
    assert response.status_code == 302 and response["Location"] == view.address()
    assert client.get(reverse("leads:list"), {"status": "new"}).status_code == 200
    assert client.get(reverse("leads:list"), {"view": "0"}).status_code == 200  # Reset
    client.post(reverse("listviews:clear-default", args=["leads"]))
    assert client.get(reverse("leads:list")).status_code == 200


def test_a_view_shared_with_a_team_is_seen_by_its_members_only(client):
    manager = user_with("manager")
    member, outsider = user_with("sales"), user_with("sales")
    team, other = TeamFactory(), TeamFactory()
    team.members.add(member)
    other.members.add(outsider)
    client.force_login(manager)
    response = client.post(
        SAVE,
        {"list_name": "leads", "state": "status=new", "name": "Team new", "shared_team": team.pk},
    )
    assert response.status_code == 302
    view = SavedView.objects.get(shared_team=team)

    client.force_login(member)
    assert saved_names(client.get(reverse("leads:list"))) == ["Team new"]
    assert client.post(reverse("listviews:default", args=[view.pk])).status_code == 302
    assert client.get(reverse("leads:list"))["Location"] == view.address()
    # Not the owner: it cannot be deleted by a member.
    client.post(reverse("listviews:delete", args=[view.pk]))
    assert SavedView.objects.filter(pk=view.pk).exists()

    client.force_login(outsider)
    assert saved_names(client.get(reverse("leads:list"))) == []
    assert client.post(reverse("listviews:default", args=[view.pk])).status_code == 404
    assert not DefaultView.objects.filter(user=outsider).exists()


def test_a_salesperson_cannot_share_with_a_team_but_its_lead_can(client):
    seller, lead = user_with("sales"), user_with("sales")
    team = TeamFactory(lead=lead)
    team.members.add(seller)
    client.force_login(seller)
    response = client.post(
        SAVE, {"list_name": "leads", "state": "", "name": "Mine", "shared_team": team.pk}
    )
    assert response.status_code == 400
    assert not SavedView.objects.exists()
    client.force_login(lead)
    response = client.post(
        SAVE, {"list_name": "leads", "state": "", "name": "Ours", "shared_team": team.pk}
    )
    assert response.status_code == 302
    assert SavedView.objects.get().shared_team == team


def test_a_view_never_widens_what_a_role_sees(client):
    seller, colleague, manager = user_with("sales"), user_with("sales"), user_with("manager")
    LeadFactory(name="Seller lead", owner=seller)
    LeadFactory(name="Colleague lead", owner=colleague)
    team = TeamFactory()
    team.members.add(seller)
    client.force_login(manager)
    client.post(
        SAVE,
        {
            "list_name": "leads",
            "state": f"owner={colleague.pk}",
            "name": "Colleague",
            "shared_team": team.pk,
        },
    )
    view = SavedView.objects.get()
    assert "Colleague lead" in client.get(view.address()).content.decode()
    client.force_login(seller)
    body = client.get(view.address()).content.decode()
    assert "Colleague lead" not in body and "Seller lead" not in body


@pytest.mark.parametrize(
    "state, field",
    [
        ("colour=red", "query"),
        ("status=nonsense", "query"),
        ("sort=need", "sort"),
        ("cols=name,nonsense", "columns"),
    ],
)
def test_bad_input_is_refused_and_nothing_saved(client, marketing, state, field):
    response = client.post(SAVE, {"list_name": "leads", "state": state, "name": "Bad"})
    assert response.status_code == 400
    assert "Bad" in response.content.decode()  # the form again, filled in
    assert not SavedView.objects.exists()


def test_duplicate_name_and_unknown_list_are_refused(client, marketing):
    client.post(SAVE, {"list_name": "leads", "state": "", "name": "Same"})
    response = client.post(SAVE, {"list_name": "leads", "state": "status=new", "name": "Same"})
    assert response.status_code == 400
    assert "already have a view" in response.content.decode()
    assert client.post(SAVE, {"list_name": "nope", "state": "", "name": "X"}).status_code == 404
    assert SavedView.objects.count() == 1


def test_a_view_of_a_list_the_role_may_not_open_is_refused(client):
    client.force_login(user_with("finance"))
    response = client.post(SAVE, {"list_name": "leads", "state": "", "name": "Peek"})
    assert response.status_code == 400
    assert not SavedView.objects.exists()


def test_column_chooser_moves_a_column(client, marketing):
    url = reverse("listviews:columns", args=["leads"])
    response = client.get(url, {"cols": ["name", "score", "email"], "move": "email", "dir": "up"})
    body = response.content.decode()
    assert response.status_code == 200
    checked = re.findall(r'value="([a-z_]+)" id="col-[a-z_]+" checked', body)
    assert checked == ["name", "email", "score"]


@pytest.mark.parametrize("rows", [3, 12])
def test_list_queries_stay_bounded_with_a_view(
    client, marketing, rows, django_assert_max_num_queries
):
    seller = user_with("sales")
    for _ in range(rows):
        LeadFactory(owner=seller)
    every = ",".join(
        c
        for c in (
            "name",
            "status",
            "source",
            "owner",
            "score",
            "created",
            "company",
            "title",
            "email",
            "phone",
            "campaign",
            "budget",
            "expected_close",
            "next_follow_up",
        )
    )
    client.post(SAVE, {"list_name": "leads", "state": f"cols={every}&sort=-score", "name": "All"})
    view = SavedView.objects.get()
    client.get(view.address())
    with django_assert_max_num_queries(12):
        response = client.get(view.address())
    assert response.status_code == 200
    assert len(headers(response)) == 14


# --- API ----------------------------------------------------------------------------------------
def api(user):
    c = APIClient()
    c.force_authenticate(user)
    return c


URL = "/api/v1/list-views/"


def test_api_crud_of_own_views(marketing):
    c = api(marketing)
    response = c.post(
        URL,
        {
            "list_name": "leads",
            "name": "Hot",
            "query": "status=new",
            "sort": "-score",
            "columns": ["name", "score"],
            "is_default": True,
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    data = response.json()
    assert data["is_default"] is True and data["owner"] == marketing.pk
    assert data["address"].startswith("/leads/?")
    pk = data["id"]
    assert [v["id"] for v in c.get(URL, {"list_name": "leads"}).json()["results"]] == [pk]
    response = c.patch(f"{URL}{pk}/", {"name": "Hotter", "is_default": False}, format="json")
    assert response.status_code == 200 and response.json()["name"] == "Hotter"
    assert response.json()["is_default"] is False
    assert c.delete(f"{URL}{pk}/").status_code == 204
    assert not SavedView.objects.exists()


@pytest.mark.parametrize(
    "body, field",
    [
        ({"columns": ["name", "nonsense"]}, "columns"),
        ({"query": "colour=red"}, "query"),
        ({"query": "status=nonsense"}, "query"),
        ({"sort": "need"}, "sort"),
        ({"list_name": "nope"}, "list_name"),
        ({"name": ""}, "name"),
    ],
)
def test_api_refuses_bad_views(marketing, body, field):
    payload = {"list_name": "leads", "name": "Bad", **body}
    response = api(marketing).post(URL, payload, format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert not SavedView.objects.exists()


def test_api_refuses_a_duplicate_name_and_sharing_without_the_right(marketing):
    c = api(marketing)
    assert c.post(URL, {"list_name": "leads", "name": "Same"}, format="json").status_code == 201
    response = c.post(URL, {"list_name": "leads", "name": "Same"}, format="json")
    assert response.status_code == 400 and "name" in response.json()
    team = TeamFactory()
    team.members.add(marketing)
    response = c.post(
        URL, {"list_name": "leads", "name": "Shared", "shared_team": team.pk}, format="json"
    )
    assert response.status_code == 400 and "shared_team" in response.json()
    assert SavedView.objects.count() == 1


def test_api_shared_views_are_read_only_to_members_and_hidden_from_other_teams():
    manager, member, outsider = user_with("manager"), user_with("sales"), user_with("sales")
    team, other = TeamFactory(), TeamFactory()
    team.members.add(member)
    other.members.add(outsider)
    response = api(manager).post(
        URL, {"list_name": "leads", "name": "Team", "shared_team": team.pk}, format="json"
    )
    assert response.status_code == 201, response.json()
    pk = response.json()["id"]
    c = api(member)
    assert [v["id"] for v in c.get(URL).json()["results"]] == [pk]
    assert c.patch(f"{URL}{pk}/", {"name": "Mine now"}, format="json").status_code == 403
    assert c.delete(f"{URL}{pk}/").status_code == 403
    response = c.post(f"{URL}{pk}/default/")
    assert response.status_code == 200 and response.json()["is_default"] is True
    assert c.delete(f"{URL}{pk}/default/").json()["is_default"] is False
    c = api(outsider)
    assert c.get(URL).json()["results"] == []
    assert c.get(f"{URL}{pk}/").status_code == 404
    assert c.post(f"{URL}{pk}/default/").status_code == 404
    assert SavedView.objects.get().name == "Team"
