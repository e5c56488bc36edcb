"""The leads API: the full role × transition matrix (from DESIGN.md), the rules, capture,
assignment, visibility, idempotency, filters, bounded queries, and the race on PostgreSQL."""

from __future__ import annotations

import threading
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from guardian.shortcuts import assign_perm
from rest_framework.test import APIClient

from customers.models import Account, Contact
from customers.tests.factories import AccountFactory
from leads.models import Lead
from leads.tests.factories import LeadFactory, lead_in
from ltc.models import TransitionLog
from roles.tests.factories import TeamFactory, UserFactory, user_with

pytestmark = pytest.mark.django_db

# --- The expectations, written from DESIGN.md (not read from the code) ---------------------

# DESIGN.md, "State machines", Lead: transition -> (from states, to state, who may run it).
# "sales (owner)" is only the lead's owner; "sales" is any salesperson who can see the lead.
LEAD_TABLE = {
    "start_work": (("new",), "working", {"sales (owner)"}),
    "nurture": (("new", "working"), "nurturing", {"marketing", "sales"}),
    "recycle": (("nurturing",), "new", {"marketing"}),
    "qualify": (("working",), "qualified", {"sales"}),
    "disqualify": (
        ("new", "working", "nurturing", "qualified"),
        "disqualified",
        {"marketing", "sales"},
    ),
    "convert": (("qualified",), "converted", {"sales"}),
    "reopen": (("disqualified",), "new", {"manager"}),
}
STATES = ("new", "working", "nurturing", "qualified", "disqualified", "converted")

# The callers of the matrix. A salesperson is the lead's owner, another salesperson granted
# the lead (django-guardian), or an unrelated salesperson.
ACTORS = (
    "marketing",
    "sales_owner",
    "sales_granted",
    "sales_other",
    "sales_support",
    "operations",
    "finance",
    "service",
    "manager",
    "superuser",
)

# DESIGN.md, "Roles", record visibility: marketing sees all leads, sales the leads they own
# or were granted, the manager everything (read-only); the other roles are not given leads.
# A lead the caller cannot see is answered 404 (its existence is not revealed), before any
# role check.
SEES_LEAD = {"marketing", "sales_owner", "sales_granted", "manager", "superuser"}

# The fields a rule needs, sent with the transition that needs them.
RULE_DATA = {"disqualify": {"reason": "No budget this year"}}


def may_run(actor: str, name: str) -> bool:
    """DESIGN.md: a superuser may do everything; otherwise the table's `who`."""
    if actor == "superuser":
        return True
    who = LEAD_TABLE[name][2]
    if "sales (owner)" in who and actor == "sales_owner":
        return True
    if "sales" in who and actor in ("sales_owner", "sales_granted"):
        return True
    return actor in who


def expected_status(actor: str, name: str) -> int:
    if actor not in SEES_LEAD:
        return 404
    return 200 if may_run(actor, name) else 403


MATRIX = [
    (name, source, actor)
    for name, (sources, _target, _who) in LEAD_TABLE.items()
    for source in sources
    for actor in ACTORS
]


# --- helpers --------------------------------------------------------------------------------


def api(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def token_api(user) -> APIClient:
    """A client that authenticates every request afresh, as an integrator's would (nothing
    cached on the user object between requests)."""
    from roles.tokens import token_issue

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token_issue(user=user)[1]}")
    # A token in use: its first use is recorded once (last_used_at), outside the counts.
    assert client.get("/api/v1/").status_code == 200
    return client


def url(lead=None, suffix=""):
    base = "/api/v1/leads/"
    return f"{base}{lead.pk}/{suffix}" if lead is not None else f"{base}{suffix}"


def logs(lead):
    return TransitionLog.objects.filter(
        content_type=ContentType.objects.get_for_model(Lead), object_id=lead.pk
    )


def snapshot(lead) -> dict:
    return Lead.objects.values().get(pk=lead.pk)


