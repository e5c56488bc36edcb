"""Custom fields through the API: each type written, read back and filtered on; unknown keys
and wrong types refused with 400 naming the key; roles that may not see a field never get
it; the required fields; the OpenAPI schema built from the live definitions."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from customfields.models import FieldType
from customfields.tests.factories import EXAMPLES, define, define_each_type
from leads.models import Lead
from leads.tests.factories import LeadFactory, lead_in
from roles.tests.factories import user_with

pytestmark = pytest.mark.django_db


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def new_lead(client, **extra):
    body = {"name": "Liu Yang", "company": "华东机械", "email": "liu@example.cn", **extra}
    return client.post("/api/v1/leads/", body, format="json")


def example(kind, user):
    given, stored, filter_value, wrong = EXAMPLES[kind]
    if kind == FieldType.USER:
        return user.pk, user.pk, str(user.pk), 999999
    return given, stored, filter_value, wrong


@pytest.mark.parametrize("kind", FieldType.values)
def test_each_type_is_written_read_and_filtered(kind):
    sales = user_with("sales")
    define_each_type("lead")
    given, stored, filter_value, _wrong = example(kind, sales)
    client = client_for(sales)
    answer = new_lead(client, custom={f"f_{kind}": given})
    assert answer.status_code == 201, answer.json()
    assert answer.json()["custom"] == {f"f_{kind}": stored}
    lead = Lead.objects.get(pk=answer.json()["id"])
    assert lead.custom == {f"f_{kind}": stored}
    other = new_lead(client, name="Wang", company="Other Co", email="other@example.cn")
    assert other.status_code == 201

    read = client.get(f"/api/v1/leads/{lead.pk}/").json()
    assert read["custom"] == {f"f_{kind}": stored}
    listed = client.get("/api/v1/leads/", {f"cf_f_{kind}": filter_value}).json()
    assert [row["id"] for row in listed["results"]] == [lead.pk]


@pytest.mark.parametrize("kind", FieldType.values)
def test_a_wrong_value_is_a_400_naming_the_key_and_nothing_changes(kind):
    sales = user_with("sales")
    define_each_type("lead")
    _given, _stored, _filter, wrong = example(kind, sales)
    answer = new_lead(client_for(sales), custom={f"f_{kind}": wrong})
    assert answer.status_code == 400
    errors = answer.json()["custom"]
    assert list(errors) == [f"f_{kind}"] and errors[f"f_{kind}"][0]
    assert not Lead.objects.exists()


def test_an_unknown_key_is_refused():
    sales = user_with("sales")
    define("lead", "industry", FieldType.CHOICE)
    answer = new_lead(client_for(sales), custom={"industri": "制造业"})
    assert answer.status_code == 400
    assert answer.json() == {"custom": {"industri": ["There is no custom field “industri”."]}}


def test_custom_must_be_an_object():
    answer = new_lead(client_for(user_with("sales")), custom=["x"])
    assert answer.status_code == 400 and "custom" in answer.json()


def test_a_bad_filter_value_is_a_400_and_an_unknown_filter_too():
    sales = user_with("sales")
    define("lead", "volume", FieldType.INTEGER)
    client = client_for(sales)
    assert client.get("/api/v1/leads/", {"cf_volume": "many"}).status_code == 400
    assert client.get("/api/v1/leads/", {"cf_nothing": "1"}).status_code == 400


def test_patch_changes_only_the_keys_sent_and_null_clears():
    sales = user_with("sales")
    define("lead", "region", FieldType.TEXT)
    define("lead", "volume", FieldType.INTEGER)
    client = client_for(sales)
    lead_id = new_lead(client, custom={"region": "华东", "volume": 3}).json()["id"]
    answer = client.patch(f"/api/v1/leads/{lead_id}/", {"custom": {"volume": 5}}, format="json")
    assert answer.json()["custom"] == {"region": "华东", "volume": 5}
    answer = client.patch(f"/api/v1/leads/{lead_id}/", {"custom": {"region": None}}, format="json")
    assert answer.json()["custom"] == {"volume": 5}


def test_a_required_field_must_be_given_on_create():
    define("lead", "industry", FieldType.CHOICE, required=True)
    client = client_for(user_with("sales"))
    answer = new_lead(client)
    assert answer.status_code == 400
    assert answer.json()["custom"] == {"industry": ["This field is required."]}
    assert new_lead(client, custom={"industry": "零售"}).status_code == 201


def test_a_role_that_may_not_see_a_field_never_receives_it():
    define("lead", "margin", FieldType.DECIMAL, view_roles=["manager"])
    define("lead", "region", FieldType.TEXT)
    lead = LeadFactory(custom={"margin": "12.5", "region": "华东"})
    marketing = client_for(user_with("marketing"))
    assert marketing.get(f"/api/v1/leads/{lead.pk}/").json()["custom"] == {"region": "华东"}
    rows = marketing.get("/api/v1/leads/").json()["results"]
    assert "margin" not in str(rows) and "12.5" not in str(rows)
    # nor may it filter on it or write it: for that role the field does not exist
    assert marketing.get("/api/v1/leads/", {"cf_margin": "12.5"}).status_code == 400
    answer = marketing.patch(
        f"/api/v1/leads/{lead.pk}/", {"custom": {"margin": "1"}}, format="json"
    )
    assert answer.status_code == 400
    assert answer.json()["custom"] == {"margin": ["There is no custom field “margin”."]}
    manager = client_for(user_with("manager"))
    assert manager.get(f"/api/v1/leads/{lead.pk}/").json()["custom"] == {
        "margin": "12.5",
        "region": "华东",
    }


def test_a_role_that_may_not_edit_a_field_is_refused_and_its_value_stays():
    define("lead", "rating", FieldType.INTEGER, edit_roles=["manager"])
    marketing = user_with("marketing")
    lead = LeadFactory(custom={"rating": 3})
    answer = client_for(marketing).patch(
        f"/api/v1/leads/{lead.pk}/", {"custom": {"rating": 5}}, format="json"
    )
    assert answer.status_code == 400
    assert answer.json()["custom"] == {"rating": ["Your role may not change this field."]}
    lead.refresh_from_db()
    assert lead.custom == {"rating": 3}


def test_a_required_field_blocks_the_transition_that_needs_it():
    define("lead", "industry", FieldType.CHOICE, label_zh="行业", label_en="Industry",
           required_for=["qualify"])  # fmt: skip
    sales = user_with("sales")
    lead = lead_in("working", owner=sales)
    client = client_for(sales)
    answer = client.post(f"/api/v1/leads/{lead.pk}/transitions/qualify/", {}, format="json")
    assert answer.status_code == 400
    assert "“Industry” filled in first" in str(answer.json())
    lead.refresh_from_db()
    assert lead.status == "working"
    client.patch(f"/api/v1/leads/{lead.pk}/", {"custom": {"industry": "零售"}}, format="json")
    answer = client.post(f"/api/v1/leads/{lead.pk}/transitions/qualify/", {}, format="json")
    assert answer.status_code == 200, answer.json()
    lead.refresh_from_db()
    assert lead.status == "qualified"


def test_the_schema_describes_each_live_field():
    define("lead", "industry", FieldType.CHOICE, label_en="Industry", label_zh="行业")
    define("lead", "old", FieldType.TEXT).delete()
    schema = client_for(user_with("manager")).get("/api/schema/?format=json").json()
    custom = schema["components"]["schemas"]["Lead"]["properties"]["custom"]
    assert custom["description"]
    industry = custom["properties"]["industry"]
    assert industry["enum"] == ["制造业", "零售", "金融"]
    assert "Industry (行业)" in industry["description"]
    assert "old" not in custom["properties"]
    parameters = schema["paths"]["/api/v1/leads/"]["get"]["parameters"]
    assert any(p["name"] == "cf_industry" and p["description"] for p in parameters)


@pytest.mark.parametrize(
    "path,record",
    [
        ("/api/v1/accounts/", "account"),
        ("/api/v1/contacts/", "contact"),
        ("/api/v1/products/", "product"),
        ("/api/v1/opportunities/", "opportunity"),
        ("/api/v1/quotes/", "quote"),
        ("/api/v1/contracts/", "contract"),
        ("/api/v1/orders/", "order"),
        ("/api/v1/tickets/", "ticket"),
    ],
)
def test_every_record_kind_carries_custom_in_its_api(path, record):
    define(record, "region", FieldType.TEXT, view_roles=["finance"])
    define(record, "tier", FieldType.CHOICE)
    schema = client_for(user_with("manager")).get("/api/schema/?format=json").json()
    names = [p["name"] for p in schema["paths"][path]["get"]["parameters"]]
    assert "cf_tier" in names


def test_integrators_read_the_definitions_they_may_see():
    define("lead", "industry", FieldType.CHOICE, label_en="Industry", label_zh="行业",
           required_for=["qualify"])  # fmt: skip
    define("lead", "margin", FieldType.DECIMAL, view_roles=["manager"])
    define("lead", "rating", FieldType.INTEGER, edit_roles=["manager"])
    define("account", "tier", FieldType.TEXT)
    define("lead", "old", FieldType.TEXT).__class__.objects.filter(key="old").update(
        retired_at="2026-01-01T00:00:00Z"
    )
    client = client_for(user_with("marketing"))
    rows = client.get("/api/v1/custom-fields/", {"record": "lead"}).json()
    assert [(r["key"], r["editable"]) for r in rows] == [("industry", True), ("rating", False)]
    assert rows[0]["label_zh"] == "行业" and rows[0]["required_for"] == ["qualify"]
    assert client.get("/api/v1/custom-fields/", {"record": "nothing"}).status_code == 400
    assert client.get("/api/v1/custom-fields/", {"recrod": "lead"}).status_code == 400
