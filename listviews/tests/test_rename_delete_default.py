"""Renaming, deleting and picking the default view in the page (and renaming through the
API): the owner, and for a view shared with a team whoever may share with that team (a
manager, the team's lead); a duplicate name is refused with the form's error."""

import re

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from listviews.models import DefaultView, SavedView
from listviews.services import view_save
from roles.tests.factories import TeamFactory, user_with

pytestmark = pytest.mark.django_db

URL = "/api/v1/list-views/"


def rename_url(view):
    return reverse("listviews:rename", args=[view.pk])


def saved_names(response) -> list[str]:
    return re.findall(r'data-testid="saved-view-name">([^<]+)<', response.content.decode())


@pytest.fixture
def team_setup():
    """A view a salesperson shares with the team they lead, a member, an outsider, a manager
    outside the team and a manager inside it."""
    owner, member, outsider = user_with("sales"), user_with("sales"), user_with("sales")
    manager, team_manager = user_with("manager"), user_with("manager")
    team = TeamFactory(lead=owner)
    team.members.add(member, team_manager)
    view = view_save(user=owner, list_name="leads", name="Team", shared_team=team)
    return {
        "owner": owner,
        "member": member,
        "outsider": outsider,
        "manager": manager,
        "team_manager": team_manager,
        "view": view,
    }


def test_owner_renames_a_private_view_in_the_page(client):
    user = user_with("marketing")
    view = view_save(user=user, list_name="leads", name="Old", sort="-score")
    client.force_login(user)
    page = client.get(reverse("leads:list"), {"view": view.pk})
    assert rename_url(view) in page.content.decode()
    form = client.get(rename_url(view))
    assert form.status_code == 200 and 'value="Old"' in form.content.decode()
    response = client.post(rename_url(view), {"name": "  New  "})
    assert response.status_code == 302
    view.refresh_from_db()
    assert view.name == "New" and view.sort == "-score"
    assert response["Location"] == view.address()
    assert saved_names(client.get(view.address())) == ["New"]


@pytest.mark.parametrize("name", ["Taken", "", "   ", "x" * 81])
def test_bad_or_duplicate_name_shows_the_form_again(client, name):
    user = user_with("marketing")
    view_save(user=user, list_name="leads", name="Taken")
    view = view_save(user=user, list_name="leads", name="Mine")
    view_save(user=user_with("marketing"), list_name="leads", name="Other")
    client.force_login(user)
    response = client.post(rename_url(view), {"name": name})
    assert response.status_code == 400
    assert 'data-testid="rename-view-page"' in response.content.decode()
    assert "is-invalid" in response.content.decode()
    view.refresh_from_db()
    assert view.name == "Mine"


def test_the_same_name_on_another_list_or_of_another_user_is_fine(client):
    user = user_with("manager")
    view_save(user=user, list_name="accounts", name="Big")
    view_save(user=user_with("manager"), list_name="leads", name="Big")
    view = view_save(user=user, list_name="leads", name="Mine")
    client.force_login(user)
    assert client.post(rename_url(view), {"name": "Big"}).status_code == 302
    assert SavedView.objects.get(pk=view.pk).name == "Big"


@pytest.mark.parametrize("who", ["owner", "team_manager"])
def test_owner_and_a_manager_who_sees_it_rename_a_shared_view(client, team_setup, who):
    view = team_setup["view"]
    client.force_login(team_setup[who])
    page = client.get(reverse("leads:list"), {"view": view.pk})
    assert rename_url(view) in page.content.decode()
    assert client.post(rename_url(view), {"name": "Team renamed"}).status_code == 302
    view.refresh_from_db()
    assert view.name == "Team renamed" and view.owner == team_setup["owner"]


def test_a_manager_renaming_to_a_name_the_owner_has_is_refused(client, team_setup):
    view_save(user=team_setup["owner"], list_name="leads", name="Owner's other")
    client.force_login(team_setup["team_manager"])
    response = client.post(rename_url(team_setup["view"]), {"name": "Owner's other"})
    assert response.status_code == 400
    assert "already has a view" in response.content.decode()
    assert SavedView.objects.get(pk=team_setup["view"].pk).name == "Team"


