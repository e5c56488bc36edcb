"""The survey's public answer link is readable in the API by the people who send surveys
(service, the account owner, a manager), so a chat bridge can deliver it; not by others."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from customers.tests.factories import AccountFactory
from feedback import services
from feedback.models import Survey
from feedback.tests.factories import survey_for
from roles.tests.factories import user_with

pytestmark = pytest.mark.django_db


def link_for(user, survey):
    client = APIClient()
    client.force_authenticate(user)
    response = client.get(f"/api/v1/surveys/{survey.pk}/")
    return response.status_code, (
        response.json().get("public_link") if response.status_code == 200 else None
    )


@pytest.fixture
def owner():
    return user_with("sales")


@pytest.fixture
def survey(owner):
    return survey_for("nps", account=AccountFactory(owner=owner))


@pytest.mark.parametrize("role", ["service", "manager", "owner"])
def test_senders_read_a_link_that_answers_the_survey(role, owner, survey, client):
    user = owner if role == "owner" else user_with(role)
    status, link = link_for(user, survey)
    assert status == 200 and link
    token = link.rstrip("/").rsplit("/", 1)[-1]
    assert services.survey_from_link(token) == survey
    assert client.post(link, {"score": "9"}).status_code == 200
    survey.refresh_from_db()
    assert survey.score == 9
    # Answered: the link is gone.
    assert link_for(user, survey) == (200, None)


def test_a_teammate_who_is_not_the_owner_gets_no_link(owner, survey):
    from roles.tests.factories import TeamFactory

    lead = user_with("sales")
    team = TeamFactory(lead=lead)
    team.members.add(owner, lead)
    status, link = link_for(lead, survey)
    assert status == 200 and link is None


@pytest.mark.parametrize("role", ["sales", "marketing", "finance", "operations"])
def test_other_roles_get_no_link(role, survey):
    status, link = link_for(user_with(role), survey)
    assert link is None
    assert status in (200, 404)


def test_the_link_expires_with_the_emailed_one(owner, survey, client, settings):
    Survey.objects.filter(pk=survey.pk).update(sent_at=timezone.now() - datetime.timedelta(days=2))
    settings.LTC = {**settings.LTC, "SURVEY_LINK_MAX_AGE_DAYS": 1}
    _status, link = link_for(user_with("service"), survey)
    assert client.post(link, {"score": "9"}).status_code == 410
    survey.refresh_from_db()
    assert survey.answered_at is None


def test_reading_twice_gives_the_same_link(survey):
    service = user_with("service")
    assert link_for(service, survey)[1] == link_for(service, survey)[1]
