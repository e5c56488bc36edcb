"""Lead sources edited on the business rules page: a new source is offered in forms and the
API; a retired one is no longer offered, and the records that have it keep it valid and shown."""

import pytest
from django.utils import translation
from rest_framework.test import APIClient

from leads.models import Lead
from leads.tests.factories import LeadFactory
from roles.tests.factories import user_with
from rules import accessors
from rules.models import RuleChange
from rules.tests.helpers import URL, post_section

pytestmark = pytest.mark.django_db

DEFAULT = (
    "web | Web form | 网页表单\nreferral | Referral | 转介绍\nevent | Event | 活动/展会\n"
    "campaign | Campaign | 营销活动\n{cold}cold_call | Cold call | 陌生拜访\n"
    "partner | Partner | 合作伙伴\nimport | Import | 导入\napi | API | API\nother | Other | 其他\n"
)
WECHAT = "wechat | WeChat | 微信"


@pytest.fixture
def manager(client):
    user = user_with("manager")
    client.force_login(user)
    return user


@pytest.fixture
def retired_cold_call_and_wechat(client, manager):
    response = post_section(client, "sources", LEAD_SOURCES=DEFAULT.format(cold="# ") + WECHAT)
    assert response.status_code == 302
    return manager


def test_the_page_adds_and_retires_sources(retired_cold_call_and_wechat):
    offered = dict(accessors.lead_source_choices())
    assert offered["wechat"] == "WeChat" and "cold_call" not in offered
    with translation.override("zh-hans"):
        assert accessors.lead_source_label("wechat") == "微信"
    assert RuleChange.objects.get(key="LEAD_SOURCES").changed_by == retired_cold_call_and_wechat


def test_forms_offer_the_active_sources_and_keep_a_records_retired_one(
    client, retired_cold_call_and_wechat
):
    from leads.forms import LeadForm

    new_choices = dict(LeadForm().fields["source"].choices)
    assert "wechat" in new_choices and "cold_call" not in new_choices
    old = LeadFactory(source="cold_call")
    assert "cold_call" in dict(LeadForm(instance=old).fields["source"].choices)

    sales = user_with("sales")
    old = LeadFactory(source="cold_call", owner=sales)
    client.force_login(sales)
    page = client.get(f"/leads/{old.pk}/").content.decode()
    assert "Cold call" in page  # still shown
    response = client.post(
        f"/leads/{old.pk}/edit/",
        {"name": old.name, "email": old.email, "source": "cold_call", "currency": "CNY"},
    )
    assert response.status_code == 302  # kept: still valid
    response = client.post(
        "/leads/new/",
        {"name": "New", "email": "n@example.com", "source": "cold_call", "currency": "CNY"},
    )
    assert response.status_code == 400 and not Lead.objects.filter(name="New").exists()
    response = client.post(
        "/leads/new/",
        {"name": "New", "email": "n@example.com", "source": "wechat", "currency": "CNY"},
    )
    assert response.status_code == 302
    assert Lead.objects.get(name="New").get_source_display() == "WeChat"


def test_the_api_takes_an_offered_source_and_refuses_a_retired_or_unknown_one(
    retired_cold_call_and_wechat,
):
    sales = user_with("sales")
    api = APIClient()
    api.force_authenticate(sales)
    body = {"name": "Li", "email": "li@example.com"}
    created = api.post("/api/v1/leads/", {**body, "source": "wechat"}, format="json")
    assert created.status_code == 201 and created.json()["source"] == "wechat"
    for bad in ("cold_call", "telepathy"):
        response = api.post("/api/v1/leads/", {**body, "source": bad}, format="json")
        assert response.status_code == 400 and "source" in response.json(), bad
    old = LeadFactory(source="cold_call", owner=sales)
    response = api.patch(f"/api/v1/leads/{old.pk}/", {"source": "cold_call"}, format="json")
    assert response.status_code == 200
    response = api.patch(f"/api/v1/leads/{old.pk}/", {"source": "telepathy"}, format="json")
    assert response.status_code == 400
    assert Lead.objects.get(pk=old.pk).source == "cold_call"


def test_the_lead_list_filters_by_a_retired_source_too(client, retired_cold_call_and_wechat):
    from leads.forms import LeadFilterForm

    assert "cold_call" in dict(LeadFilterForm().fields["source"].choices)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (DEFAULT.format(cold="").replace("other | Other | 其他\n", ""), "cannot be removed"),
        (DEFAULT.format(cold="") + "wechat | WeChat", "write key | English name"),
        (DEFAULT.format(cold="") + "WeChat! | WeChat | 微信", "a key is 1 to 20 small letters"),
        (DEFAULT.format(cold="") + "web | Web | 网页", "is given twice"),
        ("".join(f"# {line}\n" for line in DEFAULT.format(cold="").splitlines()), "at least one"),
    ],
)
def test_a_bad_source_list_is_refused_and_the_old_one_stays(client, manager, text, message):
    before = accessors.lead_sources()
    response = post_section(client, "sources", LEAD_SOURCES=text)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert accessors.lead_sources() == before
    assert not RuleChange.objects.exists()


def test_the_sources_section_is_shown_on_the_page(client, manager):
    assert "wechat" not in client.get(URL).content.decode()
    assert 'data-testid="section-sources"' in client.get(URL).content.decode()
