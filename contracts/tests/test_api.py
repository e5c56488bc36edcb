"""The contracts API: the full role × transition matrix (from DESIGN.md), visibility, the
payment plan endpoint, read-only after signing, amendments and bounded queries."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone
from guardian.shortcuts import assign_perm
from rest_framework.test import APIClient

from contracts.models import Contract, ContractSignOff
from contracts.tests.factories import contract_in, draft_contract
from ltc.models import TransitionLog
from roles.tests.factories import UserFactory, user_with

pytestmark = pytest.mark.django_db

# --- The expectations, written from DESIGN.md (not read from the code) ---------------------

# DESIGN.md, "State machines", Contract: transition -> (from states, to state, roles).
# manager_sign_off is the manager's part of the review gate (a self-loop on in_review).
CONTRACT_TABLE = {
    "submit_for_review": (("draft",), "in_review", {"sales_support", "sales"}),
    "approve": (("in_review",), "approved", {"finance"}),
    "manager_sign_off": (("in_review",), "in_review", {"manager"}),
    "reject": (("in_review",), "draft", {"finance"}),
    "sign": (("approved",), "signed", {"sales"}),
    "complete": (("signed",), "completed", set()),  # the system only
    "terminate": (("signed",), "terminated", {"manager"}),
}
STATES = ("draft", "in_review", "approved", "signed", "completed", "terminated")

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
# DESIGN.md, "Roles": sales see their own or granted contracts, sales support those of deals
# they are the solution owner of, operations (read-only), finance and the manager all.
SEES = {
    "marketing": False,
    "sales_owner": True,
    "sales_granted": True,
    "sales_other": False,
    "sales_support": True,
    "operations": True,
    "finance": True,
    "service": False,
    "manager": True,
    "superuser": True,
}
ROLE_OF = {
    "sales_owner": "sales",
    "sales_granted": "sales",
    "sales_other": "sales",
}
DATA = {
    "reason": "Terms changed",
    "signed_on": timezone.localdate().isoformat(),
    "signed_by_name": "Ms Customer",
    "comment": "ok",
}


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def url(contract=None, suffix=""):
    base = "/api/v1/contracts/"
    return f"{base}{contract.pk}/{suffix}" if contract else base


def make_actor(actor: str, contract: Contract):
    if actor == "superuser":
        return UserFactory(is_superuser=True)
    if actor == "sales_owner":
        return contract.owner
    if actor == "sales_support":
        return contract.solution_owner
    user = user_with(ROLE_OF.get(actor, actor))
    if actor == "sales_granted":
        assign_perm("contracts.view_contract", user, contract)
    return user


def expected(actor: str, name: str, state: str) -> int:
    sources, _target, roles = CONTRACT_TABLE[name]
    if not SEES[actor]:
        return 404
    role = ROLE_OF.get(actor, actor)
    if actor != "superuser" and role not in roles:
        return 403
    return 200 if state in sources else 409


CASES = [(a, n, s) for a in ACTORS for n in CONTRACT_TABLE for s in STATES]


@pytest.mark.parametrize("actor,name,state", CASES)
def test_role_transition_matrix(actor, name, state):
    contract = contract_in(
        state,
        solution_owner=user_with("sales_support"),
        # In review, the gate also needs the manager, so the manager's sign-off applies.
        manager_needed=(name == "manager_sign_off"),
    )
    user = make_actor(actor, contract)
    response = api(user).post(url(contract, f"transitions/{name}/"), DATA)
    want = expected(actor, name, state)
    assert response.status_code == want, (actor, name, state, response.content)
    contract.refresh_from_db()
    if want == 200:
        assert contract.status == CONTRACT_TABLE[name][1]
        assert response.json()["status"] == contract.status
    else:
        assert contract.status == state
        assert "detail" in response.json()


def test_matrix_table_lists_every_transition_of_the_model():
    from ltc.transitions import transition_specs

    assert {s.name for s in transition_specs(Contract)} == set(CONTRACT_TABLE)
    for spec in transition_specs(Contract):
        sources, target, roles = CONTRACT_TABLE[spec.name]
        assert set(spec.sources) == set(sources)
        assert spec.targets[0] == target
        assert set(spec.roles) - {"system"} == roles


def test_transitions_listing_for_the_caller():
    contract = contract_in("in_review")
    finance = user_with("finance")
    rows = {r["name"]: r for r in api(finance).get(url(contract, "transitions/")).json()}
    assert rows["approve"]["allowed"] and rows["reject"]["allowed"]
    assert not rows["sign"]["allowed"] and not rows["manager_sign_off"]["allowed"]


# --- visibility ------------------------------------------------------------------------------


def test_list_shows_each_role_what_it_may_see():
    support = user_with("sales_support")
    mine = draft_contract(solution_owner=support)
    other = draft_contract()
    ids = lambda user: {r["id"] for r in api(user).get(url()).json()["results"]}  # noqa: E731
    assert ids(mine.owner) == {mine.pk}
    assert ids(support) == {mine.pk}
    assert ids(user_with("finance")) == {mine.pk, other.pk}
    assert ids(user_with("operations")) == {mine.pk, other.pk}
    assert ids(user_with("manager")) == {mine.pk, other.pk}
    assert ids(user_with("marketing")) == set()
    assert ids(user_with("service")) == set()


def test_team_lead_sees_the_team_members_contracts():
    from roles.tests.factories import TeamFactory

    lead = user_with("sales")
    member = user_with("sales")
    team = TeamFactory(lead=lead)
    team.members.add(member)
    contract = draft_contract(owner=member)
    assert api(lead).get(url(contract)).status_code == 200


def test_contract_links_back_to_opportunity_quote_and_lead():
    contract = draft_contract()
    body = api(contract.owner).get(url(contract)).json()
    assert body["opportunity"] == contract.opportunity_id
    assert body["quote"] == contract.quote_id
    assert body["lead"] == contract.opportunity.lead_id
    assert body["number"].startswith("CT-")
    assert len(body["lines"]) == 1 and len(body["milestones"]) == 1
    assert body["planned_total"] == body["total"] == "1000.00"


# --- editing ---------------------------------------------------------------------------------


def test_owner_edits_a_draft():
    contract = draft_contract()
    start = timezone.localdate()
    response = api(contract.owner).patch(
        url(contract),
        {
            "start_date": start.isoformat(),
            "end_date": (start.replace(year=start.year + 1)).isoformat(),
            "terms": "Net 30",
        },
    )
    assert response.status_code == 200, response.content
    contract.refresh_from_db()
    assert contract.terms == "Net 30" and contract.start_date == start


def test_end_before_start_is_refused():
    contract = draft_contract()
    response = api(contract.owner).patch(
        url(contract), {"start_date": "2026-05-01", "end_date": "2026-04-01"}
    )
    assert response.status_code == 400
    assert "end_date" in response.json()


def test_signatories_must_belong_to_the_account():
    from customers.tests.factories import AccountFactory, ContactFactory

    owner = user_with("sales")
    contract = draft_contract(owner=owner, account=AccountFactory(owner=owner))
    theirs = ContactFactory(account=contract.account)
    foreign = ContactFactory(account=AccountFactory(owner=owner))
    client = api(contract.owner)
    assert client.patch(url(contract), {"signatories": [foreign.pk]}).status_code == 400
    assert client.patch(url(contract), {"signatories": [theirs.pk]}).status_code == 200
    assert list(contract.signatories.all()) == [theirs]


def test_operations_and_finance_cannot_edit():
    contract = draft_contract()
    for role in ("operations", "finance", "manager"):
        response = api(user_with(role)).patch(url(contract), {"terms": "x"})
        assert response.status_code == 403
    contract.refresh_from_db()
    assert contract.terms != "x"


@pytest.mark.parametrize("state", ["signed", "completed", "terminated"])
def test_editing_a_signed_contract_is_refused_with_the_reason(state):
    contract = contract_in(state)
    before = (contract.terms, contract.end_date, contract.updated_at)
    client = api(contract.owner)
    response = client.patch(url(contract), {"terms": "changed"})
    assert response.status_code == 400
    assert "amend" in str(response.json()).lower()
    plan = client.put(
        url(contract, "payment-plan/"),
        {"milestones": [{"percentage": "100", "trigger": "on_signing"}]},
        format="json",
    )
    assert plan.status_code == 400
    line = contract.lines.get()
    edit = client.patch(f"/api/v1/contract-lines/{line.pk}/", {"quantity": "5"})
    assert edit.status_code == 400
    contract.refresh_from_db()
    line.refresh_from_db()
    assert (contract.terms, contract.end_date, contract.updated_at) == before
    assert line.quantity == Decimal("1")


@pytest.mark.parametrize("state", ["in_review", "approved"])
def test_a_contract_in_review_or_approved_is_read_only(state):
    contract = contract_in(state)
    response = api(contract.owner).patch(url(contract), {"terms": "changed"})
    assert response.status_code == 400
    contract.refresh_from_db()
    assert contract.terms != "changed"


def test_signing_before_approval_is_409_and_changes_nothing():
    for state in ("draft", "in_review"):
        contract = contract_in(state)
        response = api(contract.owner).post(url(contract, "transitions/sign/"), DATA)
        assert response.status_code == 409
        contract.refresh_from_db()
        assert contract.status == state and contract.signed_on is None
        assert not contract.orders.exists()


def test_sign_needs_date_and_signatory():
    contract = contract_in("approved")
    client = api(contract.owner)
    response = client.post(url(contract, "transitions/sign/"), {})
    assert response.status_code == 400
    assert set(response.json()) >= {"signed_on", "signed_by_name"}
    future = (timezone.localdate() + datetime.timedelta(days=3)).isoformat()
    response = client.post(
        url(contract, "transitions/sign/"), {"signed_on": future, "signed_by_name": "X"}
    )
    assert response.status_code == 400
    contract.refresh_from_db()
    assert contract.status == "approved"


def test_reject_needs_a_reason_and_is_recorded():
    contract = contract_in("in_review")
    finance = user_with("finance")
    client = api(finance)
    assert client.post(url(contract, "transitions/reject/"), {}).status_code == 400
    response = client.post(url(contract, "transitions/reject/"), {"reason": "Wrong terms"})
    assert response.status_code == 200
    contract.refresh_from_db()
    assert contract.status == "draft" and contract.rejection_reason == "Wrong terms"
    (sign_off,) = ContractSignOff.objects.filter(contract=contract)
    assert (sign_off.role, sign_off.decision, sign_off.user) == ("finance", "rejected", finance)


def test_terminate_needs_a_reason():
    contract = contract_in("signed")
    client = api(user_with("manager"))
    assert client.post(url(contract, "transitions/terminate/"), {}).status_code == 400
    assert (
        client.post(url(contract, "transitions/terminate/"), {"reason": "Breach"}).status_code
        == 200
    )


# --- amendments ------------------------------------------------------------------------------


def test_amendment_is_a_new_version_reviewed_again_and_history_is_kept():
    support = user_with("sales_support")
    contract = contract_in("signed", solution_owner=support)
    client = api(support)
    response = client.post(url(contract, "amend/"))
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["number"] == contract.number and body["version"] == 2
    assert body["status"] == "draft" and body["amended_from"] == contract.pk
    new = Contract.objects.get(pk=body["id"])
    # a second amendment while one is in progress is refused
    assert client.post(url(contract, "amend/")).status_code == 400
    # the amendment is edited and goes through review again
    line = new.lines.get()
    assert client.patch(f"/api/v1/contract-lines/{line.pk}/", {"quantity": "2"}).status_code == 200
    new.refresh_from_db()
    assert new.total == Decimal("2000.00")
    assert new.milestones.get().amount == Decimal("2000.00")  # 100 % follows the total
    assert client.post(url(new, "transitions/submit_for_review/"), {}).status_code == 200
    assert api(user_with("finance")).post(url(new, "transitions/approve/"), {}).status_code == 200
    sign = api(contract.owner).post(url(new, "transitions/sign/"), DATA)
    assert sign.status_code == 200, sign.content
    contract.refresh_from_db()
    new.refresh_from_db()
    assert contract.status == "signed" and contract.superseded
    assert contract.lines.get().quantity == Decimal("1")  # the old version is unchanged
    assert new.status == "signed" and not new.superseded
    log = TransitionLog.objects.filter(
        content_type=ContentType.objects.get_for_model(Contract), object_id=new.pk
    )
    assert list(log.values_list("transition", flat=True)) == [
        "submit_for_review",
        "approve",
        "sign",
    ]
    # the superseded version can no longer be amended
    assert client.post(url(contract, "amend/")).status_code == 400


def test_only_a_signed_contract_is_amended():
    contract = contract_in("draft")
    assert api(contract.owner).post(url(contract, "amend/")).status_code == 400


def test_attachment_upload():
    from django.core.files.uploadedfile import SimpleUploadedFile

    contract = draft_contract()
    client = api(contract.owner)
    upload = SimpleUploadedFile("signed.pdf", b"%PDF-1.4 test", content_type="application/pdf")
    response = client.post(
        url(contract, "attachments/"), {"file": upload, "name": "Signed copy"}, format="multipart"
    )
    assert response.status_code == 201, response.content
    assert contract.attachments.get().name == "Signed copy"
    outsider = user_with("operations")
    upload = SimpleUploadedFile("x.pdf", b"x", content_type="application/pdf")
    response = api(outsider).post(
        url(contract, "attachments/"), {"file": upload}, format="multipart"
    )
    assert response.status_code == 403


def test_contracts_are_not_created_by_post():
    assert api(user_with("sales")).post(url(), {}).status_code == 405


def test_status_is_read_only():
    contract = draft_contract()
    api(contract.owner).patch(url(contract), {"status": "signed", "total": "1.00"})
    contract.refresh_from_db()
    assert contract.status == "draft" and contract.total == Decimal("1000.00")


# --- bounded queries -------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["finance", "sales"])
def test_list_runs_a_fixed_number_of_queries(role, django_assert_max_num_queries):
    user = user_with(role)
    for i in range(12):
        contract = draft_contract(owner=user if role == "sales" else None, lines=2)
        if i % 3 == 0:
            ContractSignOff.objects.create(
                contract=contract, review_round=0, role="finance", user=user, decision="approved"
            )
    client = api(user)
    for size in (2, 10):
        with django_assert_max_num_queries(12):
            response = client.get(url(), {"page_size": size})
        assert response.status_code == 200
        assert len(response.json()["results"]) == size
