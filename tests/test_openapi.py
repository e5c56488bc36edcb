"""The OpenAPI schema generates cleanly and documents the transitions; the docs are local."""

import json
import re

import pytest
from django.contrib.staticfiles import finders
from drf_spectacular.drainage import GENERATOR_STATS
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient

from leads.models import Lead
from ltc.transitions import transition_specs
from roles.tests.factories import user_with

pytestmark = pytest.mark.django_db

RESOURCES = ("leads", "accounts", "contacts", "products", "activities", "notifications")


@pytest.fixture
def schema():
    response = APIClient().get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    return json.loads(response.content)


def test_schema_generates_without_warnings_or_errors():
    GENERATOR_STATS.reset()
    generated = SchemaGenerator().get_schema(request=None, public=True)
    assert generated["paths"]
    assert not GENERATOR_STATS._warn_cache, dict(GENERATOR_STATS._warn_cache)
    assert not GENERATOR_STATS._error_cache, dict(GENERATOR_STATS._error_cache)


def test_schema_lists_every_resource(schema):
    paths = schema["paths"]
    assert "/api/v1/auth/token/" in paths
    for resource in RESOURCES:
        assert f"/api/v1/{resource}/" in paths, resource
        assert f"/api/v1/{resource}/{{id}}/" in paths, resource
    for resource in ("leads", "accounts", "contacts", "products"):
        assert "delete" not in paths[f"/api/v1/{resource}/{{id}}/"], resource
    assert "/api/v1/leads/{id}/assign/" in paths
    assert "/api/v1/leads/assign-round-robin/" in paths
    assert "/api/v1/activities/{id}/complete/" in paths
    assert "/api/v1/notifications/mark-read/" in paths
    assert "/api/v1/notifications/unread-count/" in paths


def test_schema_documents_the_lead_transitions(schema):
    listing = schema["paths"]["/api/v1/leads/{id}/transitions/"]["get"]
    items = listing["responses"]["200"]["content"]["application/json"]["schema"]
    assert items["type"] == "array"
    assert not any(p["in"] == "query" for p in listing.get("parameters", []))

    run = schema["paths"]["/api/v1/leads/{id}/transitions/{name}/"]["post"]
    assert {"200", "400", "403", "404", "409"} <= set(run["responses"])
    ok = run["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
    assert ok.endswith("/Lead")
    (name,) = [p for p in run["parameters"] if p["name"] == "name"]
    assert set(name["schema"]["enum"]) == {spec.name for spec in transition_specs(Lead)}
    body = run["requestBody"]["content"]["application/json"]["schema"]["$ref"].split("/")[-1]
    rule_fields = schema["components"]["schemas"][body]["properties"]
    assert {"need", "budget", "expected_close_date", "decision_maker", "reason"} <= set(rule_fields)


def test_status_is_read_only_in_the_schema(schema):
    components = schema["components"]["schemas"]
    assert components["Lead"]["properties"]["status"].get("readOnly") is True
    assert "status" not in components["LeadRequest"]["properties"]
    assert "status" not in components["PatchedLeadRequest"]["properties"]


def test_docs_page_is_served_locally():
    client = APIClient()
    client.force_authenticate(user_with("sales"))
    response = client.get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "swagger-ui" in html
    assert not re.search(r"(src|href)=[\"']?(https?:)?//", html), "external asset in docs"
    assert "http://" not in html and "https://" not in html
    assets = re.findall(r"(?:src|href)=\"/static/([^\"]+)\"", html)
    assert assets
    for asset in assets:
        assert finders.find(asset), asset


def test_writes_document_their_error_answers_and_idempotency(schema):
    for resource in ("leads", "accounts", "contacts", "products"):
        create = schema["paths"][f"/api/v1/{resource}/"]["post"]
        assert {"201", "400", "403"} <= set(create["responses"]), resource
        assert any(p["name"] == "Idempotency-Key" for p in create["parameters"]), resource
        patch = schema["paths"][f"/api/v1/{resource}/{{id}}/"]["patch"]
        assert {"200", "400", "403", "404"} <= set(patch["responses"]), resource
    activity = schema["paths"]["/api/v1/activities/"]["post"]
    assert {"201", "400"} <= set(activity["responses"])