@pytest.fixture
def people():
    owner = user_with("sales", username="sales_owner")
    return {
        "marketing": user_with("marketing", username="marketing"),
        "sales_owner": owner,
        "sales_granted": user_with("sales", username="sales_granted"),
        "sales_other": user_with("sales", username="sales_other"),
        "sales_support": user_with("sales_support", username="sales_support"),
        "operations": user_with("operations", username="operations"),
        "finance": user_with("finance", username="finance"),
        "service": user_with("service", username="service"),
        "manager": user_with("manager", username="manager"),
        "superuser": UserFactory(username="root", is_superuser=True, is_staff=True),
    }


def lead_for(people, status: str) -> Lead:
    lead = lead_in(status, owner=people["sales_owner"])
    assign_perm("leads.view_lead", people["sales_granted"], lead)
    return lead


# --- the role × transition matrix -----------------------------------------------------------


def test_matrix_covers_every_transition_of_the_model():
    from ltc.transitions import transition_specs

    assert {spec.name for spec in transition_specs(Lead)} == set(LEAD_TABLE)
    for spec in transition_specs(Lead):
        sources, target, _who = LEAD_TABLE[spec.name]
        assert set(spec.sources) == set(sources), spec.name
        assert set(spec.targets) == {target}, spec.name


@pytest.mark.parametrize(("name", "source", "actor"), MATRIX)
def test_role_transition_matrix(people, name, source, actor):
    lead = lead_for(people, source)
    before = snapshot(lead)
    accounts_before = Account.objects.count()
    user = people[actor]

    response = api(user).post(url(lead, f"transitions/{name}/"), RULE_DATA.get(name, {}))

    expected = expected_status(actor, name)
    assert response.status_code == expected, response.content
    target = LEAD_TABLE[name][1]
    if expected == 200:
        assert response.json()["status"] == target
        assert response.json()["id"] == lead.pk
        lead.refresh_from_db()
        assert lead.status == target
        (log,) = logs(lead)
        assert (log.transition, log.source, log.target, log.by_id) == (
            name,
            source,
            target,
            user.pk,
        )
        if name == "convert":
            assert lead.account_id is not None and lead.contact_id is not None
    else:
        assert snapshot(lead) == before
        assert not logs(lead).exists()
        assert Account.objects.count() == accounts_before
        assert "detail" in response.json()


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize("state", STATES)
def test_listed_transitions_match_the_table(people, actor, state):
    lead = lead_for(people, state)
    response = api(people[actor]).get(url(lead, "transitions/"))
    if actor not in SEES_LEAD:
        assert response.status_code == 404
        return
    assert response.status_code == 200
    rows = {row["name"]: row for row in response.json()}
    assert set(rows) == set(LEAD_TABLE)
    allowed = {name for name, row in rows.items() if row["allowed"]}
    expected = {
        name
        for name, (sources, _t, _w) in LEAD_TABLE.items()
        if state in sources and may_run(actor, name)
    }
    assert allowed == expected
    for name, (sources, target, _w) in LEAD_TABLE.items():
        if state in sources:
            assert rows[name]["target"] == target


WRONG_STATE = [
    (name, state)
    for name, (sources, _t, _w) in LEAD_TABLE.items()
    for state in STATES
    if state not in sources
]


@pytest.mark.parametrize(("name", "state"), WRONG_STATE)
def test_transition_from_the_wrong_state_is_409(people, name, state):
    lead = lead_for(people, state)
    before = snapshot(lead)
    response = api(people["superuser"]).post(
        url(lead, f"transitions/{name}/"), RULE_DATA.get(name, {})
    )
    assert response.status_code == 409, response.content
    assert snapshot(lead) == before
    assert not logs(lead).exists()


def test_unknown_transition_is_404(people):
    lead = lead_for(people, "new")
    response = api(people["superuser"]).post(url(lead, "transitions/teleport/"))
    assert response.status_code == 404
    assert lead.__class__.objects.get(pk=lead.pk).status == "new"


# --- the rules ------------------------------------------------------------------------------


