"""Webhooks an integrator can run on: event ids stable across retries and redeliveries, the
test event, the delivery log (page and API) for whoever manages the endpoint, redelivery by
API, page and admin."""

import datetime
import json
import uuid

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from leads.tests.factories import lead_in
from ltc.transitions import run
from notifications import outbox, services
from notifications.models import Delivery, WebhookEndpoint
from notifications.outbound import endpoint_signature
from notifications.tests.test_outbound import Receiver, allow_loopback  # noqa: F401
from roles.tests.factories import user_with

pytestmark = pytest.mark.django_db

SECRET = "s3cret-for-tests"
EVENT_ID = "5d1f0c7e-3b9a-4f3e-8a41-6c2d9e0b7a15"


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def manager():
    return user_with("manager", username="boss")


def endpoint_at(url: str, name: str = "ERP", **kwargs) -> WebhookEndpoint:
    return WebhookEndpoint.objects.create(name=name, url=url, secret=SECRET, **kwargs)


def transition_event(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        run(obj=lead_in("new"), name="nurture", user=user_with("marketing"))


def test_event_id_is_in_the_header_the_body_and_the_log(
    allow_loopback,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    with Receiver() as receiver:
        endpoint_at(receiver.url, name="A")
        endpoint_at(receiver.url, name="B")
        transition_event(django_capture_on_commit_callbacks)
    assert len(receiver.requests) == 2
    ids = {r["headers"]["x-ltc-event-id"] for r in receiver.requests}
    bodies = [json.loads(r["body"]) for r in receiver.requests]
    # one event, one id, whichever endpoint receives it
    assert len(ids) == 1 and {b["id"] for b in bodies} == ids
    assert {str(d.event_id) for d in Delivery.objects.all()} == ids
    deliveries = {r["headers"]["x-ltc-delivery"] for r in receiver.requests}
    assert len(deliveries) == 2


def test_a_retry_sends_the_same_event_id_and_body(
    allow_loopback,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    with Receiver(statuses=[500, 200]) as receiver:
        endpoint_at(receiver.url)
        transition_event(django_capture_on_commit_callbacks)
        delivery = Delivery.objects.get()
        assert delivery.status == Delivery.Status.PENDING
        outbox.sweep(now=timezone.now() + datetime.timedelta(hours=1))
    first, second = receiver.requests
    assert first["body"] == second["body"]
    assert first["headers"]["x-ltc-event-id"] == second["headers"]["x-ltc-event-id"]
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (Delivery.Status.DELIVERED, 2)


def test_redelivery_by_api_keeps_the_original_event_id(
    allow_loopback,  # noqa: F811
    django_capture_on_commit_callbacks,
    manager,
):
    with Receiver() as receiver:
        endpoint = endpoint_at(receiver.url)
        transition_event(django_capture_on_commit_callbacks)
        original = Delivery.objects.get()
        with django_capture_on_commit_callbacks(execute=True):
            answer = api(manager).post(f"/api/v1/webhook-deliveries/{original.pk}/redeliver/")
    assert answer.status_code == 201, answer.content
    assert answer.json()["redelivery_of"] == original.pk
    assert answer.json()["event_id"] == str(original.event_id)
    first, again = receiver.requests
    assert first["body"] == again["body"]
    assert json.loads(again["body"])["id"] == str(original.event_id)
    assert again["headers"]["x-ltc-event-id"] == str(original.event_id)
    assert again["headers"]["x-ltc-signature"] == endpoint_signature(SECRET, again["body"])
    assert again["headers"]["x-ltc-delivery"] != first["headers"]["x-ltc-delivery"]
    redelivery = Delivery.objects.get(redelivery_of=original)
    assert (redelivery.endpoint, redelivery.status) == (endpoint, Delivery.Status.DELIVERED)


def test_a_queued_delivery_is_not_redelivered(manager):
    endpoint = endpoint_at("http://127.0.0.1:9/hook")
    delivery = Delivery.objects.create(
        endpoint=endpoint, payload={"id": "x", "event": "ping"}, event_id=None
    )
    answer = api(manager).post(f"/api/v1/webhook-deliveries/{delivery.pk}/redeliver/")
    assert answer.status_code == 400
    assert "queued" in json.dumps(answer.json())
    assert Delivery.objects.count() == 1


def test_only_a_manager_redelivers(client, allow_loopback):  # noqa: F811
    endpoint = endpoint_at("http://127.0.0.1:9/hook")
    delivery = Delivery.objects.create(
        endpoint=endpoint, payload={"event": "ping"}, status=Delivery.Status.FAILED
    )
    for role in ("sales", "finance", "operations"):
        answer = api(user_with(role)).post(f"/api/v1/webhook-deliveries/{delivery.pk}/redeliver/")
        assert answer.status_code == 403, role
    client.force_login(user_with("sales"))
    assert client.post(reverse("webhook-log-redeliver", args=[delivery.pk])).status_code == 403
    assert Delivery.objects.count() == 1


def test_admin_action_redelivers_with_the_same_event_id(
    client,
    allow_loopback,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    admin = user_with(username="root", is_superuser=True, is_staff=True)
    with Receiver() as receiver:
        endpoint_at(receiver.url)
        transition_event(django_capture_on_commit_callbacks)
        original = Delivery.objects.get()
        client.force_login(admin)
        with django_capture_on_commit_callbacks(execute=True):
            answer = client.post(
                reverse("admin:notifications_delivery_changelist"),
                {"action": "redeliver", "_selected_action": [original.pk]},
            )
    assert answer.status_code == 302
    assert len(receiver.requests) == 2
    assert receiver.requests[1]["body"] == receiver.requests[0]["body"]
    assert Delivery.objects.get(redelivery_of=original).event_id == original.event_id


def test_ping_by_api_is_signed_and_logged(
    allow_loopback,  # noqa: F811
    django_capture_on_commit_callbacks,
    manager,
):
    with Receiver() as receiver:
        endpoint = endpoint_at(receiver.url, active=False)  # a test reaches it all the same
        with django_capture_on_commit_callbacks(execute=True):
            answer = api(manager).post(f"/api/v1/webhooks/{endpoint.pk}/ping/")
    assert answer.status_code == 202, answer.content
    (request,) = receiver.requests
    body = json.loads(request["body"])
    assert body["event"] == "ping" and request["headers"]["x-ltc-event"] == "ping"
    assert body["endpoint"] == {"id": endpoint.pk, "name": "ERP"}
    assert body["by"] == "boss"
    assert request["headers"]["x-ltc-signature"] == endpoint_signature(SECRET, request["body"])
    assert body["id"] == answer.json()["event_id"] == request["headers"]["x-ltc-event-id"]
    assert Delivery.objects.get().status == Delivery.Status.DELIVERED


def test_ping_button_sends_a_test_event(
    client,
    allow_loopback,  # noqa: F811
    django_capture_on_commit_callbacks,
    manager,
):
    with Receiver() as receiver:
        endpoint = endpoint_at(receiver.url)
        client.force_login(manager)
        page = client.get(reverse("webhook-log", args=[endpoint.pk]))
        assert reverse("webhook-test-send", args=[endpoint.pk]) in page.content.decode()
        with django_capture_on_commit_callbacks(execute=True):
            answer = client.post(reverse("webhook-test-send", args=[endpoint.pk]))
    assert answer.status_code == 302
    assert json.loads(receiver.requests[0]["body"])["event"] == "ping"
    log = client.get(reverse("webhook-log", args=[endpoint.pk])).content.decode()
    assert str(Delivery.objects.get().event_id) in log


def test_ping_is_refused_to_other_roles(client):
    endpoint = endpoint_at("http://127.0.0.1:9/hook")
    for role in ("sales", "finance", "service"):
        user = user_with(role)
        assert api(user).post(f"/api/v1/webhooks/{endpoint.pk}/ping/").status_code == 403
        client.force_login(user)
        assert client.post(reverse("webhook-test-send", args=[endpoint.pk])).status_code == 403
    assert not Delivery.objects.exists()


@pytest.fixture
def two_logs():
    """Two endpoints with deliveries, plus an email and a bot message in the outbox."""
    a = endpoint_at("http://127.0.0.1:9/a", name="A")
    b = endpoint_at("http://127.0.0.1:9/b", name="B")
    long_error = "connection refused " * 40
    mine = Delivery.objects.create(
        endpoint=a,
        payload={"id": EVENT_ID, "event": "leads.lead.nurture"},
        event_id=EVENT_ID,
        status=Delivery.Status.FAILED,
        attempts=7,
        last_error=long_error,
    )
    other = Delivery.objects.create(endpoint=b, payload={"id": str(uuid.uuid4()), "event": "ping"})
    Delivery.objects.create(kind=Delivery.Kind.EMAIL, payload={"to": ["x@example.cn"]})
    return a, b, mine, other


def test_delivery_log_api_shows_one_endpoint_to_its_managers(manager, two_logs):
    a, b, mine, other = two_logs
    answer = api(manager).get("/api/v1/webhook-deliveries/", {"endpoint": a.pk})
    assert answer.status_code == 200
    (row,) = answer.json()["results"]
    assert row["id"] == mine.pk
    assert (row["status"], row["attempts"], row["event"]) == ("failed", 7, "leads.lead.nurture")
    assert len(row["last_error"]) == 200 and row["last_error"].endswith("…")
    every = api(manager).get("/api/v1/webhook-deliveries/").json()["results"]
    assert {r["id"] for r in every} == {mine.pk, other.pk}  # never emails or bot messages
    assert api(manager).get(f"/api/v1/webhook-deliveries/{other.pk}/").status_code == 200


@pytest.mark.parametrize("role", ["sales", "sales_support", "finance", "operations", "service"])
def test_delivery_log_is_hidden_from_other_roles(client, role, two_logs):
    a, _b, mine, _other = two_logs
    user = user_with(role)
    assert api(user).get("/api/v1/webhook-deliveries/").status_code == 403
    assert api(user).get(f"/api/v1/webhook-deliveries/{mine.pk}/").status_code == 403
    client.force_login(user)
    assert client.get(reverse("webhooks")).status_code == 403
    assert client.get(reverse("webhook-log", args=[a.pk])).status_code == 403


def test_delivery_log_page_lists_only_its_endpoint(client, manager, two_logs):
    a, b, mine, other = two_logs
    client.force_login(manager)
    page = client.get(reverse("webhook-log", args=[a.pk])).content.decode()
    assert "leads.lead.nurture" in page
    assert reverse("webhook-log-redeliver", args=[mine.pk]) in page
    assert reverse("webhook-log-redeliver", args=[other.pk]) not in page
    assert mine.last_error not in page  # shown cut short
    listing = client.get(reverse("webhooks")).content.decode()
    assert reverse("webhook-log", args=[b.pk]) in listing


def test_redeliver_button_queues_again(client, manager, two_logs):
    a, _b, mine, _other = two_logs
    client.force_login(manager)
    answer = client.post(reverse("webhook-log-redeliver", args=[mine.pk]))
    assert answer.status_code == 302
    again = Delivery.objects.get(redelivery_of=mine)
    assert again.payload == mine.payload and again.endpoint == a
    assert str(again.event_id) == EVENT_ID


def _fill_log(endpoint, n):
    Delivery.objects.bulk_create(
        Delivery(endpoint=endpoint, payload={"id": str(uuid.uuid4()), "event": "ping"})
        for _ in range(n)
    )


@pytest.mark.parametrize("size", [3, 40])
def test_delivery_log_reads_a_fixed_number_of_queries(
    client, manager, size, django_assert_max_num_queries
):
    endpoint = endpoint_at("http://127.0.0.1:9/a")
    _fill_log(endpoint, size)
    caller = api(manager)
    with django_assert_max_num_queries(6):
        answer = caller.get(
            "/api/v1/webhook-deliveries/", {"endpoint": endpoint.pk, "page_size": 50}
        )
    assert len(answer.json()["results"]) == size
    client.force_login(manager)
    client.get(reverse("webhook-log", args=[endpoint.pk]))  # warm the session
    with django_assert_max_num_queries(9):
        page = client.get(reverse("webhook-log", args=[endpoint.pk]))
    assert page.content.decode().count("<code>ping</code>") == min(size, 30)


def test_services_refuse_other_roles():
    endpoint = endpoint_at("http://127.0.0.1:9/a")
    with pytest.raises(PermissionDenied):
        services.webhook_ping(user=user_with("sales"), endpoint=endpoint)
    assert not Delivery.objects.exists()
