"""In the admin a contract past its draft, with its inlines, is read-only."""

import pytest
from django.urls import reverse

from contracts.models import Contract
from contracts.tests.factories import contract_in, draft_contract

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, django_user_model):
    client.force_login(django_user_model.objects.create_superuser("root", "root@example.com", "x"))
    return client


def test_a_signed_contract_is_shown_read_only(admin_client):
    contract = contract_in("signed")
    url = reverse("admin:contracts_contract_change", args=[contract.pk])
    response = admin_client.get(url)
    assert response.status_code == 200
    context = response.context
    assert context["has_change_permission"] is False
    for formset in context["inline_admin_formsets"]:
        assert not formset.has_add_permission
        assert not formset.has_change_permission
        assert not formset.has_delete_permission
    assert admin_client.post(url, {"terms": "changed"}).status_code == 403
    assert Contract.objects.get(pk=contract.pk).terms != "changed"
    delete = reverse("admin:contracts_contract_delete", args=[contract.pk])
    assert admin_client.post(delete, {"post": "yes"}).status_code == 403
    assert Contract.objects.filter(pk=contract.pk).exists()


def test_a_draft_stays_editable_but_sign_offs_are_never_added_here(admin_client):
    contract = draft_contract()
    url = reverse("admin:contracts_contract_change", args=[contract.pk])
    response = admin_client.get(url)
    assert response.context["has_change_permission"] is True
    by_model = {f.opts.model.__name__: f for f in response.context["inline_admin_formsets"]}
    assert by_model["ContractLine"].has_change_permission
    assert not by_model["ContractSignOff"].has_add_permission
