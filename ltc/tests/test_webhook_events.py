"""The webhook event catalogue (page, API, OpenAPI components) and the quick start's receiver
example, run as shown on the page against a real delivery."""

import html
import json
import re

import pytest
from django.urls import reverse
from django.utils.datastructures import CaseInsensitiveMapping
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient

from leads.tests.factories import lead_in
from ltc.matrix import fsm_models
from ltc.transitions import run, transition_specs
from notifications import services
from notifications.models import Delivery, WebhookEndpoint
from notifications.tests.test_outbound import Receiver, allow_loopback  # noqa: F401
from roles.tests.factories import user_with

pytestmark = pytest.mark.django_db


def every_event() -> set[str]:
    return {
        f"{model._meta.label_lower}.{spec.name}"
        for model in fsm_models()
        for spec in transition_specs(model)
    } | {"ping"}


def test_catalogue_page_lists_every_event_with_an_example(client):
    client.force_login(user_with("sales"))
    page = client.get(reverse("webhook-events"))
    assert page.status_code == 200
    body = page.content.decode()
    shown = set(re.findall(r'<tr id="event-([a-z_.]+)">', body))
    assert shown == every_event()
    assert "leads.lead.convert" in shown and "billing.invoice.issue" in shown
    examples = [
        json.loads(html.unescape(x))
        for x in re.findall(r"<pre[^>]*><code>(.*?)</code>", body, re.S)
    ]
    assert {e["event"] for e in examples} == every_event()
    assert 'id="payload-LeadTransitionEvent"' in body and "record.id" in body
    # linked from the quick start
    quickstart = client.get(reverse("api-quickstart")).content.decode()
    assert reverse("webhook-events") in quickstart


def test_catalogue_api_names_each_payload_component():
    api = APIClient()
    api.force_authenticate(user_with("service"))
    rows = api.get("/api/v1/webhook-events/").json()
    assert {r["event"] for r in rows} == every_event()
    convert = next(r for r in rows if r["event"] == "leads.lead.convert")
    assert convert["payload"] == "LeadTransitionEvent" and convert["subscribe"] == "leads.lead"
    assert convert["example"]["record"] == {"type": "leads.lead", "id": 42}

    schema = SchemaGenerator().get_schema(request=None, public=True)
    components = schema["components"]["schemas"]
    for row in rows:
        component = components[row["payload"]]
        assert set(component["properties"]) == set(row["example"]), row["event"]
        assert all(p.get("description") for p in component["properties"].values())
    assert {f"{m.__name__}TransitionEvent" for m in fsm_models()} | {"PingEvent"} <= set(components)


def test_a_transition_payload_matches_its_catalogue_entry(
    allow_loopback,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    with Receiver() as receiver:
        WebhookEndpoint.objects.create(name="ERP", url=receiver.url, secret="s")
        with django_capture_on_commit_callbacks(execute=True):
            run(obj=lead_in("new"), name="nurture", user=user_with("marketing"))
    sent = json.loads(receiver.requests[0]["body"])
    api = APIClient()
    api.force_authenticate(user_with("manager"))
    rows = api.get("/api/v1/webhook-events/").json()
    example = next(r["example"] for r in rows if r["event"] == "leads.lead.nurture")
    assert set(sent) == set(example)
    assert (sent["from"], sent["to"]) == (example["from"], example["to"]) == ("new", "nurturing")


def shown_receiver(client) -> str:
    """The receiver example exactly as the quick start shows it."""
    page = client.get(reverse("api-quickstart")).content.decode()
    example = r'<pre id="receive-webhook-example"[^>]*><code>(.*?)</code></pre>'
    (code,) = re.findall(example, page, re.S)
    return html.unescape(code)


def test_the_documented_receiver_verifies_and_dedupes_a_real_delivery(
    client,
    allow_loopback,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    manager = user_with("manager")
    client.force_login(manager)
    source = shown_receiver(client)
    assert "X-LTC-Signature" in source and "hmac.compare_digest" in source

    secret = "a-long-random-secret"
    with Receiver() as receiver:
        endpoint = WebhookEndpoint.objects.create(name="ERP", url=receiver.url, secret=secret)
        with django_capture_on_commit_callbacks(execute=True):
            run(obj=lead_in("new"), name="nurture", user=user_with("marketing"))
        with django_capture_on_commit_callbacks(execute=True):
            services.webhook_redeliver(user=manager, delivery=Delivery.objects.get())
        with django_capture_on_commit_callbacks(execute=True):
            services.webhook_ping(user=manager, endpoint=endpoint)
    event, redelivered, ping = receiver.requests

    namespace: dict = {}
    exec(compile(source, "quickstart-receiver", "exec"), namespace)  # noqa: S102
    namespace["SECRET"] = secret
    handled = []
    namespace["handle"] = handled.append
    receive = namespace["receive"]

    def answer(request, body=None):
        return receive(
            request["body"] if body is None else body, CaseInsensitiveMapping(request["headers"])
        )

    assert answer(event) == 200
    assert answer(redelivered) == 200  # the same event again: answered, not handled twice
    assert answer(ping) == 200
    assert [e["event"] for e in handled] == ["leads.lead.nurture", "ping"]
    tampered = event["body"].replace(b'"nurturing"', b'"won"')
    assert tampered != event["body"]
    assert answer(event, body=tampered) == 401
    namespace["SECRET"] = "another secret"
    assert answer(ping) == 401
    assert len(handled) == 2
