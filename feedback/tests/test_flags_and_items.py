"""Service feeds back into sales: account flags (shown through ltc.flags on the earlier
stages' pages and in the owner's work queue, cleared by service); market feedback items."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.template import Context, Template
from rest_framework.test import APIClient

from customers.tests.factories import AccountFactory
from feedback import services
from feedback.models import AccountFlag, FeedbackItem
from feedback.tests.factories import survey_for
from ltc.flags import flags_for
from ltc.workqueue import work_queue
from notifications.models import Notification
from roles.tests.factories import TeamFactory, user_with

pytestmark = pytest.mark.django_db


def _detractor(owner=None):
    account = AccountFactory(owner=owner)
    survey = survey_for("nps", account=account)
    services.survey_answer(token=services.survey_link_token(survey), score=3, comment="slow")
    return account


def test_flag_shows_through_the_registry_tag_and_account_page(client):
    owner = user_with("sales")
    account = _detractor(owner)
    flags = flags_for(account)
    assert [f["label"] for f in flags] == ["Detractor NPS answer"]
    html = Template("{% load ltc_flags %}{% account_flags account %}").render(
        Context({"account": account})
    )
    assert 'data-testid="account-flags"' in html and "NPS 3" in html
    calm = AccountFactory()
    assert "account-flags" not in Template(
        "{% load ltc_flags %}{% account_flags account %}"
    ).render(Context({"account": calm}))
    client.force_login(owner)
    page = client.get(account.get_absolute_url())
    assert page.status_code == 200 and 'data-testid="account-flags"' in page.content.decode()


def test_owner_is_notified_and_sees_it_in_the_work_queue(django_capture_on_commit_callbacks):
    owner = user_with("sales")
    with django_capture_on_commit_callbacks(execute=True):
        account = _detractor(owner)
    assert (
        Notification.objects.filter(recipient=owner, key__startswith="account-flag:").count() == 1
    )
    sections = {str(s["title"]): s["items"] for s in work_queue(owner)["sections"]}
    assert [f.account for f in sections["My customers at risk"]] == [account]
    other = user_with("sales")
    others = {str(s["title"]): s["items"] for s in work_queue(other)["sections"]}
    assert others["My customers at risk"] == []


def test_a_team_lead_sees_their_members_customers_at_risk_in_the_work_queue():
    lead, member, outsider = user_with("sales"), user_with("sales"), user_with("sales")
    TeamFactory(lead=lead).members.add(member)
    own, members, others = _detractor(lead), _detractor(member), _detractor(outsider)
    in_queue = {
        str(s["title"]): [f.account for f in s["items"]] for s in work_queue(lead)["sections"]
    }
    assert in_queue["My customers at risk"] == [own, members]
    for user, accounts in ((member, [members]), (outsider, [others])):
        in_queue = {
            str(s["title"]): [f.account for f in s["items"]] for s in work_queue(user)["sections"]
        }
        assert in_queue["My customers at risk"] == accounts


def test_only_service_clears_and_then_it_is_gone(client):
    owner = user_with("sales")
    account = _detractor(owner)
    flag = AccountFlag.objects.get(account=account)
    for role in ("sales", "manager", "operations"):
        with pytest.raises(PermissionDenied):
            services.account_flag_clear(flag=flag, user=user_with(role))
    service = user_with("service")
    sections = {str(s["title"]): s["items"] for s in work_queue(service)["sections"]}
    assert flag in sections["Account flags to clear"]
    client.force_login(service)
    assert client.post(f"/service/flags/{flag.pk}/clear/").status_code == 302
    flag.refresh_from_db()
    assert flag.cleared_at is not None and flag.cleared_by == service
    assert flags_for(account) == []
    # API: clearing by sales is 403.
    second = _detractor(owner)
    api = APIClient()
    api.force_authenticate(owner)
    flag2 = AccountFlag.objects.get(account=second)
    assert api.post(f"/api/v1/account-flags/{flag2.pk}/clear/").status_code == 403
    api.force_authenticate(service)
    response = api.post(f"/api/v1/account-flags/{flag2.pk}/clear/")
    assert response.status_code == 200 and response.json()["cleared_at"]


@pytest.mark.parametrize(
    "kind,category,route",
    [
        ("suggestion", "market", "marketing"),
        ("suggestion", "product", "marketing"),
        ("complaint", "product", "operations"),
        ("complaint", "delivery", "operations"),
        ("complaint", "pricing", "marketing"),
    ],
)
def test_feedback_items_are_routed(kind, category, route, django_capture_on_commit_callbacks):
    receiver = user_with(route)
    with django_capture_on_commit_callbacks(execute=True):
        item = services.feedback_item_create(
            user=user_with("sales"), kind=kind, category=category, title="Competitor X is cheaper"
        )
    assert item.routed_to == route and item.status == "new"
    assert Notification.objects.filter(recipient=receiver, key=f"feedback-item:{item.pk}").exists()


def test_feedback_item_rules_and_api():
    with pytest.raises(PermissionDenied):
        services.feedback_item_create(
            user=user_with("finance"), kind="suggestion", category="market", title="x"
        )
    api = APIClient()
    seller = user_with("sales")
    api.force_authenticate(seller)
    response = api.post(
        "/api/v1/feedback-items/",
        {"kind": "complaint", "category": "delivery", "title": "Boxes arrive damaged"},
        format="json",
    )
    assert response.status_code == 201 and response.json()["routed_to"] == "operations"
    item_id = response.json()["id"]
    bad = api.post("/api/v1/feedback-items/", {"kind": "rant", "title": ""}, format="json")
    assert bad.status_code == 400
    # The sales author may not set the status; operations (routed to) may.
    assert (
        api.post(f"/api/v1/feedback-items/{item_id}/status/", {"status": "done"}).status_code == 403
    )
    api.force_authenticate(user_with("operations"))
    ok = api.post(f"/api/v1/feedback-items/{item_id}/status/", {"status": "acknowledged"})
    assert ok.status_code == 200 and ok.json()["status"] == "acknowledged"
    assert api.post(f"/api/v1/feedback-items/{item_id}/status/", {"status": "x"}).status_code == 400
    # Marketing does not see an operations item.
    api.force_authenticate(user_with("marketing"))
    assert api.get(f"/api/v1/feedback-items/{item_id}/").status_code == 404
    assert FeedbackItem.objects.get(pk=item_id).status == "acknowledged"


def test_feedback_page(client):
    seller = user_with("sales")
    client.force_login(seller)
    response = client.post(
        "/service/feedback/",
        {"kind": "suggestion", "category": "market", "title": "Add WeChat Pay"},
    )
    assert response.status_code == 302
    page = client.get("/service/feedback/")
    assert "Add WeChat Pay" in page.content.decode()
    assert client.post("/service/feedback/", {"kind": "x"}).status_code == 400
    client.force_login(user_with("finance"))
    assert client.post("/service/feedback/", {"kind": "suggestion"}).status_code == 403


def test_pages_render(client):
    client.force_login(user_with("service"))
    for url in ("/service/surveys/", "/service/flags/", "/service/feedback/", "/"):
        assert client.get(url).status_code == 200, url


@pytest.mark.parametrize("size", [2, 20])
def test_service_api_lists_are_bounded(django_assert_max_num_queries, size):
    seller = user_with("sales")
    for _ in range(size):
        _detractor(seller)
        services.feedback_item_create(user=seller, kind="suggestion", category="market", title="t")
    api = APIClient()
    api.force_authenticate(user_with("service"))
    for url in ("/api/v1/surveys/", "/api/v1/account-flags/", "/api/v1/feedback-items/"):
        with django_assert_max_num_queries(8):
            assert api.get(url).status_code == 200, url