def test_qualify_without_bant_is_400_with_field_errors_and_changes_nothing(people):
    lead = LeadFactory(owner=people["sales_owner"])
    Lead.objects.filter(pk=lead.pk).update(status="working")
    before = snapshot(lead)
    response = api(people["sales_owner"]).post(url(lead, "transitions/qualify/"), {})
    assert response.status_code == 400
    assert set(response.json()) == {"need", "budget", "expected_close_date", "decision_maker"}
    assert snapshot(lead) == before
    assert not logs(lead).exists()


def test_qualify_takes_the_bant_fields_from_the_request(people):
    lead = LeadFactory(owner=people["sales_owner"])
    Lead.objects.filter(pk=lead.pk).update(status="working")
    response = api(people["sales_owner"]).post(
        url(lead, "transitions/qualify/"),
        {
            "need": "MES rollout",
            "budget": "120000.50",
            "expected_close_date": "2027-03-01",
            "decision_maker": "COO Li",
        },
    )
    assert response.status_code == 200, response.content
    lead.refresh_from_db()
    assert lead.status == "qualified"
    assert lead.budget == Decimal("120000.50")
    assert lead.decision_maker == "COO Li"


def test_qualify_with_a_bad_field_is_400(people):
    lead = lead_for(people, "working")
    before = snapshot(lead)
    response = api(people["sales_owner"]).post(
        url(lead, "transitions/qualify/"), {"budget": "-5", "expected_close_date": "soon"}
    )
    assert response.status_code == 400
    assert {"budget", "expected_close_date"} <= set(response.json())
    assert snapshot(lead) == before


@pytest.mark.parametrize("body", [{}, {"reason": ""}, {"reason": "   "}])
def test_disqualify_without_a_reason_is_400(people, body):
    lead = lead_for(people, "working")
    before = snapshot(lead)
    response = api(people["marketing"]).post(url(lead, "transitions/disqualify/"), body)
    assert response.status_code == 400
    assert "reason" in response.json()
    assert snapshot(lead) == before
    assert not logs(lead).exists()


def test_disqualify_keeps_the_reason_and_logs_it(people):
    lead = lead_for(people, "new")
    response = api(people["marketing"]).post(
        url(lead, "transitions/disqualify/"), {"reason": "Student project"}
    )
    assert response.status_code == 200
    assert response.json()["disqualify_reason"] == "Student project"
    assert logs(lead).get().comment == "Student project"


def test_convert_creates_account_and_contact_once_and_refuses_twice(people):
    lead = lead_for(people, "qualified")
    client = api(people["sales_owner"])

    first = client.post(url(lead, "transitions/convert/"), {})
    assert first.status_code == 200
    lead.refresh_from_db()
    account = Account.objects.get()
    contact = Contact.objects.get()
    assert (lead.account, lead.contact) == (account, contact)
    assert account.name == lead.company
    assert contact.account == account and contact.email == lead.email
    assert first.json()["account"] == account.pk

    second = client.post(url(lead, "transitions/convert/"), {})
    assert second.status_code == 409
    assert Account.objects.count() == 1 and Contact.objects.count() == 1
    assert logs(lead).count() == 1


def test_convert_links_an_existing_account_by_company_name(people):
    existing = AccountFactory(name="Acme Robotics", owner=people["sales_owner"])
    lead = lead_in("qualified", owner=people["sales_owner"], company="ACME robotics")
    response = api(people["sales_owner"]).post(url(lead, "transitions/convert/"), {})
    assert response.status_code == 200
    assert Account.objects.count() == 1
    assert response.json()["account"] == existing.pk
    assert Contact.objects.get().account == existing


def test_convert_links_the_chosen_account(people):
    chosen = AccountFactory(name="Chosen Ltd", owner=people["sales_owner"])
    lead = lead_in("qualified", owner=people["sales_owner"], company="Other Name")
    response = api(people["sales_owner"]).post(
        url(lead, "transitions/convert/"), {"account": chosen.pk}
    )
    assert response.status_code == 200, response.content
    assert response.json()["account"] == chosen.pk
    assert Account.objects.count() == 1


