"""Assigning a team on a deal with a 200-character name answers 200 with a cut notice."""

import pytest
from rest_framework.test import APIClient

from notifications.models import Notification
from opportunities.tests.factories import OpportunityFactory
from roles.tests.factories import user_with

pytestmark = pytest.mark.django_db


def test_assign_team_on_a_200_character_deal_name(django_capture_on_commit_callbacks):
    seller, support = user_with("sales"), user_with("sales_support")
    opp = OpportunityFactory(owner=seller, name="N" * 200)
    api = APIClient()
    api.force_authenticate(seller)
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(
            f"/api/v1/opportunities/{opp.pk}/assign-team/",
            {"solution_owner": support.pk},
            format="json",
        )
    assert response.status_code == 200, response.content
    assert response.json()["solution_owner"] == support.pk
    (note,) = Notification.objects.filter(recipient=support)
    assert len(note.title) == Notification._meta.get_field("title").max_length
