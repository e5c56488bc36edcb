"""A salesperson cannot put a deal on, or read the name of, another salesperson's account."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from rest_framework.test import APIClient

from customers.tests.factories import AccountFactory, ContactFactory
from opportunities import services
from opportunities.models import Opportunity
from opportunities.tests.factories import OpportunityFactory
from roles.tests.factories import user_with

pytestmark = pytest.mark.django_db


@pytest.fixture
def people():
    me, other = user_with("sales"), user_with("sales")
    return {
        "me": me,
        "mine": AccountFactory(owner=me, name="Mine Ltd"),
        "theirs": AccountFactory(owner=other, name="Secret Customer Co"),
    }


def _api(user):
    api = APIClient()
    api.force_authenticate(user)
    return api


def test_post_with_another_salespersons_account_is_400_and_writes_nothing(people):
    response = _api(people["me"]).post(
        "/api/v1/opportunities/",
        {"name": "Grab", "account": people["theirs"].pk, "amount": "10.00", "currency": "CNY"},
        format="json",
    )
    assert response.status_code == 400
    assert "account" in response.json()
    assert b"Secret Customer" not in response.content
    assert not Opportunity.objects.exists()


def test_patch_to_another_salespersons_account_or_contact_is_400(people):
    opp = OpportunityFactory(owner=people["me"], account=people["mine"])
    foreign_contact = ContactFactory(account=people["theirs"])
    api = _api(people["me"])
    for body in ({"account": people["theirs"].pk}, {"contact": foreign_contact.pk}):
        response = api.patch(f"/api/v1/opportunities/{opp.pk}/", body, format="json")
        assert response.status_code == 400 and set(body) <= set(response.json())
    opp.refresh_from_db()
    assert opp.account == people["mine"] and opp.contact is None


def test_own_account_still_works(people):
    response = _api(people["me"]).post(
        "/api/v1/opportunities/",
        {"name": "Mine", "account": people["mine"].pk, "amount": "10.00", "currency": "CNY"},
        format="json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["account_name"] == "Mine Ltd"


def test_the_service_checks_again(people):
    with pytest.raises(ValidationError) as caught:
        services.opportunity_create(
            user=people["me"],
            account=people["theirs"],
            name="Grab",
            expected_close_date=datetime.date.today(),
        )
    assert "account" in caught.value.message_dict
    opp = OpportunityFactory(owner=people["me"], account=people["mine"])
    with pytest.raises(ValidationError):
        services.opportunity_update(opportunity=opp, user=people["me"], account=people["theirs"])
    assert not Opportunity.objects.filter(account=people["theirs"]).exists()


def test_the_form_lists_and_accepts_only_visible_accounts(people, client):
    client.force_login(people["me"])
    page = client.get("/opportunities/new/")
    assert b"Mine Ltd" in page.content and b"Secret Customer" not in page.content
    response = client.post(
        "/opportunities/new/",
        {
            "name": "Grab",
            "account": people["theirs"].pk,
            "amount": "10",
            "currency": "CNY",
            "probability": "10",
            "source": "",
        },
    )
    assert response.status_code == 400
    assert "account" in response.context["form"].errors
    assert not Opportunity.objects.exists()