def test_convert_refuses_an_account_the_seller_may_not_see(people):
    hidden = AccountFactory(name="Hidden Ltd", owner=people["sales_other"])
    lead = lead_in("qualified", owner=people["sales_owner"], company="Other Name")
    before = snapshot(lead)
    response = api(people["sales_owner"]).post(
        url(lead, "transitions/convert/"), {"account": hidden.pk}
    )
    assert response.status_code == 400
    assert "account" in response.json()
    assert snapshot(lead) == before
    assert Account.objects.count() == 1 and not Contact.objects.exists()
    assert not logs(lead).exists()


# --- the issue's "Done when" scenario, with token auth --------------------------------------


def token_client(username: str) -> APIClient:
    response = APIClient().post(
        "/api/v1/auth/token/", {"username": username, "password": "pw"}, format="json"
    )
    assert response.status_code == 200, response.content
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")
    return client


def test_done_when_scenario_through_the_api():
    user_with("marketing", username="mkt")
    sales = user_with("sales", username="wei")
    marketing = token_client("mkt")
    seller = token_client("wei")

    created = marketing.post(
        "/api/v1/leads/",
        {
            "name": "Zhou Min",
            "company": "Suzhou Precision",
            "email": "zhou@suzhou-precision.example",
            "source": "web",
        },
    )
    assert created.status_code == 201, created.content
    lead_id = created.json()["id"]
    assert created.json()["status"] == "new"
    assert created.json()["owner"] is None

    # Sales cannot see an unassigned lead yet.
    assert seller.get(f"/api/v1/leads/{lead_id}/").status_code == 404

    assigned = marketing.post(f"/api/v1/leads/{lead_id}/assign/", {"owner": sales.pk})
    assert assigned.status_code == 200, assigned.content
    assert assigned.json()["owner"] == sales.pk

    started = seller.post(f"/api/v1/leads/{lead_id}/transitions/start_work/", {})
    assert started.status_code == 200 and started.json()["status"] == "working"

    refused = marketing.post(
        f"/api/v1/leads/{lead_id}/transitions/qualify/",
        {"need": "x", "budget": "1", "expected_close_date": "2027-01-01", "decision_maker": "y"},
    )
    assert refused.status_code == 403
    assert Lead.objects.get(pk=lead_id).status == "working"

    qualified = seller.post(
        f"/api/v1/leads/{lead_id}/transitions/qualify/",
        {
            "need": "Automated inspection line",
            "budget": "800000",
            "expected_close_date": "2027-06-30",
            "decision_maker": "Plant director Xu",
        },
    )
    assert qualified.status_code == 200, qualified.content
    assert qualified.json()["status"] == "qualified"

    converted = seller.post(f"/api/v1/leads/{lead_id}/transitions/convert/", {})
    assert converted.status_code == 200 and converted.json()["status"] == "converted"
    assert converted.json()["account"] is not None

    again = seller.post(f"/api/v1/leads/{lead_id}/transitions/convert/", {})
    assert again.status_code == 409

    lead = Lead.objects.get(pk=lead_id)
    assert list(logs(lead).values_list("transition", flat=True)) == [
        "start_work",
        "qualify",
        "convert",
    ]
    assert Account.objects.filter(name="Suzhou Precision").count() == 1


# --- capture --------------------------------------------------------------------------------

GOOD = {"name": "Chen Jing", "company": "Hangzhou Tea", "email": "chen@tea.example"}


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({"company": "No Name Co", "email": "a@b.example"}, {"name"}),
        ({**GOOD, "email": "not-an-email"}, {"email"}),
        ({"name": "Nobody", "company": "Unreachable"}, {"email"}),
        ({**GOOD, "budget": "-1"}, {"budget"}),
        ({**GOOD, "budget": "abc"}, {"budget"}),
        ({**GOOD, "source": "telepathy"}, {"source"}),
        ({**GOOD, "currency": "XXX"}, {"currency"}),
        ({**GOOD, "expected_close_date": "31/12/2026"}, {"expected_close_date"}),
    ],
)
def test_create_with_bad_input_is_400_with_field_errors_and_creates_nothing(body, fields):
    response = api(user_with("marketing")).post(url(), body)
    assert response.status_code == 400
    assert fields <= set(response.json())
    assert not Lead.objects.exists()


