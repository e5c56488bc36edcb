"""Duplicates warned before they are made (accounts and leads, page and API), limited to
what the user may see; managers merge two accounts or two contacts, moving every related
record of every stage in one transaction; phone numbers validated."""

from __future__ import annotations

import html

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from rest_framework.test import APIClient

from activities.models import Activity
from activities.services import activity_create
from billing.models import Invoice
from billing.tests.factories import invoice_in
from contracts.models import Contract
from customers.models import Account, Contact
from customers.names import company_key
from customers.phones import validate_phone
from customers.services import merge_records
from customers.tests.factories import AccountFactory, ContactFactory
from feedback.models import Ticket
from feedback.tests.factories import ticket_in
from leads.models import Lead
from leads.tests.factories import LeadFactory
from opportunities.models import Opportunity
from orders.models import Order
from orders.tests.factories import order_in
from roles.tests.factories import user_with

pytestmark = pytest.mark.django_db


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.mark.parametrize(
    "a, b",
    [
        ("上海明辉制造有限公司", "上海明辉制造 股份有限公司"),
        ("上海明辉制造有限公司", "上海明辉制造有限责任公司"),
        ("上海明辉制造有限公司", "上海明辉制造有限公司"),  # full-width spaces / letters below
        ("ＳＨＡＮＧＨＡＩ　Minghui Co., Ltd.", "Shanghai Minghui Inc."),
        ("Acme Corp", "ACME corporation"),
    ],
)
def test_company_names_fold_to_one_key(a, b):
    assert company_key(a) == company_key(b)


def test_different_companies_keep_different_keys():
    assert company_key("上海明辉制造有限公司") != company_key("上海明辉贸易有限公司")
    assert company_key("Costco") == "costco"


@pytest.mark.parametrize(
    "phone", ["13800000000", "+86 138 0000 1111", "010-12345678", "400-820-8820", "+1 415 555 0100"]
)
def test_real_phone_numbers_pass(phone):
    validate_phone(phone)


@pytest.mark.parametrize("phone", ["12345", "1380000000", "23800000000", "phone", "+86 411 000"])
def test_impossible_phone_numbers_are_refused(phone):
    with pytest.raises(ValidationError):
        validate_phone(phone)


def test_account_api_refuses_a_bad_phone_and_changes_nothing():
    marketing = user_with("marketing")
    response = api(marketing).post(
        "/api/v1/accounts/", {"name": "Ningbo Port Tools", "phone": "12345"}, format="json"
    )
    assert response.status_code == 400
    assert "phone" in response.json()
    assert not Account.objects.filter(name="Ningbo Port Tools").exists()


# --- accounts -------------------------------------------------------------------------------
def test_same_company_name_is_warned_in_the_page_and_created_once_confirmed(client):
    marketing = user_with("marketing")
    existing = AccountFactory(name="上海明辉制造有限公司")
    client.force_login(marketing)
    data = {"name": "上海明辉制造 股份有限公司", "currency": "CNY"}
    response = client.post(reverse("customers:account-create"), data)
    assert response.status_code == 409
    body = html.unescape(response.content.decode())
    assert 'data-testid="duplicate-warning"' in body
    assert existing.get_absolute_url() in body and "same company name" in body
    assert Account.objects.count() == 1

    response = client.post(reverse("customers:account-create"), {**data, "confirm_duplicate": "on"})
    assert response.status_code == 302
    assert Account.objects.count() == 2


def test_account_api_answers_409_with_matches_unless_confirmed():
    marketing = user_with("marketing")
    existing = AccountFactory(name="Shanghai Minghui Co., Ltd.", phone="021 5555 0101")
    contact = ContactFactory(email="buyer@minghui.cn")
    payload = {"name": "Shanghai Minghui Inc", "email": "BUYER@minghui.cn"}
    response = api(marketing).post("/api/v1/accounts/", payload, format="json")
    assert response.status_code == 409
    data = response.json()
    assert "confirm_duplicate" in data
    assert "already exists" in data["detail"]  # the 409 answer's documented shape (ApiError)
    found = {(d["kind"], d["id"]): d["fields"] for d in data["duplicates"]}
    assert found == {("account", existing.pk): ["name"], ("contact", contact.pk): ["email"]}
    assert data["hidden_duplicates"] == 0
    assert Account.objects.count() == 2  # the existing account and the contact's

    response = api(marketing).post(
        "/api/v1/accounts/", {**payload, "confirm_duplicate": True}, format="json"
    )
    assert response.status_code == 201
    assert "confirm_duplicate" not in response.json()


def test_matches_the_user_may_not_see_are_only_counted():
    seller, colleague = user_with("sales"), user_with("sales")
    AccountFactory(name="杭州云峰软件有限公司", owner=colleague, phone="0571-8888 6666")
    response = api(seller).post(
        "/api/v1/accounts/", {"name": "杭州云峰软件", "phone": "+86 571 8888 6666"}, format="json"
    )
    assert response.status_code == 409
    data = response.json()
    assert data["duplicates"] == [] and data["hidden_duplicates"] == 1
    assert "杭州云峰" not in response.content.decode()


def test_editing_an_account_is_not_a_duplicate_check(client):
    marketing = user_with("marketing")
    AccountFactory(name="Alpha Ltd")
    mine = AccountFactory(name="Beta Ltd")
    response = api(marketing).patch(f"/api/v1/accounts/{mine.pk}/", {"name": "Alpha"})
    assert response.status_code == 200


