"""Every writable relation of the API refuses a record the caller may not see.

Generated from the OpenAPI schema: for each POST / PUT / PATCH request body, every writable
relation field (one, many, or inside nested lines) is sent with the id of a record the
caller may not see (as its role's selector in ltc.records says). The answer must be 400
naming that field, and nothing may be written. A field whose model has no selector (people,
teams) must be listed in UNSCOPED with the reason; a field no role could be refused on must
be listed in NEVER_HIDDEN.
"""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.settings import spectacular_settings
from rest_framework import serializers
from rest_framework.test import APIClient

from billing.tests.factories import draft_invoice
from catalog.tests.factories import ProductFactory
from contracts.tests.factories import draft_contract
from customers.tests.factories import AccountFactory, ContactFactory
from feedback.tests.factories import ticket_in
from ltc import records
from opportunities.tests.factories import OpportunityFactory, QuoteFactory
from orders.tests.factories import order_in
from roles.models import Team
from roles.tests.factories import user_with

pytestmark = pytest.mark.django_db

PROJECT_APPS = (
    "ltc",
    "roles",
    "customers",
    "catalog",
    "leads",
    "opportunities",
    "contracts",
    "orders",
    "billing",
    "feedback",
    "pool",
)

# Relation targets with no visibility rule: everyone who may write the field may pick any of
# them, and the service checks the choice (the person's role, the team's lead).
UNSCOPED = {
    get_user_model(): "people: the services check the chosen person's role",
    Team: "teams: bot_webhook_save lets only the team's lead or a manager write",
}

# (method, path, field) that no role can be refused on because every role that may call the
# endpoint sees every record of the field's model.
NEVER_HIDDEN: dict[tuple[str, str, str], str] = {}


def _writable_relations(serializer, prefix=""):
    """(dotted field name, related model, many) of every writable relation, nested too."""
    if isinstance(serializer, serializers.ListSerializer):
        serializer = serializer.child
    for name, field in serializer.fields.items():
        if field.read_only:
            continue
        if isinstance(field, serializers.BaseSerializer):
            yield from _writable_relations(field, f"{prefix}{name}.")
            continue
        relation = getattr(field, "child_relation", field)
        if isinstance(relation, serializers.RelatedField) and relation.queryset is not None:
            many = isinstance(field, serializers.ManyRelatedField)
            yield f"{prefix}{name}", relation.queryset.model, many


def _request_properties(schema, operation) -> set[str]:
    """Top-level property names of an operation's JSON request body in the schema."""
    body = operation.get("requestBody", {}).get("content", {}).get("application/json")
    if not body:
        return set()
    ref = body["schema"].get("$ref", "")
    component = schema["components"]["schemas"].get(ref.rsplit("/", 1)[-1], body["schema"])
    return set(component.get("properties", {}))


def schema_relations():
    """(method, path, field, model, many) for every writable relation of every request body."""
    generator = SchemaGenerator()
    schema = generator.get_schema(request=None, public=True)
    views = {
        (path, method): view for path, _r, method, view in generator._get_paths_and_endpoints()
    }
    found = []
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            if method not in ("post", "put", "patch"):
                continue
            view = views[(path, method.upper())]
            view.request = spectacular_settings.GET_MOCK_REQUEST(method.upper(), path, view, None)
            serializer = view.schema.get_request_serializer()
            if isinstance(serializer, type):
                serializer = serializer()
            if not isinstance(serializer, serializers.BaseSerializer):
                continue
            documented = _request_properties(schema, operation)
            for field, model, many in _writable_relations(serializer):
                assert field.split(".")[0] in documented, (method, path, field)
                found.append((method.upper(), path, field, model, many))
    return found


def _body(field: str, pk: int, many: bool) -> dict:
    value = [pk] if many else pk
    if "." in field:
        outer, inner = field.split(".", 1)
        return {outer: [{inner: value}]}
    return {field: value}


def _errors_name(errors, field: str) -> bool:
    if "." in field:
        outer, inner = field.split(".", 1)
        nested = errors.get(outer)
        if isinstance(nested, dict):  # {"0": {...}}: errors by line index
            nested = list(nested.values())
        return isinstance(nested, list) and any(isinstance(e, dict) and inner in e for e in nested)
    return field in errors


