"""Contracts, orders and shipments are in the OpenAPI schema, with their transitions."""

import pytest
from rest_framework.test import APIClient

from roles.tests.factories import user_with

pytestmark = pytest.mark.django_db


def test_schema_lists_contracts_orders_shipments_and_their_transitions():
    client = APIClient()
    client.force_authenticate(user_with("sales"))
    response = client.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    schema = response.json()
    paths = schema["paths"]
    for path in (
        "/api/v1/contracts/",
        "/api/v1/contracts/{id}/payment-plan/",
        "/api/v1/contracts/{id}/amend/",
        "/api/v1/contracts/{id}/transitions/{name}/",
        "/api/v1/orders/",
        "/api/v1/orders/{id}/transitions/{name}/",
        "/api/v1/shipments/",
    ):
        assert path in paths, path

    def names(path):
        params = paths[path]["post"]["parameters"]
        (name,) = [p for p in params if p["name"] == "name"]
        return set(name["schema"]["enum"])

    assert names("/api/v1/contracts/{id}/transitions/{name}/") == {
        "submit_for_review",
        "approve",
        "manager_sign_off",
        "reject",
        "sign",
        "complete",
        "terminate",
    }
    assert names("/api/v1/orders/{id}/transitions/{name}/") == {
        "confirm",
        "start_fulfillment",
        "ship",
        "deliver",
        "accept",
        "cancel",
    }
    contract = schema["components"]["schemas"]["Contract"]["properties"]
    assert {"milestones", "lines", "sign_offs", "planned_total"} <= set(contract)
    assert "lines" in schema["components"]["schemas"]["Order"]["properties"]
