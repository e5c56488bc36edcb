"""The role × transition matrix of Opportunity and Quote, written from DESIGN.md (not read from
the code), through the service `run` and through the API."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from guardian.shortcuts import assign_perm
from rest_framework.test import APIClient

from ltc.models import TransitionLog
from ltc.transitions import TransitionNotAllowed, run, transition_specs
from opportunities.models import LostReason, Opportunity, Quote
from opportunities.tests.factories import opportunity_in, quote_in
from roles.tests.factories import UserFactory, user_with

pytestmark = pytest.mark.django_db

OPEN = ("qualification", "needs_analysis", "proposal", "negotiation")
# DESIGN.md, "State machines", Opportunity: transition -> (from, to, who).
OPPORTUNITY_TABLE = {
    "analyze": (("qualification",), "needs_analysis", {"sales"}),
    "propose": (("needs_analysis",), "proposal", {"sales"}),
    "negotiate": (("proposal",), "negotiation", {"sales"}),
    "win": (("negotiation",), "won", {"sales"}),
    "lose": (OPEN, "lost", {"sales"}),
    "reopen": (("lost",), "qualification", {"manager"}),
}
OPPORTUNITY_STATES = (*OPEN, "won", "lost")
DEFAULT_PROBABILITY = {
    "qualification": 10,
    "needs_analysis": 20,
    "proposal": 50,
    "negotiation": 75,
    "won": 100,
    "lost": 0,
}

# DESIGN.md, Quote. `submit` goes to pending_approval (above the policy, as the fixture quote
# is: a 15% discount) or straight to approved; `approve` is the manager's sign-off, and
# `sign_off` is finance's (the second signer of the gate, modelled as a self-loop).
QUOTE_TABLE = {
    "submit": (("draft",), "pending_approval", {"sales_support"}),
    "approve": (("pending_approval",), "approved", {"manager"}),
    "sign_off": (("pending_approval",), "pending_approval", {"finance"}),
    "reject": (("pending_approval",), "draft", {"manager"}),
    "send": (("approved",), "sent", {"sales"}),
    "accept": (("sent",), "accepted", {"sales"}),
    "decline": (("sent",), "declined", {"sales"}),
    "expire": (("sent",), "expired", {"system"}),
}
QUOTE_STATES = ("draft", "pending_approval", "approved", "sent", "accepted", "declined", "expired")

ROLES = ("marketing", "sales", "sales_support", "operations", "finance", "service", "manager")
# API callers: the deal's owner, a salesperson granted it, an unrelated salesperson, the
# solution owner (sales support), an unassigned sales support, the other roles.
ACTORS = (
    "sales_owner",
    "sales_granted",
    "sales_other",
    "support_assigned",
    "support_other",
    "marketing",
    "operations",
    "finance",
    "service",
    "manager",
    "superuser",
)
ROLE_OF = {
    "sales_owner": "sales",
    "sales_granted": "sales",
    "sales_other": "sales",
    "support_assigned": "sales_support",
    "support_other": "sales_support",
}
# DESIGN.md, Roles: sales see what they own or were granted; sales support the quotes (and
# deals) they are assigned to; the manager everything. Others: not found.
SEES = {"sales_owner", "sales_granted", "support_assigned", "manager", "superuser"}

RULE_DATA = {
    "lose": lambda: {"lost_reason": LostReason.objects.first().pk, "lost_note": "price"},
    "reject": lambda: {"reason": "Discount too deep"},
    "decline": lambda: {"reason": "Went elsewhere"},
}


def data_for(name):
    return RULE_DATA[name]() if name in RULE_DATA else {}


def may(actor_role: str, who: set[str]) -> bool:
    return actor_role == "superuser" or actor_role in who


@pytest.fixture
def people():
    people = {
        "sales_owner": user_with("sales", username="sales_owner"),
        "sales_granted": user_with("sales", username="sales_granted"),
        "sales_other": user_with("sales", username="sales_other"),
        "support_assigned": user_with("sales_support", username="support_assigned"),
        "support_other": user_with("sales_support", username="support_other"),
        "superuser": UserFactory(username="root", is_superuser=True),
    }
    for role in ("marketing", "operations", "finance", "service", "manager"):
        people[role] = user_with(role, username=role)
    return people


def opportunity_for(people, stage) -> Opportunity:
    opp = opportunity_in(
        stage, owner=people["sales_owner"], solution_owner=people["support_assigned"]
    )
    assign_perm("opportunities.view_opportunity", people["sales_granted"], opp)
    # what the rules need: an approved quote to propose, an accepted one to win
    if stage == "needs_analysis":
        quote_in("approved", opportunity=opp)
    if stage == "negotiation":
        quote_in("accepted", opportunity=opp)
    return opp


def quote_for(people, status) -> Quote:
    opp = opportunity_for(people, "proposal")
    past = datetime.date.today() - datetime.timedelta(days=1)
    finance = status == "pending_approval"  # finance's sign-off exists only when required
    return quote_in(
        status, opportunity=opp, discount_pct="15", manager=True, finance=finance, valid_until=past
    )


def logs(obj):
    return TransitionLog.objects.filter(
        content_type=ContentType.objects.get_for_model(type(obj)), object_id=obj.pk
    )


def test_the_tables_cover_every_transition_of_the_models():
    for model, table in ((Opportunity, OPPORTUNITY_TABLE), (Quote, QUOTE_TABLE)):
        specs = transition_specs(model)
        assert {s.name for s in specs} == set(table)
        for spec in specs:
            sources, target, who = table[spec.name]
            assert set(spec.sources) == set(sources), spec.name
            assert set(spec.targets) == {target}, spec.name
            assert set(spec.roles) == who, spec.name


# --- through the service `run` (every role) --------------------------------------------------

RUN_MATRIX = [
    (model, name, source, role)
    for model, table in (("opportunity", OPPORTUNITY_TABLE), ("quote", QUOTE_TABLE))
    for name, (sources, _t, _w) in table.items()
    for source in sources
    for role in (*ROLES, "superuser")
]


@pytest.mark.parametrize(("model", "name", "source", "role"), RUN_MATRIX)
def test_run_matrix(people, model, name, source, role):
    table = OPPORTUNITY_TABLE if model == "opportunity" else QUOTE_TABLE
    obj = opportunity_for(people, source) if model == "opportunity" else quote_for(people, source)
    user = people["superuser"] if role == "superuser" else user_with(role)
    if may(role, table[name][2]):
        if name == "approve":
            from opportunities.models import QuoteSignOff

            # finance has signed: the manager's approval completes the gate
            QuoteSignOff.objects.create(
                quote=obj, role="finance", user=people["finance"], decision="approved"
            )
        result = run(obj=obj, name=name, user=user, data=data_for(name))
        result.refresh_from_db()
        state = result.stage if model == "opportunity" else result.status
        assert state == table[name][1]
        if model == "opportunity":
            assert result.probability == DEFAULT_PROBABILITY[state]
        assert logs(obj).filter(transition=name, by=user).exists()
    else:
        with pytest.raises(PermissionDenied):
            run(obj=obj, name=name, user=user, data=data_for(name))
        assert not logs(obj).exists()


WRONG_STATE = [
    ("opportunity", name, state)
    for name, (sources, _t, _w) in OPPORTUNITY_TABLE.items()
    for state in OPPORTUNITY_STATES
    if state not in sources
] + [
    ("quote", name, state)
    for name, (sources, _t, _w) in QUOTE_TABLE.items()
    for state in QUOTE_STATES
    if state not in sources
]


@pytest.mark.parametrize(("model", "name", "state"), WRONG_STATE)
def test_wrong_state_is_refused(people, model, name, state):
    obj = opportunity_for(people, state) if model == "opportunity" else quote_for(people, state)
    with pytest.raises(TransitionNotAllowed):
        run(obj=obj, name=name, user=people["superuser"], data=data_for(name))
    assert not logs(obj).exists()


# --- through the API (visibility first: 404, then role: 403) ---------------------------------

API_MATRIX = [
    (resource, name, source, actor)
    for resource, table in (("opportunities", OPPORTUNITY_TABLE), ("quotes", QUOTE_TABLE))
    for name, (sources, _t, _w) in table.items()
    for source in sources[:1]
    for actor in ACTORS
]


def sees(resource: str, actor: str, source: str) -> bool:
    if resource == "quotes" and actor == "finance" and source == "pending_approval":
        return True  # finance sees the quotes that need its sign-off (the fixture's do)
    return actor in SEES


@pytest.mark.parametrize(("resource", "name", "source", "actor"), API_MATRIX)
def test_api_matrix(people, resource, name, source, actor):
    table = OPPORTUNITY_TABLE if resource == "opportunities" else QUOTE_TABLE
    obj = (
        opportunity_for(people, source)
        if resource == "opportunities"
        else quote_for(people, source)
    )
    user = people[actor]
    client = APIClient()
    client.force_authenticate(user)
    url = f"/api/v1/{resource}/{obj.pk}/transitions/{name}/"
    if name == "approve":
        from opportunities.models import QuoteSignOff

        QuoteSignOff.objects.create(
            quote=obj, role="finance", user=people["finance"], decision="approved"
        )
    if name == "sign_off":
        from opportunities.models import QuoteSignOff

        QuoteSignOff.objects.create(
            quote=obj, role="manager", user=people["manager"], decision="approved"
        )
    response = client.post(url, data_for(name), format="json")
    role = "superuser" if actor == "superuser" else ROLE_OF.get(actor, actor)
    if not sees(resource, actor, source):
        expected = 404
    else:
        expected = 200 if may(role, table[name][2]) else 403
    assert response.status_code == expected, response.content
    state_field = "stage" if resource == "opportunities" else "status"
    fresh = type(obj).objects.get(pk=obj.pk)
    if expected == 200:
        target = table[name][1]
        if name == "sign_off":
            target = "approved"  # the manager had signed: finance completes the gate
        assert response.json()[state_field] == target
        assert getattr(fresh, state_field) == target
    else:
        assert getattr(fresh, state_field) == source
        assert not logs(obj).exists()


@pytest.mark.parametrize("state", QUOTE_STATES)
def test_api_lists_quote_transitions_for_the_caller(people, state):
    quote = quote_for(people, state)
    for actor in ("sales_owner", "support_assigned", "manager"):
        client = APIClient()
        client.force_authenticate(people[actor])
        rows = client.get(f"/api/v1/quotes/{quote.pk}/transitions/").json()
        role = ROLE_OF.get(actor, actor)
        allowed = {r["name"] for r in rows if r["allowed"]}
        expected = {
            name
            for name, (sources, _t, who) in QUOTE_TABLE.items()
            if state in sources and role in who
        }
        assert allowed == expected, actor


def test_amounts_are_decimal_strings(people):
    opp = opportunity_for(people, "qualification")
    client = APIClient()
    client.force_authenticate(people["sales_owner"])
    body = client.get(f"/api/v1/opportunities/{opp.pk}/").json()
    assert body["amount"] == "100000.00" and Decimal(body["weighted_amount"]) == Decimal("10000")
