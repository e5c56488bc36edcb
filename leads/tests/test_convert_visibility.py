"""Conversion links only an account the converting user may see; otherwise it creates a new
account and tells the managers it may be a duplicate."""

import pytest
from rest_framework.test import APIClient

from customers.models import Account
from customers.tests.factories import AccountFactory
from leads.models import LeadStatus
from leads.tests.factories import lead_in
from ltc.transitions import run
from notifications.models import Notification
from roles.tests.factories import user_with

pytestmark = pytest.mark.django_db


def test_same_name_account_of_another_salesperson_is_not_linked(
    django_capture_on_commit_callbacks,
):
    me, other, manager = user_with("sales"), user_with("sales"), user_with("manager")
    theirs = AccountFactory(owner=other, name="Cloudpeak Software")
    lead = lead_in(LeadStatus.QUALIFIED, owner=me, company="cloudpeak software")
    with django_capture_on_commit_callbacks(execute=True):
        run(obj=lead, name="convert", user=me)
    lead.refresh_from_db()
    assert lead.account != theirs and lead.account.owner == me
    assert Account.objects.filter(name__iexact="cloudpeak software").count() == 2
    (note,) = Notification.objects.filter(recipient=manager)
    assert note.key == f"account-duplicate:{lead.account.pk}"
    assert not Notification.objects.filter(recipient=me, key__startswith="account-dup").exists()


def test_same_name_account_the_user_sees_is_linked_without_a_flag(
    django_capture_on_commit_callbacks,
):
    me, manager = user_with("sales"), user_with("manager")
    mine = AccountFactory(owner=me, name="Cloudpeak Software")
    lead = lead_in(LeadStatus.QUALIFIED, owner=me, company="Cloudpeak Software")
    with django_capture_on_commit_callbacks(execute=True):
        run(obj=lead, name="convert", user=me)
    lead.refresh_from_db()
    assert lead.account == mine
    assert not Notification.objects.filter(recipient=manager).exists()


def test_api_convert_with_an_invisible_account_is_400_and_nothing_changes():
    me, other = user_with("sales"), user_with("sales")
    theirs = AccountFactory(owner=other)
    lead = lead_in(LeadStatus.QUALIFIED, owner=me)
    api = APIClient()
    api.force_authenticate(me)
    response = api.post(
        f"/api/v1/leads/{lead.pk}/transitions/convert/", {"account": theirs.pk}, format="json"
    )
    assert response.status_code == 400 and "account" in response.json()
    lead.refresh_from_db()
    assert lead.status == LeadStatus.QUALIFIED and lead.account is None
    assert Account.objects.count() == 1


def test_convert_form_lists_only_visible_accounts(client):
    me, other = user_with("sales"), user_with("sales")
    AccountFactory(owner=me, name="Visible Account Ltd")
    AccountFactory(owner=other, name="Hidden Account Ltd")
    lead = lead_in(LeadStatus.QUALIFIED, owner=me)
    client.force_login(me)
    page = client.get(lead.get_absolute_url()).content.decode()
    assert "Visible Account Ltd" in page
    assert "Hidden Account Ltd" not in page
