"""The lost reasons, edited by a manager in the browser: a retired reason is no longer offered
when a deal is lost, and the deals lost for it keep showing it."""

import pytest

from ltc.transitions import run
from opportunities.forms import LoseForm
from opportunities.models import LostReason
from opportunities.tests.factories import opportunity_in
from roles.tests.factories import user_with

pytestmark = pytest.mark.django_db
URL = "/opportunities/lost-reasons/"


def post(client, target, **fields):
    prefix = f"reason-{target}"
    data = {"reason": target}
    for name, value in fields.items():
        if value is not False:
            data[f"{prefix}-{name}"] = value
    return client.post(URL, data)


@pytest.fixture
def manager(client):
    user = user_with("manager")
    client.force_login(user)
    return user


def test_manager_adds_renames_retires_and_restores(client, manager):
    assert post(client, "new", name="预算不足", position=1, active="on").status_code == 302
    reason = LostReason.objects.get(name="预算不足")
    assert reason.active
    response = post(client, reason.pk, name="预算削减", position=2, active=False)
    assert response.status_code == 302
    reason.refresh_from_db()
    assert (reason.name, reason.position, reason.active) == ("预算削减", 2, False)
    page = client.get(URL).content.decode()
    assert "预算削减" in page and "Retired" in page
    post(client, reason.pk, name="预算削减", position=2, active="on")
    assert LostReason.objects.get(pk=reason.pk).active


def test_a_retired_reason_is_not_offered_but_stays_on_the_deals_lost_for_it(client, manager):
    reason = LostReason.objects.create(name="Went with a competitor", position=1)
    opp = opportunity_in("negotiation")
    run(obj=opp, name="lose", user=opp.owner, data={"lost_reason": reason.pk})
    post(client, reason.pk, name=reason.name, position=1, active=False)

    assert reason not in LoseForm().fields["lost_reason"].queryset
    client.force_login(opp.owner)
    page = client.get(f"/opportunities/{opp.pk}/").content.decode()
    assert "Went with a competitor" in page


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"name": "", "position": 1}, "This field is required"),
        ({"name": "Duplicate", "position": 1}, "already exists"),
        ({"name": "Fine", "position": -1}, "greater than or equal to 0"),
    ],
)
def test_bad_input_is_refused_and_nothing_changes(client, manager, fields, message):
    LostReason.objects.create(name="Duplicate")
    before = list(LostReason.objects.values_list("name", "position", "active"))
    response = post(client, "new", **fields, active="on")
    assert response.status_code == 400
    assert message in response.content.decode()
    assert list(LostReason.objects.values_list("name", "position", "active")) == before


@pytest.mark.parametrize("role", ["sales", "sales_support", "finance", "service"])
def test_other_roles_get_403_and_change_nothing(client, role):
    reason = LostReason.objects.create(name="Price")
    before = list(LostReason.objects.values_list("name", "position", "active"))
    client.force_login(user_with(role))
    assert client.get(URL).status_code == 403
    assert post(client, reason.pk, name="Changed", position=0, active=False).status_code == 403
    assert post(client, "new", name="New", position=0, active="on").status_code == 403
    assert list(LostReason.objects.values_list("name", "position", "active")) == before
    assert not LostReason.objects.filter(name__in=["Changed", "New"]).exists()
