"""Declared action policies: the role matrix lists them, and they decide who may act."""

import dataclasses

import pytest
from django.urls import reverse
from django.utils.html import escape

from leads.models import Lead
from leads.tests.factories import LeadFactory
from roles.models import Role
from roles.policies import Policy, can, policy_tables, registry, require
from roles.tests.factories import user_with

pytestmark = pytest.mark.django_db


@pytest.fixture
def override_policy(monkeypatch):
    """Change one declared policy for the test, as editing its app's policies.py would."""

    def change(name, **fields):
        monkeypatch.setitem(registry(), name, dataclasses.replace(registry()[name], **fields))

    return change


def test_every_app_with_actions_declares_them():
    names = set(registry())
    assert {
        "leads.create",
        "leads.assign",
        "leads.import",
        "customers.edit",
        "catalog.edit",
        "opportunities.assign_team",
        "opportunities.export",
        "contracts.attach",
        "orders.ship",
        "billing.payment",
        "feedback.ticket_create",
        "pool.claim",
    } <= names


def test_the_matrix_page_lists_each_declared_policy(client):
    client.force_login(user_with("sales"))
    response = client.get(reverse("role-matrix"))
    assert response.status_code == 200
    body = response.content.decode()
    for policy in registry().values():
        assert f'data-policy="{policy.name}"' in body
        assert escape(str(policy.label)) in body
    # each cell says who may act: marketing always, sales on their own leads only
    lead_edit = next(
        row for t in policy_tables() for row in t["rows"] if row["name"] == "leads.edit"
    )
    assert lead_edit["roles"] == {
        r: {"marketing": "yes", "sales": "own"}.get(r, "") for r in Role.values
    }


def test_the_matrix_shows_a_changed_policy(client, override_policy):
    override_policy("pool.claim", roles=("service",))
    client.force_login(user_with("sales"))
    body = client.get(reverse("role-matrix")).content.decode()
    row = body.split('data-policy="pool.claim"', 1)[1].split("</tr>", 1)[0]
    assert 'data-role="service" data-who="yes"' in row
    assert 'data-role="sales" data-who=""' in row


def test_a_policy_change_changes_who_may_assign_a_lead(client, override_policy):
    salesperson = user_with("sales")
    marketing = user_with("marketing")
    lead = LeadFactory()
    url = reverse("leads:assign", args=[lead.pk])

    override_policy("leads.assign", roles=("manager",))
    client.force_login(marketing)
    assert client.post(url, {"owner": salesperson.pk}).status_code == 403
    assert Lead.objects.get(pk=lead.pk).owner is None

    override_policy("leads.assign", roles=("marketing",))
    assert client.post(url, {"owner": salesperson.pk}).status_code == 302
    assert Lead.objects.get(pk=lead.pk).owner == salesperson


def test_owner_roles_act_only_on_their_own_records():
    owner, other = user_with("sales"), user_with("sales")
    lead = LeadFactory(owner=owner)
    assert can(owner, "leads.edit", lead)
    assert not can(other, "leads.edit", lead)
    assert can(user_with("marketing"), "leads.edit", lead)
    assert not can(user_with("finance"), "leads.edit", lead)


def test_require_refuses_with_the_declared_reason():
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied, match="Only salespeople claim from the pool."):
        require(user_with("finance"), "pool.claim")


def test_an_unknown_policy_or_role_is_an_error():
    with pytest.raises(LookupError):
        can(user_with("sales"), "leads.fly")
    with pytest.raises(ValueError):
        Policy("x.y", "x", roles=("pilot",))