def test_create_ignores_read_only_fields():
    marketing = user_with("marketing")
    sales = user_with("sales")
    response = api(marketing).post(
        url(), {**GOOD, "status": "converted", "owner": sales.pk, "score": 99}
    )
    assert response.status_code == 201
    lead = Lead.objects.get()
    assert lead.status == "new"
    assert lead.owner is None
    assert lead.created_by == marketing
    assert response.json()["score"] == lead.score != 99


def test_api_capture_defaults_the_source_to_api():
    client = api(user_with("marketing"))
    assert client.post(url(), GOOD).json()["source"] == "api"
    # the same person again: a duplicate, created once confirmed
    second = {**GOOD, "source": "event", "confirm_duplicate": True}
    assert client.post(url(), second).json()["source"] == "event"


def test_sales_capture_owns_the_lead():
    sales = user_with("sales")
    response = api(sales).post(url(), GOOD)
    assert response.status_code == 201
    assert response.json()["owner"] == sales.pk
    assert api(sales).get(url(Lead.objects.get())).status_code == 200


@pytest.mark.parametrize("role", ["finance", "operations", "service", "sales_support", "manager"])
def test_roles_that_do_not_capture_get_403_and_nothing_is_created(role):
    response = api(user_with(role)).post(url(), GOOD)
    assert response.status_code == 403
    assert not Lead.objects.exists()


def test_anonymous_gets_401():
    assert APIClient().get(url()).status_code == 401
    assert APIClient().post(url(), GOOD).status_code == 401


def test_idempotency_key_makes_a_retried_create_return_the_first_answer():
    client = api(user_with("marketing"))
    first = client.post(url(), GOOD, HTTP_IDEMPOTENCY_KEY="form-42")
    second = client.post(url(), GOOD, HTTP_IDEMPOTENCY_KEY="form-42")
    assert first.status_code == second.status_code == 201
    assert first.json() == second.json()
    assert Lead.objects.count() == 1

    other_body = client.post(url(), {**GOOD, "name": "Else"}, HTTP_IDEMPOTENCY_KEY="form-42")
    assert other_body.status_code == 422
    assert Lead.objects.count() == 1

    again = {**GOOD, "confirm_duplicate": True}  # the same lead: confirmed as intended
    new_key = client.post(url(), again, HTTP_IDEMPOTENCY_KEY="form-43")
    assert new_key.status_code == 201
    assert Lead.objects.count() == 2


def test_idempotency_key_does_not_store_a_failed_create():
    client = api(user_with("marketing"))
    bad = client.post(url(), {"name": "x"}, HTTP_IDEMPOTENCY_KEY="k1")
    assert bad.status_code == 400
    good = client.post(url(), {"name": "x"}, HTTP_IDEMPOTENCY_KEY="k1")
    assert good.status_code == 400
    assert not Lead.objects.exists()


# --- edit -----------------------------------------------------------------------------------


def test_owner_edits_the_lead_but_not_its_status(people):
    lead = lead_for(people, "working")
    response = api(people["sales_owner"]).patch(
        url(lead), {"title": "CTO", "status": "converted", "phone": "+86 21 5555 0000"}
    )
    assert response.status_code == 200, response.content
    lead.refresh_from_db()
    assert lead.title == "CTO" and lead.phone == "+86 21 5555 0000"
    assert lead.status == "working"
    assert not logs(lead).exists()


@pytest.mark.parametrize(("actor", "code"), [("sales_granted", 403), ("manager", 403)])
def test_who_may_not_edit_gets_403(people, actor, code):
    lead = lead_for(people, "new")
    before = snapshot(lead)
    response = api(people[actor]).patch(url(lead), {"title": "Boss"})
    assert response.status_code == code
    assert snapshot(lead) == before


def test_edit_with_bad_input_is_400(people):
    lead = lead_for(people, "new")
    before = snapshot(lead)
    response = api(people["marketing"]).patch(url(lead), {"email": "nope", "phone": ""})
    assert response.status_code == 400
    assert "email" in response.json()
    assert snapshot(lead) == before