def _counts() -> dict:
    return {
        m._meta.label: m._default_manager.count()
        for m in apps.get_models()
        if m._meta.app_label in PROJECT_APPS
    }


def _client(user) -> APIClient:
    api = APIClient()
    api.force_authenticate(user)
    return api


@pytest.fixture
def world():
    """Two salespeople's customers and deals; the callers are single-role users, who see
    their own (or their role's) records and not the other salesperson's."""
    me, other = user_with("sales"), user_with("sales")
    support, ops = user_with("sales_support"), user_with("operations")
    mine, theirs = AccountFactory(owner=me), AccountFactory(owner=other)
    ContactFactory(account=mine)
    ContactFactory(account=theirs)
    for owner, account in ((me, mine), (other, theirs)):
        opp = OpportunityFactory(owner=owner, account=account, solution_owner=support)
        QuoteFactory(opportunity=opp)
        order_in("in_fulfillment", owner=owner, account=account)
        draft_contract(owner=owner, account=account)
    # the other salesperson's deal is not the support user's
    QuoteFactory(opportunity=OpportunityFactory(owner=other, account=theirs))
    ProductFactory(price=Decimal("10.00"))
    ProductFactory(price=Decimal("10.00"), active=False)
    ticket_in("open", account=mine)
    draft_invoice(account=mine)
    return [
        me,
        support,
        ops,
        user_with("service"),
        user_with("finance"),
        user_with("marketing"),
    ]


def _object_id(api, path: str) -> int | None:
    """The first record of the collection behind a detail path that the caller may see."""
    collection = re.sub(r"\{id\}/.*$", "", path)
    listing = api.get(collection)
    if listing.status_code != 200:
        return None
    data = listing.json()
    rows = data.get("results", data) if isinstance(data, dict) else data
    return rows[0]["id"] if rows else None


def test_every_writable_relation_refuses_a_record_the_caller_may_not_see(world):
    relations = schema_relations()
    assert ("POST", "/api/v1/opportunities/", "account") in {r[:3] for r in relations}
    assert ("PATCH", "/api/v1/opportunities/{id}/", "account") in {r[:3] for r in relations}
    refused, failures = [], []
    for method, path, field, model, many in relations:
        if model in UNSCOPED:
            continue
        assert records.has_selector(model), f"{model.__name__} has no selector ({path})"
        if "{name}" in path:
            continue
        done = False
        for caller in world:
            hidden = model._default_manager.exclude(
                pk__in=records.visible(model, caller).values("pk")
            ).first()
            if hidden is None:
                continue
            api = _client(caller)
            url = path
            before_record = None
            if "{id}" in path:
                pk = _object_id(api, path)
                if pk is None:
                    continue
                url = path.replace("{id}", str(pk))
                before_record = api.get(
                    re.sub(r"(\{id\}/).*$", r"\1", path).replace("{id}", str(pk))
                ).content
            before = _counts()
            response = getattr(api, method.lower())(
                url, _body(field, hidden.pk, many), format="json"
            )
            if response.status_code in (403, 404, 405):
                continue  # this role may not use the endpoint at all; try the next one
            if response.status_code != 400 or not _errors_name(response.json(), field):
                failures.append(
                    (
                        method,
                        path,
                        field,
                        caller.groups.first().name,
                        response.status_code,
                        response.content[:300],
                    )
                )
            elif _counts() != before:
                failures.append((method, path, field, "wrote rows"))
            elif before_record is not None:
                after = api.get(
                    re.sub(r"(\{id\}/).*$", r"\1", path).replace("{id}", str(pk))
                ).content
                if after != before_record:
                    failures.append((method, path, field, "changed the record"))
                else:
                    refused.append((method, path, field))
            else:
                refused.append((method, path, field))
            done = True
            break
        if not done and (method, path, field) not in NEVER_HIDDEN:
            failures.append((method, path, field, "no caller could be refused: list it"))
    assert not failures, "\n".join(map(str, failures))
    assert len(refused) >= 25, refused
