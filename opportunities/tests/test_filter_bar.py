"""The owner and team filter of the opportunity list, board and forecast: every salesperson
and team offered once, the chosen one selected, read without counting them first."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from roles.tests.factories import TeamFactory, user_with

pytestmark = pytest.mark.django_db


def _options(html: str, name: str) -> list[tuple[str, str, bool]]:
    select = re.search(rf'<select[^>]*name="{name}"[^>]*>(.*?)</select>', html, re.S).group(1)
    return [
        (value, label.strip(), bool(selected))
        for value, selected, label in re.findall(
            r'<option value="([^"]*)"( selected)?>([^<]*)</option>', select
        )
    ]


@pytest.mark.parametrize("page", ["opportunities:list", "opportunities:board"])
def test_owner_and_team_options_with_the_chosen_one_selected(client, page):
    manager = user_with("manager")
    first, second = user_with("sales"), user_with("sales")
    user_with("finance")  # not a salesperson: not offered
    north, south = TeamFactory(name="North"), TeamFactory(name="South")
    client.force_login(manager)

    html = client.get(reverse(page), {"owner": second.pk, "team": south.pk}).content.decode()

    owners = _options(html, "owner")
    assert [o[0] for o in owners] == ["", str(first.pk), str(second.pk)]
    assert [o[0] for o in owners if o[2]] == [str(second.pk)]
    teams = _options(html, "team")
    assert [(t[0], t[1]) for t in teams] == [
        ("", "Any team"),
        (str(north.pk), "North"),
        (str(south.pk), "South"),
    ]
    assert [t[0] for t in teams if t[2]] == [str(south.pk)]


def test_the_options_are_read_without_counting_them(client):
    user_with("sales")
    TeamFactory()
    client.force_login(user_with("manager"))
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("opportunities:list")).status_code == 200
    sql = [q["sql"] for q in queries]
    assert not [s for s in sql if "COUNT(" in s and ('"auth_user"' in s or '"roles_team"' in s)]
