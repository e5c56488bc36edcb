"""The browser side: the definitions page (managers only), the custom fields in a record's
form (errors shown, nothing saved on a bad value) and on its page, and roles that may not
see a field never shown it."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import translation

from customfields.models import CustomFieldDefinition, FieldType
from customfields.tests.factories import define
from leads.models import Lead
from leads.tests.factories import LeadFactory, lead_in
from roles.tests.factories import user_with

pytestmark = pytest.mark.django_db


def browser(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_definitions_page_is_for_managers_only():
    assert browser(user_with("manager")).get("/settings/custom-fields/").status_code == 200
    for role in ("sales", "marketing", "finance"):
        assert browser(user_with(role)).get("/settings/custom-fields/").status_code == 403
        answer = browser(user_with(role)).post(
            "/settings/custom-fields/new/?record=lead",
            {"key": "x", "label_en": "X", "label_zh": "X", "type": "text", "order": 0},
        )
        assert answer.status_code == 403
    assert not CustomFieldDefinition.objects.exists()


def test_a_manager_adds_a_required_choice_field_in_chinese():
    client = browser(user_with("manager"))
    client.cookies["django_language"] = "zh-hans"
    answer = client.post(
        "/settings/custom-fields/new/?record=lead",
        {
            "key": "industry",
            "label_en": "Industry",
            "label_zh": "行业",
            "type": "choice",
            "choices": "制造业\n零售\n",
            "required_for": ["qualify"],
            "in_list": "on",
            "order": 1,
        },
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    assert answer.status_code == 302
    definition = CustomFieldDefinition.objects.get()
    assert definition.choices == ["制造业", "零售"] and definition.required_for == ["qualify"]
    page = client.get("/settings/custom-fields/?record=lead", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert "行业" in page.content.decode() and "自定义字段" in page.content.decode()


def test_a_bad_definition_is_shown_again_with_its_errors():
    client = browser(user_with("manager"))
    define("lead", "industry", FieldType.CHOICE)
    answer = client.post(
        "/settings/custom-fields/new/?record=lead",
        {"key": "industry", "label_en": "", "label_zh": "行业", "type": "choice",
         "choices": "A\nB\nA", "order": 0},
    )  # fmt: skip
    assert answer.status_code == 400
    html = answer.content.decode()
    assert "already has a field with the key" in html
    assert "Give the field an English label." in html
    assert "appears more than once" in html
    assert CustomFieldDefinition.objects.count() == 1


def test_retire_and_restore_from_the_page():
    client = browser(user_with("manager"))
    definition = define("lead", "region", FieldType.TEXT)
    lead = LeadFactory(custom={"region": "华东"})
    client.post(f"/settings/custom-fields/{definition.pk}/retire/")
    definition.refresh_from_db()
    assert definition.retired
    manager_page = client.get(lead.get_absolute_url()).content.decode()
    assert "华东" not in manager_page
    client.post(f"/settings/custom-fields/{definition.pk}/restore/")
    assert "华东" in client.get(lead.get_absolute_url()).content.decode()


def test_the_lead_form_takes_the_custom_fields_and_shows_their_errors():
    define("lead", "industry", FieldType.CHOICE, label_en="Industry", required=True)
    define("lead", "volume", FieldType.DECIMAL, label_en="Expected volume")
    sales = user_with("sales")
    client = browser(sales)
    form = client.get("/leads/new/").content.decode()
    assert 'name="cf_industry"' in form and 'name="cf_volume"' in form
    base = {"name": "Liu", "company": "Acme", "email": "liu@example.cn", "source": "web",
            "currency": "CNY"}  # fmt: skip
    answer = client.post("/leads/new/", {**base, "cf_volume": "lots"})
    assert answer.status_code == 400
    html = answer.content.decode()
    assert "This field is required." in html and "Enter a number." in html
    assert not Lead.objects.exists()
    answer = client.post("/leads/new/", {**base, "cf_industry": "零售", "cf_volume": "1250.50"})
    assert answer.status_code == 302
    lead = Lead.objects.get()
    assert lead.custom == {"industry": "零售", "volume": "1250.5"}
    page = client.get(lead.get_absolute_url()).content.decode()
    assert "Expected volume" in page and "1,250.5" in page


def test_editing_keeps_fields_the_user_may_not_see():
    define("lead", "margin", FieldType.INTEGER, view_roles=["manager"])
    define("lead", "region", FieldType.TEXT)
    sales = user_with("sales")
    lead = LeadFactory(owner=sales, custom={"margin": 7, "region": "华东"})
    client = browser(sales)
    form = client.get(f"/leads/{lead.pk}/edit/").content.decode()
    assert "cf_margin" not in form
    data = {"name": lead.name, "company": lead.company, "email": lead.email, "phone": lead.phone,
            "source": lead.source, "currency": "CNY", "cf_region": ""}  # fmt: skip
    assert client.post(f"/leads/{lead.pk}/edit/", data).status_code == 302
    lead.refresh_from_db()
    assert lead.custom == {"margin": 7}


def test_a_field_a_role_may_not_see_is_not_on_its_page():
    define("lead", "margin", FieldType.TEXT, label_en="Secret margin", view_roles=["manager"])
    lead = LeadFactory(custom={"margin": "42 pct"})
    marketing_page = browser(user_with("marketing")).get(lead.get_absolute_url()).content.decode()
    assert "Secret margin" not in marketing_page and "42 pct" not in marketing_page
    manager_page = browser(user_with("manager")).get(lead.get_absolute_url()).content.decode()
    assert "Secret margin" in manager_page and "42 pct" in manager_page


def test_the_qualify_step_on_the_page_is_refused_without_the_field():
    define("lead", "industry", FieldType.CHOICE, label_en="Industry", label_zh="行业",
           required_for=["qualify"])  # fmt: skip
    sales = user_with("sales")
    lead = lead_in("working", owner=sales)
    client = browser(sales)
    answer = client.post(f"/records/leads/lead/{lead.pk}/transitions/qualify/", {}, follow=True)
    assert "“Industry” filled in first" in answer.content.decode()
    lead.refresh_from_db()
    assert lead.status == "working"
    with translation.override("zh-hans"):
        zh = client.post(
            f"/records/leads/lead/{lead.pk}/transitions/qualify/",
            {},
            follow=True,
            HTTP_ACCEPT_LANGUAGE="zh-hans",
        )
    assert "行业" in zh.content.decode()