def test_a_converted_lead_is_not_editable(people):
    lead = lead_for(people, "converted")
    response = api(people["marketing"]).patch(url(lead), {"title": "Boss"})
    assert response.status_code == 403


def test_leads_are_not_deleted_through_the_api(people):
    lead = lead_for(people, "new")
    response = api(people["superuser"]).delete(url(lead))
    assert response.status_code == 405
    assert Lead.objects.filter(pk=lead.pk).exists()


# --- assignment -----------------------------------------------------------------------------


@pytest.mark.parametrize("actor", ["marketing", "manager", "superuser"])
def test_marketing_or_manager_assigns(people, actor):
    lead = LeadFactory()
    seller = people["sales_other"]
    response = api(people[actor]).post(url(lead, "assign/"), {"owner": seller.pk})
    assert response.status_code == 200, response.content
    lead.refresh_from_db()
    assert lead.owner == seller and lead.assigned_at is not None
    assert api(seller).get(url(lead)).status_code == 200


def test_assign_notifies_the_new_owner(people, django_capture_on_commit_callbacks):
    lead = LeadFactory()
    with django_capture_on_commit_callbacks(execute=True):
        api(people["marketing"]).post(url(lead, "assign/"), {"owner": people["sales_other"].pk})
    assert people["sales_other"].notifications.count() == 1


@pytest.mark.parametrize(
    ("actor", "code"), [("sales_owner", 403), ("sales_other", 404), ("finance", 404)]
)
def test_others_may_not_assign(people, actor, code):
    lead = lead_for(people, "new")
    response = api(people[actor]).post(url(lead, "assign/"), {"owner": people["sales_other"].pk})
    assert response.status_code == code
    lead.refresh_from_db()
    assert lead.owner == people["sales_owner"]


@pytest.mark.parametrize(
    ("body", "field"), [({}, "owner"), ({"owner": 999999}, "owner"), ({"owner": "x"}, "owner")]
)
def test_assign_bad_input_is_400(people, body, field):
    lead = LeadFactory()
    response = api(people["marketing"]).post(url(lead, "assign/"), body)
    assert response.status_code == 400
    assert field in response.json()
    assert Lead.objects.get(pk=lead.pk).owner is None


def test_assign_to_a_non_salesperson_is_400(people):
    lead = LeadFactory()
    response = api(people["marketing"]).post(url(lead, "assign/"), {"owner": people["finance"].pk})
    assert response.status_code == 400
    assert "owner" in response.json()
    assert Lead.objects.get(pk=lead.pk).owner is None


def test_a_closed_lead_cannot_be_reassigned(people):
    lead = lead_for(people, "converted")
    response = api(people["marketing"]).post(
        url(lead, "assign/"), {"owner": people["sales_other"].pk}
    )
    assert response.status_code == 400
    assert Lead.objects.get(pk=lead.pk).owner == people["sales_owner"]


def test_round_robin_spreads_leads_over_sales_in_turn():
    marketing = user_with("marketing")
    sellers = [user_with("sales") for _ in range(2)]
    leads = [LeadFactory() for _ in range(5)][::-1]  # assigned in the order listed
    response = api(marketing).post(
        url(suffix="assign-round-robin/"), {"leads": [x.pk for x in leads]}
    )
    assert response.status_code == 200, response.content
    owners = [row["owner"] for row in response.json()["assigned"]]
    assert [row["lead"] for row in response.json()["assigned"]] == [x.pk for x in leads]
    assert owners == [sellers[i % 2].pk for i in range(5)]
    assert [Lead.objects.get(pk=x.pk).owner_id for x in leads] == owners

    # The rule continues where it stopped.
    more = LeadFactory()
    again = api(marketing).post(url(suffix="assign-round-robin/"), {"leads": [more.pk]})
    assert again.json()["assigned"] == [{"lead": more.pk, "owner": sellers[1].pk}]


