"""Team group bots and integrator webhooks, delivered to a real local HTTP receiver."""

import base64
import datetime
import hashlib
import hmac
import json
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from leads.tests.factories import lead_in
from ltc.transitions import run
from notifications import outbox, services
from notifications.models import (
    BotWebhook,
    Delivery,
    Notification,
    NotificationPreference,
    WebhookEndpoint,
)
from notifications.outbound import check_url, endpoint_signature, feishu_sign
from roles.tests.factories import TeamFactory, user_with

pytestmark = pytest.mark.django_db


class Receiver:
    """A local HTTP server that records requests and answers with scripted statuses."""

    def __init__(self, statuses=None, body=b'{"errcode": 0}'):
        self.requests = []
        self.statuses = list(statuses or [])
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802
                length = int(self.headers.get("Content-Length", 0))
                receiver.requests.append(
                    {
                        "path": self.path,
                        "headers": {k.lower(): v for k, v in self.headers.items()},
                        "body": self.rfile.read(length),
                    }
                )
                status = receiver.statuses.pop(0) if receiver.statuses else 200
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def allow_loopback(settings):
    settings.LTC = {**settings.LTC, "WEBHOOK_ALLOW_PRIVATE": True}


def sweep_until_settled(rounds=10):
    """Run the outbox sweeper as time passes, an hour later each round (past any backoff)."""
    now = timezone.now()
    for i in range(1, rounds + 1):
        outbox.sweep(now=now + datetime.timedelta(hours=6 * i))


@pytest.fixture
def team_member():
    member = user_with("sales", username="member")
    team = TeamFactory(lead=user_with("sales", username="teamlead"))
    team.members.add(member)
    return team, member


def notify_member(member, django_capture_on_commit_callbacks, key="follow-up:x:1"):
    with django_capture_on_commit_callbacks(execute=True):
        return services.notify(
            recipient=member, key=key, title="跟进客户 Follow up", url="/leads/1/"
        )


@pytest.mark.parametrize("provider", ["wecom", "dingtalk", "feishu"])
def test_each_bot_format_is_delivered(
    provider, allow_loopback, team_member, django_capture_on_commit_callbacks
):
    team, member = team_member
    with Receiver() as receiver:
        BotWebhook.objects.create(team=team, provider=provider, name="grp", url=receiver.url)
        notify_member(member, django_capture_on_commit_callbacks)
    assert len(receiver.requests) == 1
    payload = json.loads(receiver.requests[0]["body"])
    if provider == "wecom":
        assert payload["msgtype"] == "markdown"
        assert "跟进客户" in payload["markdown"]["content"]
    elif provider == "dingtalk":
        assert payload["msgtype"] == "markdown"
        assert payload["markdown"]["title"] == "跟进客户 Follow up"
    else:
        assert payload["msg_type"] == "text"
        assert payload["content"]["text"].startswith("跟进客户")
    assert Delivery.objects.get(kind="bot").status == Delivery.Status.DELIVERED


def test_dingtalk_request_is_signed(
    allow_loopback, team_member, django_capture_on_commit_callbacks
):
    team, member = team_member
    with Receiver() as receiver:
        BotWebhook.objects.create(
            team=team, provider="dingtalk", name="grp", url=receiver.url, secret="SECabc"
        )
        notify_member(member, django_capture_on_commit_callbacks)
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(receiver.requests[0]["path"]).query)
    timestamp = query["timestamp"][0]
    expected = base64.b64encode(
        hmac.new(b"SECabc", f"{timestamp}\nSECabc".encode(), hashlib.sha256).digest()
    ).decode()
    assert query["sign"][0] == expected


def test_feishu_request_is_signed(allow_loopback, team_member, django_capture_on_commit_callbacks):
    team, member = team_member
    with Receiver() as receiver:
        BotWebhook.objects.create(
            team=team, provider="feishu", name="grp", url=receiver.url, secret="fs-secret"
        )
        notify_member(member, django_capture_on_commit_callbacks)
    payload = json.loads(receiver.requests[0]["body"])
    assert payload["sign"] == feishu_sign("fs-secret", int(payload["timestamp"]))


def test_failed_delivery_is_retried_until_it_succeeds(
    allow_loopback, team_member, django_capture_on_commit_callbacks
):
    team, member = team_member
    with Receiver(statuses=[500, 503]) as receiver:
        BotWebhook.objects.create(team=team, provider="wecom", name="grp", url=receiver.url)
        notify_member(member, django_capture_on_commit_callbacks)
        delivery = Delivery.objects.get(kind="bot")
        assert delivery.status == Delivery.Status.PENDING  # failed once, due again later
        assert delivery.next_attempt_at > timezone.now()
        assert outbox.sweep()["delivered"] == 0  # not due yet
        sweep_until_settled()
    assert len(receiver.requests) == 3
    delivery = Delivery.objects.get(kind="bot")
    assert delivery.status == Delivery.Status.DELIVERED
    assert delivery.attempts == 3


def test_provider_error_code_in_a_200_answer_counts_as_failure(
    allow_loopback, team_member, django_capture_on_commit_callbacks
):
    team, member = team_member
    with Receiver(body=b'{"errcode": 310000, "errmsg": "sign not match"}') as receiver:
        BotWebhook.objects.create(team=team, provider="dingtalk", name="grp", url=receiver.url)
        notify_member(member, django_capture_on_commit_callbacks)
        sweep_until_settled()
    delivery = Delivery.objects.get(kind="bot")
    assert delivery.status == Delivery.Status.FAILED
    assert "310000" in delivery.last_error
    assert len(receiver.requests) == delivery.attempts == 7  # first try + 6 retries


