"""The admin changes a lead's owner through the assignment service."""

import pytest
from django.urls import reverse
from guardian.shortcuts import get_perms

from leads.models import Lead, LeadStatus
from leads.tests.factories import LeadFactory, lead_in
from roles.tests.factories import user_with

pytestmark = pytest.mark.django_db


def change_form_data(client, url, **changes):
    """The admin change form as shown, with `changes` applied: what a person would submit."""
    form = client.get(url).context["adminform"].form
    data = {}
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        if value is not None:
            data[name] = value
    data.update(changes)
    return data


@pytest.fixture
def admin_client(client, django_user_model):
    client.force_login(django_user_model.objects.create_superuser("root", "root@example.com", "x"))
    return client


def test_changing_the_owner_grants_the_new_owner_and_revokes_the_old(admin_client):
    before, after = user_with("sales"), user_with("sales")
    lead = LeadFactory()
    from leads import services

    services.lead_assign(lead=lead, owner=before, user=user_with("marketing"))
    assert "view_lead" in get_perms(before, lead)

    url = reverse("admin:leads_lead_change", args=[lead.pk])
    response = admin_client.post(url, change_form_data(admin_client, url, owner=after.pk))
    assert response.status_code == 302

    lead.refresh_from_db()
    assert lead.owner == after
    assert lead.assigned_at is not None
    assert set(get_perms(after, lead)) >= {"view_lead", "change_lead"}
    assert get_perms(before, lead) == []


def test_an_owner_who_is_not_a_salesperson_is_refused_and_nothing_changes(admin_client):
    owner = user_with("sales")
    lead = LeadFactory(owner=owner)
    url = reverse("admin:leads_lead_change", args=[lead.pk])
    data = change_form_data(admin_client, url, owner=user_with("finance").pk, name="Renamed")
    response = admin_client.post(url, data)
    assert response.status_code == 200
    assert "Leads are assigned to salespeople." in response.content.decode()
    lead.refresh_from_db()
    assert (lead.owner, lead.name) == (owner, lead.name)
    assert lead.name != "Renamed"


def test_a_closed_lead_keeps_its_owner(admin_client):
    owner = user_with("sales")
    lead = lead_in(LeadStatus.DISQUALIFIED, owner=owner)
    url = reverse("admin:leads_lead_change", args=[lead.pk])
    response = admin_client.post(
        url, change_form_data(admin_client, url, owner=user_with("sales").pk)
    )
    assert response.status_code == 200
    assert Lead.objects.get(pk=lead.pk).owner == owner
