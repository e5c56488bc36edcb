"""The role matrix is generated from the state machines and matches DESIGN.md."""

import pytest
from django.urls import reverse

from leads.models import Lead
from ltc.matrix import fsm_models, role_matrix
from ltc.transitions import transition_specs
from roles.models import Role
from roles.tests.factories import user_with

pytestmark = pytest.mark.django_db

# DESIGN.md, Lead table: transition -> (sources, target, roles, owner only)
LEAD_DESIGN = {
    "start_work": ({"new"}, "working", {"sales"}, True),
    "nurture": ({"new", "working"}, "nurturing", {"marketing", "sales"}, False),
    "recycle": ({"nurturing"}, "new", {"marketing"}, False),
    "qualify": ({"working"}, "qualified", {"sales"}, False),
    "disqualify": (
        {"new", "working", "nurturing", "qualified"},
        "disqualified",
        {"marketing", "sales"},
        False,
    ),
    "convert": ({"qualified"}, "converted", {"sales"}, False),
    "reopen": ({"disqualified"}, "new", {"manager"}, False),
}


def lead_table():
    (table,) = [t for t in role_matrix() if t["field"] == "status" and "lead" in str(t["model"])]
    return table


def test_lead_is_found_as_a_state_machine_model():
    assert Lead in fsm_models()


def test_lead_specs_match_design():
    specs = {s.name: s for s in transition_specs(Lead)}
    assert set(specs) == set(LEAD_DESIGN)
    for name, (sources, target, roles, owner_only) in LEAD_DESIGN.items():
        spec = specs[name]
        assert set(spec.sources) == sources, name
        assert set(spec.targets) == {target}, name
        assert set(spec.roles) == roles, name
        assert spec.owner_only == owner_only, name


def test_matrix_lists_every_lead_transition_with_exactly_the_design_roles():
    rows = {row["name"]: row for row in lead_table()["rows"]}
    assert set(rows) == set(LEAD_DESIGN)
    for name, (_sources, _target, roles, owner_only) in LEAD_DESIGN.items():
        row = rows[name]
        assert {r for r, allowed in row["roles"].items() if allowed} == roles, name
        assert set(row["roles"]) == set(Role.values), name
        assert row["owner_only"] == owner_only, name
        assert row["system"] is False, name


def test_matrix_shows_state_labels():
    rows = {row["name"]: row for row in lead_table()["rows"]}
    assert rows["qualify"]["sources"] == ["Working"]
    assert rows["qualify"]["target"] == "Qualified"
    assert sorted(rows["disqualify"]["sources"]) == ["New", "Nurturing", "Qualified", "Working"]


def test_matrix_page_renders_for_any_signed_in_user(client):
    client.force_login(user_with("finance"))
    response = client.get(reverse("role-matrix"))
    assert response.status_code == 200
    html = response.content.decode()
    for spec in transition_specs(Lead):
        assert str(spec.label) in html


def test_matrix_page_needs_login(client):
    response = client.get(reverse("role-matrix"))
    assert response.status_code == 302
    assert reverse("login") in response["Location"]