# --- leads ----------------------------------------------------------------------------------
def test_lead_with_an_existing_contacts_email_is_warned(client):
    marketing = user_with("marketing")
    contact = ContactFactory(email="li.na@minghui.cn")
    client.force_login(marketing)
    data = {"name": "Li Na", "email": "Li.Na@minghui.cn", "source": "event", "currency": "CNY"}
    response = client.post(reverse("leads:create"), data)
    assert response.status_code == 409
    body = html.unescape(response.content.decode())
    assert contact.get_absolute_url() in body and "same email" in body
    assert not Lead.objects.exists()
    response = client.post(reverse("leads:create"), {**data, "confirm_duplicate": "on"})
    assert response.status_code == 302
    assert Lead.objects.count() == 1


def test_lead_api_matches_leads_by_company_and_phone():
    marketing = user_with("marketing")
    lead = LeadFactory(company="苏州恒达电子有限公司", phone="13900000002")
    payload = {"name": "Chen", "company": "苏州恒达电子", "phone": "+86 139 0000 0002"}
    response = api(marketing).post("/api/v1/leads/", payload, format="json")
    assert response.status_code == 409
    assert response.json()["duplicates"][0] == {
        "kind": "lead",
        "id": lead.pk,
        "name": str(lead),
        "url": lead.get_absolute_url(),
        "fields": ["name", "phone"],
    }
    response = api(marketing).post(
        "/api/v1/leads/", {**payload, "confirm_duplicate": True}, format="json"
    )
    assert response.status_code == 201
    assert Lead.objects.get(pk=response.json()["id"]).company_key == "苏州恒达电子"


# --- merge ----------------------------------------------------------------------------------
def test_manager_merges_two_accounts_moving_every_stage():
    manager = user_with("manager")
    owner = user_with("sales")
    keep = AccountFactory(name="上海明辉制造有限公司", owner=owner, phone="")
    dup = AccountFactory(name="上海明辉制造股份有限公司", owner=owner, phone="13800000000")
    ContactFactory(account=dup)
    LeadFactory(account=dup)
    order = order_in("pending", account=dup, owner=owner, lines=1)  # deal, contract, order
    invoice_in("issued", account=dup)
    ticket_in("open", account=dup)
    activity_create(record=dup, owner=owner, kind="call", subject="Intro call")

    merged = merge_records(user=manager, source=dup, target=keep)

    assert not Account.objects.filter(pk=dup.pk).exists()
    assert merged.phone == "13800000000"  # the empty field took the duplicate's value
    for model in (Contact, Lead, Opportunity, Contract, Order, Invoice, Ticket):
        assert model.objects.filter(account=keep).count() >= 1, model
        assert not model.objects.filter(account_id=dup.pk).exists(), model
    assert Activity.objects.filter(object_id=keep.pk, subject="Intro call").exists()
    order.refresh_from_db()
    assert order.account_id == keep.pk
    reasons = [h.history_change_reason for h in keep.history.all()]
    assert any(r and f"#{dup.pk}" in r for r in reasons)


def test_merge_shows_in_the_history_panel_and_api(client):
    manager = user_with("manager")
    keep, dup = AccountFactory(name="Keep Co"), AccountFactory(name="Dup Co")
    client.force_login(manager)
    response = client.post(reverse("customers:account-merge", args=[keep.pk]), {"source": dup.pk})
    assert response.status_code == 302
    page = html.unescape(client.get(keep.get_absolute_url()).content.decode())
    assert 'data-testid="history-reason"' in page and f"#{dup.pk}" in page
    history = api(manager).get(f"/api/v1/accounts/{keep.pk}/history/").json()["results"]
    assert any(f"#{dup.pk}" in (row["comment"] or "") for row in history)


def test_manager_merges_two_contacts_through_the_api():
    manager = user_with("manager")
    account = AccountFactory()
    keep = ContactFactory(account=account, phone="")
    dup = ContactFactory(account=account, phone="13700000000")
    lead = LeadFactory(contact=dup, account=account)
    response = api(manager).post(
        f"/api/v1/contacts/{keep.pk}/merge/", {"source": dup.pk}, format="json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["phone"] == "13700000000"
    lead.refresh_from_db()
    assert lead.contact_id == keep.pk
    assert not Contact.objects.filter(pk=dup.pk).exists()


@pytest.mark.parametrize("role", ["sales", "marketing", "finance"])
def test_only_managers_merge(client, role):
    user = user_with(role)
    keep, dup = AccountFactory(owner=user), AccountFactory(owner=user)
    response = api(user).post(f"/api/v1/accounts/{keep.pk}/merge/", {"source": dup.pk})
    assert response.status_code == 403
    client.force_login(user)
    url = reverse("customers:account-merge", args=[keep.pk])
    assert client.post(url, {"source": dup.pk}).status_code == 403
    assert Account.objects.filter(pk=dup.pk).exists()


def test_merge_refuses_itself_and_unknown_records():
    manager = user_with("manager")
    keep = AccountFactory()
    client = api(manager)
    response = client.post(f"/api/v1/accounts/{keep.pk}/merge/", {"source": keep.pk})
    assert response.status_code == 400 and "source" in response.json()
    response = client.post(f"/api/v1/accounts/{keep.pk}/merge/", {"source": 999999})
    assert response.status_code == 400 and "source" in response.json()
    assert Account.objects.filter(pk=keep.pk).exists()


def test_a_failed_merge_changes_nothing(monkeypatch):
    """One transaction: if anything fails midway, no record has moved."""
    manager = user_with("manager")
    keep, dup = AccountFactory(), AccountFactory()
    contact = ContactFactory(account=dup)

    def boom(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(Account, "delete", boom)
    with pytest.raises(RuntimeError):
        merge_records(user=manager, source=dup, target=keep)
    contact.refresh_from_db()
    assert contact.account_id == dup.pk