def test_a_dead_bot_never_blocks_the_transition(
    allow_loopback, team_member, django_capture_on_commit_callbacks
):
    team, member = team_member
    BotWebhook.objects.create(team=team, provider="wecom", name="dead", url="http://127.0.0.1:9/x")
    marketing = user_with("marketing")
    lead = lead_in("new", owner=member)
    with django_capture_on_commit_callbacks(execute=True):
        lead = run(obj=lead, name="nurture", user=marketing)
        services.notify(recipient=member, key="follow-up:dead:1", title="t")
    assert lead.status == "nurturing"
    delivery = Delivery.objects.get(kind="bot")
    assert delivery.status == Delivery.Status.PENDING and delivery.attempts == 1
    assert delivery.last_error


def test_bot_events_filter_and_user_preferences(
    allow_loopback, team_member, django_capture_on_commit_callbacks, mailoutbox
):
    team, member = team_member
    with Receiver() as receiver:
        BotWebhook.objects.create(
            team=team, provider="wecom", name="grp", url=receiver.url, events=["lead-assigned"]
        )
        services.notification_preferences_save(user=member, choices={"follow-up": (False, False)})
        notify_member(member, django_capture_on_commit_callbacks)
    assert receiver.requests == []
    assert mailoutbox == []
    assert Notification.objects.filter(recipient=member).count() == 1  # kept for once-only
    from notifications.selectors import inbox

    assert not inbox(user=member).exists()
    assert NotificationPreference.objects.get(user=member).in_app is False


@pytest.mark.parametrize(
    "url",
    [
        "ftp://example.com/hook",
        "file:///etc/passwd",
        "http://127.0.0.1:8000/hook",
        "http://localhost/hook",
        "http://10.1.2.3/hook",
        "http://192.168.1.5/hook",
        "http://169.254.169.254/latest/meta-data",
        "http://[::1]/hook",
    ],
)
def test_unsafe_urls_are_refused(url):
    with pytest.raises(ValidationError) as exc:
        check_url(url)
    assert "url" in exc.value.message_dict


def test_bot_setup_refuses_private_url_with_a_field_error(team_member):
    team, _member = team_member
    with pytest.raises(ValidationError) as exc:
        services.bot_webhook_save(
            user=team.lead, team=team, provider="feishu", name="x", url="http://127.0.0.1/h"
        )
    assert "url" in exc.value.message_dict
    assert not BotWebhook.objects.exists()


def test_only_team_lead_or_manager_configures_bots(team_member, allow_loopback):
    team, member = team_member
    with pytest.raises(PermissionDenied):
        services.bot_webhook_save(
            user=member, team=team, provider="wecom", name="x", url="http://127.0.0.1/h"
        )
    bot = services.bot_webhook_save(
        user=user_with("manager"), team=team, provider="wecom", name="x", url="http://127.0.0.1/h"
    )
    assert bot.pk


def test_transition_webhook_is_signed_json(allow_loopback, django_capture_on_commit_callbacks):
    marketing = user_with("marketing")
    lead = lead_in("new")
    with Receiver() as receiver:
        endpoint = services.webhook_endpoint_save(
            user=user_with("manager"),
            name="ERP",
            url=receiver.url,
            secret="s3cret",
            events=["leads.lead"],
        )
        with django_capture_on_commit_callbacks(execute=True):
            run(obj=lead, name="nurture", user=marketing)
    request = receiver.requests[0]
    assert request["headers"]["x-ltc-signature"] == endpoint_signature("s3cret", request["body"])
    payload = json.loads(request["body"])
    assert payload["event"] == "leads.lead.nurture"
    assert (payload["from"], payload["to"], payload["by"]) == (
        "new",
        "nurturing",
        marketing.username,
    )
    assert endpoint.deliveries.get().status == Delivery.Status.DELIVERED


def test_transition_webhook_respects_subscriptions(
    allow_loopback, django_capture_on_commit_callbacks
):
    WebhookEndpoint.objects.create(
        name="x", url="http://127.0.0.1:9/", secret="s", events=["leads.lead.convert"]
    )
    with django_capture_on_commit_callbacks(execute=True):
        run(obj=lead_in("new"), name="nurture", user=user_with("marketing"))
    assert not Delivery.objects.exists()


def test_only_managers_set_up_integrations(allow_loopback):
    with pytest.raises(PermissionDenied):
        services.webhook_endpoint_save(
            user=user_with("sales"), name="x", url="http://127.0.0.1/h", secret="s"
        )


def test_notification_settings_page_saves_choices(client):
    user = user_with("sales")
    client.force_login(user)
    assert client.get("/notifications/settings/").status_code == 200
    response = client.post("/notifications/settings/", {"follow-up:email": "on"})
    assert response.status_code == 302
    pref = NotificationPreference.objects.get(user=user, event="follow-up")
    assert (pref.in_app, pref.email) == (False, True)


def test_bots_page_for_team_lead_and_refused_for_others(client, team_member):
    team, member = team_member
    client.force_login(member)
    assert client.get("/bots/").status_code == 403
    client.force_login(team.lead)
    response = client.post(
        "/bots/",
        {
            "team": team.pk,
            "provider": "wecom",
            "name": "grp",
            "url": "http://10.0.0.1/x",
            "active": "on",
        },
    )
    assert response.status_code == 400
    assert "private or local address" in response.content.decode()
    assert not BotWebhook.objects.exists()
