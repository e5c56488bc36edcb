import pytest
from rest_framework.test import APIClient

from notifications.models import BotWebhook, NotificationPreference, WebhookEndpoint
from roles.tests.factories import TeamFactory, user_with

pytestmark = pytest.mark.django_db


def api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_preferences_default_on_and_saved():
    user = user_with("sales")
    rows = api(user).get("/api/v1/notification-preferences/").json()
    follow = next(r for r in rows if r["event"] == "follow-up")
    assert (follow["in_app"], follow["email"]) == (True, True)
    response = api(user).post(
        "/api/v1/notification-preferences/",
        [{"event": "follow-up", "in_app": True, "email": False}],
        format="json",
    )
    assert response.status_code == 200
    assert NotificationPreference.objects.get(user=user, event="follow-up").email is False


def test_preferences_refuse_unknown_event():
    user = user_with("sales")
    response = api(user).post(
        "/api/v1/notification-preferences/",
        [{"event": "nope", "in_app": True, "email": False}],
        format="json",
    )
    assert response.status_code == 400
    assert not NotificationPreference.objects.exists()


@pytest.fixture
def team():
    team = TeamFactory(lead=user_with("sales", username="lead"))
    team.members.add(user_with("sales", username="member"))
    return team


def test_team_lead_adds_a_bot_secret_is_write_only(team, settings):
    settings.LTC = {**settings.LTC, "WEBHOOK_ALLOW_PRIVATE": True}
    response = api(team.lead).post(
        "/api/v1/bot-webhooks/",
        {
            "team": team.pk,
            "provider": "dingtalk",
            "name": "销售群",
            "url": "http://127.0.0.1:9/x",
            "secret": "SEC1",
            "events": ["follow-up"],
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert "secret" not in response.json()
    assert BotWebhook.objects.get().secret == "SEC1"


@pytest.mark.parametrize(
    "url", ["ftp://example.com/x", "http://127.0.0.1/x", "http://192.168.0.10/hook"]
)
def test_bot_url_must_be_public_http(team, url):
    response = api(team.lead).post(
        "/api/v1/bot-webhooks/",
        {"team": team.pk, "provider": "wecom", "name": "x", "url": url},
        format="json",
    )
    assert response.status_code == 400
    assert "url" in response.json()
    assert not BotWebhook.objects.exists()


def test_team_member_may_not_add_a_bot(team):
    member = team.members.get(username="member")
    response = api(member).post(
        "/api/v1/bot-webhooks/",
        {"team": team.pk, "provider": "wecom", "name": "x", "url": "https://example.com/x"},
        format="json",
    )
    assert response.status_code == 403
    assert api(member).get("/api/v1/bot-webhooks/").json()["results"] == []


def test_webhooks_for_managers_only(settings):
    settings.LTC = {**settings.LTC, "WEBHOOK_ALLOW_PRIVATE": True}
    assert api(user_with("sales")).get("/api/v1/webhooks/").status_code == 403
    manager = user_with("manager")
    response = api(manager).post(
        "/api/v1/webhooks/",
        {"name": "ERP", "url": "http://127.0.0.1:9/erp", "secret": "s", "events": ["leads.lead"]},
        format="json",
    )
    assert response.status_code == 201
    assert WebhookEndpoint.objects.get().events == ["leads.lead"]
    assert api(manager).get("/api/v1/webhooks/").json()["results"][0]["name"] == "ERP"
