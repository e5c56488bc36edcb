"""Roles: groups and permissions from migrations, has_role, the owner rule, teams."""

import pytest
from django.contrib.auth.models import AnonymousUser, Group

from leads.tests.factories import LeadFactory
from roles.models import Role
from roles.permissions import (
    RolePermission,
    has_role,
    role_slugs,
    team_member_ids,
    users_with_role,
)
from roles.tests.factories import TeamFactory, UserFactory, user_with

pytestmark = pytest.mark.django_db

ROLES = ["marketing", "sales", "sales_support", "operations", "finance", "service", "manager"]


def perms(slug):
    return {
        f"{p.content_type.app_label}.{p.codename}"
        for p in Group.objects.get(name=slug).permissions.select_related("content_type")
    }


def test_the_seven_groups_exist_after_migrations():
    assert sorted(Role.values) == sorted(ROLES)
    assert set(ROLES) <= set(Group.objects.values_list("name", flat=True))


@pytest.mark.parametrize(
    "slug, must_have, must_not_have",
    [
        (
            "marketing",
            {"leads.add_lead", "leads.change_lead", "leads.view_lead", "customers.add_account"},
            {"catalog.change_product"},
        ),
        (
            "sales",
            {
                "leads.add_lead",
                "leads.view_lead",
                "customers.change_account",
                "catalog.view_product",
            },
            {"catalog.add_product"},
        ),
        (
            "sales_support",
            {"catalog.add_product", "catalog.change_product", "customers.view_account"},
            {"leads.view_lead", "customers.change_account"},
        ),
        (
            "operations",
            {"catalog.change_product", "customers.view_contact"},
            {"leads.view_lead", "customers.add_contact"},
        ),
        ("finance", {"customers.view_account", "catalog.view_product"}, {"leads.view_lead"}),
        ("service", {"customers.view_contact", "catalog.view_product"}, {"leads.add_lead"}),
        (
            "manager",
            {"leads.view_lead", "customers.view_account", "catalog.view_product"},
            {"leads.add_lead", "leads.change_lead", "customers.change_account"},
        ),
    ],
)
def test_group_permissions(slug, must_have, must_not_have):
    held = perms(slug)
    assert must_have <= held, must_have - held
    assert not (must_not_have & held), must_not_have & held


def test_group_permissions_reach_the_user():
    user = user_with("sales_support")
    assert user.has_perm("catalog.change_product")
    assert not user.has_perm("leads.view_lead")


def test_has_role():
    user = user_with("sales", "finance")
    assert has_role(user, "sales")
    assert has_role(user, "marketing", "finance")
    assert not has_role(user, "marketing")
    assert not has_role(user)
    assert role_slugs(user) == frozenset({"sales", "finance"})


def test_has_role_ignores_groups_that_are_not_roles():
    user = user_with("sales")
    user.groups.add(Group.objects.create(name="book club"))
    user = type(user).objects.get(pk=user.pk)
    assert role_slugs(user) == frozenset({"sales"})


def test_superuser_holds_every_role():
    admin = UserFactory(is_superuser=True)
    for slug in ROLES:
        assert has_role(admin, slug)


def test_inactive_user_holds_no_role():
    user = user_with("manager", is_active=False)
    assert not has_role(user, "manager")
    admin = UserFactory(is_superuser=True, is_active=False)
    assert not has_role(admin, "manager")


def test_anonymous_and_none_hold_no_role():
    assert not has_role(AnonymousUser(), "sales")
    assert not has_role(None, "sales")
    assert role_slugs(AnonymousUser()) == frozenset()


def test_users_with_role_lists_active_holders_once():
    a = user_with("sales", "marketing")
    b = user_with("sales")
    user_with("sales", is_active=False)
    user_with("finance")
    assert list(users_with_role("sales")) == [a, b]


def test_team_lead_sees_members():
    lead, member, outsider = user_with("sales"), user_with("sales"), user_with("sales")
    team = TeamFactory(lead=lead)
    team.members.add(member)
    assert team_member_ids(lead) == {lead.pk, member.pk}
    assert team_member_ids(member) == {member.pk}
    assert team_member_ids(outsider) == {outsider.pk}


# --- RolePermission ----------------------------------------------------------------------


def test_role_permission_roles():
    rule = RolePermission("marketing", "sales")
    lead = LeadFactory()
    assert rule(lead, user_with("marketing"))
    assert rule(lead, user_with("sales"))
    assert not rule(lead, user_with("finance"))
    assert not rule(lead, user_with())
    assert not rule(lead, None)
    assert not rule(lead, AnonymousUser())
    assert not rule(lead, user_with("sales", is_active=False))
    assert rule(lead, UserFactory(is_superuser=True))


def test_role_permission_owner_rule():
    owner, other = user_with("sales"), user_with("sales")
    rule = RolePermission("sales", owner_field="owner")
    lead = LeadFactory(owner=owner)
    assert rule(lead, owner)
    assert not rule(lead, other)
    assert not rule(LeadFactory(), owner)  # unowned: nobody owns it
    # owning the record is not enough without the role
    finance_owner = user_with("finance")
    assert not rule(LeadFactory(owner=finance_owner), finance_owner)
    assert rule(lead, UserFactory(is_superuser=True))


def test_role_permission_describe():
    assert RolePermission("marketing", "sales").describe() == "Marketing, Sales"
    assert RolePermission("sales", owner_field="owner").describe() == "Sales (owner)"