def test_round_robin_with_an_unknown_lead_is_400_and_assigns_nothing():
    marketing = user_with("marketing")
    user_with("sales")
    lead = LeadFactory()
    response = api(marketing).post(url(suffix="assign-round-robin/"), {"leads": [lead.pk, 987654]})
    assert response.status_code == 400
    assert "987654" in str(response.json()["leads"])
    assert Lead.objects.get(pk=lead.pk).owner is None


@pytest.mark.parametrize("body", [{}, {"leads": []}, {"leads": ["a"]}])
def test_round_robin_bad_input_is_400(body):
    response = api(user_with("marketing")).post(url(suffix="assign-round-robin/"), body)
    assert response.status_code == 400
    assert "leads" in response.json()


def test_round_robin_by_sales_is_403():
    seller = user_with("sales")
    lead = LeadFactory(owner=seller)
    response = api(seller).post(url(suffix="assign-round-robin/"), {"leads": [lead.pk]})
    assert response.status_code == 403


# --- visibility -----------------------------------------------------------------------------


def ids(response) -> set[int]:
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


def test_sales_sees_only_own_granted_and_team_leads():
    seller = user_with("sales")
    teammate = user_with("sales")
    stranger = user_with("sales")
    team = TeamFactory(lead=seller)
    team.members.add(teammate)
    own = LeadFactory(owner=seller)
    granted = LeadFactory(owner=stranger)
    assign_perm("leads.view_lead", seller, granted)
    of_team = LeadFactory(owner=teammate)
    hidden = LeadFactory(owner=stranger)
    unassigned = LeadFactory()

    assert ids(api(seller).get(url())) == {own.pk, granted.pk, of_team.pk}
    assert api(seller).get(url(hidden)).status_code == 404
    assert api(seller).get(url(unassigned)).status_code == 404
    # A team member does not see the team lead's leads.
    assert ids(api(teammate).get(url())) == {of_team.pk}
    everything = {own.pk, granted.pk, of_team.pk, hidden.pk, unassigned.pk}
    assert ids(api(user_with("marketing")).get(url())) == everything
    assert ids(api(user_with("manager")).get(url())) == everything
    for role in ("finance", "operations", "service", "sales_support"):
        assert ids(api(user_with(role)).get(url())) == set()


# --- filters, search, ordering, pagination --------------------------------------------------


def test_filters_search_and_ordering():
    marketing = user_with("marketing")
    seller = user_with("sales")
    a = LeadFactory(name="Alpha", company="Shenzhen Drones", source="web", score=10, owner=seller)
    b = LeadFactory(name="Bravo", company="Ningbo Ports", source="event", score=50)
    c = lead_in("working", name="Charlie", company="Wuhan Optics", source="referral", score=90)
    Lead.objects.filter(pk=a.pk).update(created_at="2026-01-10T00:00:00Z")
    Lead.objects.filter(pk=b.pk).update(created_at="2026-02-10T00:00:00Z")
    Lead.objects.filter(pk=c.pk).update(created_at="2026-03-10T00:00:00Z")
    client = api(marketing)

    assert ids(client.get(url(), {"status": "working"})) == {c.pk}
    assert ids(client.get(url(), {"status": ["new", "working"]})) == {a.pk, b.pk, c.pk}
    assert ids(client.get(url(), {"source": "event"})) == {b.pk}
    assert ids(client.get(url(), {"owner": seller.pk})) == {a.pk}
    assert ids(client.get(url(), {"unassigned": "true"})) == {b.pk, c.pk}
    assert ids(client.get(url(), {"score_min": 40, "score_max": 60})) == {b.pk}
    assert ids(
        client.get(
            url(),
            {
                "created_at_after": "2026-02-01T00:00:00Z",
                "created_at_before": "2026-03-01T00:00:00Z",
            },
        )
    ) == {b.pk}
    assert ids(client.get(url(), {"search": "ningbo"})) == {b.pk}
    assert ids(client.get(url(), {"search": a.email})) == {a.pk}
    assert ids(client.get(url(), {"search": c.phone})) == {c.pk}
    assert ids(client.get(url(), {"search": "charl"})) == {c.pk}

    ordered = client.get(url(), {"ordering": "score"}).json()["results"]
    assert [row["id"] for row in ordered] == [a.pk, b.pk, c.pk]
    newest = client.get(url()).json()["results"]
    assert [row["id"] for row in newest] == [c.pk, b.pk, a.pk]

    assert client.get(url(), {"status": "flying"}).status_code == 400
    assert client.get(url(), {"score_min": "lots"}).status_code == 400