def test_members_get_403_and_outsiders_404(client, team_setup):
    view = team_setup["view"]
    client.force_login(team_setup["member"])
    page = client.get(reverse("leads:list"), {"view": view.pk})
    assert saved_names(page) == ["Team"] and rename_url(view) not in page.content.decode()
    assert client.get(rename_url(view)).status_code == 403
    assert client.post(rename_url(view), {"name": "Mine now"}).status_code == 403
    for who in ("outsider", "manager"):
        client.force_login(team_setup[who])
        assert client.post(rename_url(view), {"name": "Mine now"}).status_code == 404
    private = view_save(user=team_setup["owner"], list_name="leads", name="Private")
    client.force_login(team_setup["team_manager"])
    assert client.post(rename_url(private), {"name": "Mine now"}).status_code == 404
    assert set(SavedView.objects.values_list("name", flat=True)) == {"Team", "Private"}


def test_anonymous_is_sent_to_sign_in(client, team_setup):
    response = client.post(rename_url(team_setup["view"]), {"name": "x"})
    assert response.status_code == 302 and "login" in response["Location"]


# --- API --------------------------------------------------------------------------------------
def api(user):
    c = APIClient()
    c.force_authenticate(user)
    return c


def test_api_rename_of_a_shared_view(team_setup):
    pk = team_setup["view"].pk
    response = api(team_setup["team_manager"]).patch(f"{URL}{pk}/", {"name": "By manager"})
    assert response.status_code == 200, response.json()
    assert response.json()["name"] == "By manager"
    # Renaming is all a manager may change of another's view.
    response = api(team_setup["team_manager"]).patch(
        f"{URL}{pk}/", {"name": "X", "sort": "-score"}, format="json"
    )
    assert response.status_code == 403
    assert api(team_setup["member"]).patch(f"{URL}{pk}/", {"name": "M"}).status_code == 403
    assert api(team_setup["manager"]).patch(f"{URL}{pk}/", {"name": "M"}).status_code == 404
    view_save(user=team_setup["owner"], list_name="leads", name="Taken")
    response = api(team_setup["team_manager"]).patch(f"{URL}{pk}/", {"name": "Taken"})
    assert response.status_code == 400 and "name" in response.json()
    assert SavedView.objects.get(pk=pk).name == "By manager"


# --- delete and default in the page -----------------------------------------------------------
def test_owner_deletes_in_the_page_and_others_cannot(client, team_setup):
    view = team_setup["view"]
    DefaultView.objects.create(user=team_setup["member"], list_name="leads", view=view)
    client.force_login(team_setup["member"])
    response = client.post(reverse("listviews:delete", args=[view.pk]))
    assert response.status_code == 302 and SavedView.objects.filter(pk=view.pk).exists()
    client.force_login(team_setup["outsider"])
    assert client.post(reverse("listviews:delete", args=[view.pk])).status_code == 404
    client.force_login(team_setup["owner"])
    assert client.get(reverse("listviews:delete", args=[view.pk])).status_code == 405
    response = client.post(reverse("listviews:delete", args=[view.pk]))
    assert response.status_code == 302 and response["Location"].endswith("?view=0")
    assert not SavedView.objects.exists() and not DefaultView.objects.exists()


def test_make_default_in_the_page(client, team_setup):
    view = team_setup["view"]
    client.force_login(team_setup["member"])
    page = client.get(reverse("leads:list"), {"view": "0"}).content.decode()
    assert reverse("listviews:default", args=[view.pk]) in page
    response = client.post(reverse("listviews:default", args=[view.pk]))
    assert response.status_code == 302
    assert DefaultView.objects.get(user=team_setup["member"]).view == view
    assert client.get(reverse("leads:list"))["Location"] == view.address()
    response = client.post(reverse("listviews:clear-default", args=["leads"]))
    assert response.status_code == 302 and not DefaultView.objects.exists()
    assert client.get(reverse("leads:list")).status_code == 200
    client.force_login(team_setup["outsider"])
    assert client.post(reverse("listviews:default", args=[view.pk])).status_code == 404
    assert client.post(reverse("listviews:clear-default", args=["nope"])).status_code == 404
    assert not DefaultView.objects.exists()