def test_ordering_is_stable_on_ties():
    marketing = user_with("marketing")
    leads = LeadFactory.create_batch(4)
    Lead.objects.update(score=30)
    pks = sorted(x.pk for x in leads)
    client = api(marketing)
    up = [r["id"] for r in client.get(url(), {"ordering": "score"}).json()["results"]]
    down = [r["id"] for r in client.get(url(), {"ordering": "-score"}).json()["results"]]
    assert up == pks
    assert down == pks[::-1]


def test_pagination():
    marketing = user_with("marketing")
    LeadFactory.create_batch(7)
    page = api(marketing).get(url(), {"page_size": 3, "page": 3}).json()
    assert page["count"] == 7
    assert len(page["results"]) == 1
    assert page["next"] is None and page["previous"] is not None


# --- bounded queries ------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["marketing", "sales"])
def test_list_runs_a_fixed_number_of_queries(role, django_assert_max_num_queries):
    user = user_with(role)
    other = user_with("sales")
    for i in range(120):
        lead = LeadFactory(owner=user if i % 2 else other)
        if i % 3 == 0:
            assign_perm("leads.view_lead", user, lead)
    AccountFactory.create_batch(2)
    client = token_api(user)
    # token+user, roles, team, (sales: explicit shares), count (sales with shares: own leads,
    # then the shared ones, each on its index: ltc.paging.visible_through), page
    for size in (5, 50):
        with django_assert_max_num_queries(7 if role == "sales" else 5):
            response = client.get(url(), {"page_size": size})
        assert response.status_code == 200
        assert len(response.json()["results"]) == size


# --- the race, on PostgreSQL ----------------------------------------------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_concurrent_requests_for_one_transition_one_wins():
    seller = user_with("sales")
    lead = lead_in("new", owner=seller)
    barrier = threading.Barrier(2)
    answers: list[int] = []

    def attempt():
        try:
            client = api(seller)
            barrier.wait(timeout=10)
            response = client.post(url(lead, "transitions/start_work/"), {})
            answers.append(response.status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(answers) == [200, 409]
    lead.refresh_from_db()
    assert lead.status == "working"
    assert logs(lead).count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_concurrent_converts_create_one_account():
    seller = user_with("sales")
    lead = lead_in("qualified", owner=seller)
    barrier = threading.Barrier(2)
    answers: list[int] = []

    def attempt():
        try:
            client = api(seller)
            barrier.wait(timeout=10)
            answers.append(client.post(url(lead, "transitions/convert/"), {}).status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(answers) == [200, 409]
    assert Account.objects.count() == 1 and Contact.objects.count() == 1
    assert logs(lead).count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_stale_copies_racing_through_the_service_one_wins():
    """Both callers loaded the lead while it was `new`, then run at once: the row lock and the
    state check let one through; the other gets a 409 error."""
    from django_fsm import ConcurrentTransition, TransitionNotAllowed

    from ltc.api.exceptions import exception_handler
    from ltc.transitions import run

    seller = user_with("sales")
    lead = lead_in("new", owner=seller)
    copies = [Lead.objects.get(pk=lead.pk) for _ in range(2)]
    barrier = threading.Barrier(2)
    outcomes: list[object] = []

    def attempt(copy):
        try:
            barrier.wait(timeout=10)
            run(obj=copy, name="start_work", user=seller)
            outcomes.append("ok")
        except (ConcurrentTransition, TransitionNotAllowed) as exc:
            outcomes.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt, args=(copy,)) for copy in copies]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert len(outcomes) == 2 and outcomes.count("ok") == 1
    (lost,) = [o for o in outcomes if o != "ok"]
    assert exception_handler(lost, {}).status_code == 409
    assert Lead.objects.get(pk=lead.pk).status == "working"
    assert logs(lead).count() == 1
