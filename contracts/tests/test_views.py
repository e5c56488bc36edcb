"""Contract pages: the role × transition matrix through the browser transition view, the
detail page (chain links, gate, plan), editing a draft, the payment plan form, amendments,
attachments, and bounded queries on the list."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from contracts.models import Contract
from contracts.tests.factories import contract_in, draft_contract
from contracts.tests.test_api import CONTRACT_TABLE, SEES, STATES, make_actor
from roles.tests.factories import user_with

pytestmark = pytest.mark.django_db

ACTORS = tuple(SEES)
DATA = {
    "reason": "Terms changed",
    "signed_on": timezone.localdate().isoformat(),
    "signed_by_name": "Ms Customer",
}


def expected(actor: str, name: str, state: str) -> int:
    sources, _target, roles = CONTRACT_TABLE[name]
    if not SEES[actor]:
        return 404
    role = {"sales_owner": "sales", "sales_granted": "sales", "sales_other": "sales"}.get(
        actor, actor
    )
    if actor != "superuser" and role not in roles:
        return 403
    return 302 if state in sources else 409


def other_state(name):
    sources = CONTRACT_TABLE[name][0]
    return next(s for s in STATES if s not in sources)


CASES = [
    (a, n, s)
    for a in ACTORS
    for n in CONTRACT_TABLE
    for s in (CONTRACT_TABLE[n][0][0], other_state(n))
]


@pytest.mark.parametrize("actor,name,state", CASES)
def test_browser_role_transition_matrix(client, actor, name, state):
    contract = contract_in(
        state,
        solution_owner=user_with("sales_support"),
        manager_needed=(name == "manager_sign_off"),
    )
    client.force_login(make_actor(actor, contract))
    response = client.post(
        reverse("transition", args=["contracts", "contract", contract.pk, name]), DATA
    )
    want = expected(actor, name, state)
    assert response.status_code == want, (actor, name, state)
    contract.refresh_from_db()
    if want == 302:
        assert contract.status == CONTRACT_TABLE[name][1]
        assert response["Location"] == contract.get_absolute_url()
    else:
        assert contract.status == state
        if want != 404:  # the record page is shown again with the reason
            assert b'data-testid="contract-status"' in response.content


def test_detail_shows_the_chain_gate_and_plan(client):
    contract = contract_in("in_review", manager_needed=True)
    client.force_login(user_with("finance"))
    response = client.get(contract.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert contract.number in html
    assert contract.opportunity.name in html
    assert 'data-testid="gate"' in html and 'data-testid="milestones"' in html
    assert 'data-transition="approve"' in html and 'data-transition="reject"' in html
    assert 'data-transition="sign"' not in html
    assert 'id="plan-form"' not in html  # finance does not edit the plan


def test_detail_links_forward_to_the_order(client):
    from orders.tests.factories import order_in

    order = order_in("pending")
    client.force_login(order.owner)
    html = client.get(order.contract.get_absolute_url()).content.decode()
    assert order.get_absolute_url() in html


def test_list_shows_only_visible_contracts(client):
    mine = draft_contract()
    other = draft_contract()
    client.force_login(mine.owner)
    html = client.get(reverse("contracts:list")).content.decode()
    assert mine.get_absolute_url() in html and other.get_absolute_url() not in html
    client.force_login(user_with("marketing"))
    assert client.get(reverse("contracts:list")).status_code == 403
    assert client.get(other.get_absolute_url()).status_code == 404


def test_list_runs_a_fixed_number_of_queries(client, django_assert_max_num_queries):
    finance = user_with("finance")
    client.force_login(finance)
    for n in (2, 12):
        while Contract.objects.count() < n:
            draft_contract()
        with django_assert_max_num_queries(14):
            response = client.get(reverse("contracts:list"))
        assert response.status_code == 200


def test_support_sets_a_30_70_plan_in_the_page(client):
    support = user_with("sales_support")
    contract = draft_contract(solution_owner=support, unit_price="12345.67", plan=False)
    client.force_login(support)
    page = client.get(contract.get_absolute_url()).content.decode()
    assert 'id="plan-form"' in page
    data = {
        "plan-TOTAL_FORMS": "3",
        "plan-INITIAL_FORMS": "0",
        "plan-0-name": "Deposit",
        "plan-0-percentage": "30",
        "plan-0-trigger": "on_signing",
        "plan-0-payment_terms_days": "30",
        "plan-1-name": "Balance",
        "plan-1-percentage": "70",
        "plan-1-trigger": "on_delivery",
        "plan-1-payment_terms_days": "30",
        "plan-2-trigger": "on_signing",
        "plan-2-payment_terms_days": "30",
    }
    response = client.post(reverse("contracts:plan", args=[contract.pk]), data)
    assert response.status_code == 302
    assert [str(m.amount) for m in contract.milestones.all()] == ["3703.70", "8641.97"]
    # a plan that does not sum is refused on the page, nothing changes
    data["plan-1-percentage"] = "60"
    response = client.post(reverse("contracts:plan", args=[contract.pk]), data)
    assert response.status_code == 400
    assert "difference" in response.content.decode()
    assert [str(m.amount) for m in contract.milestones.all()] == ["3703.70", "8641.97"]


def test_edit_a_draft_in_the_page_and_refused_when_signed(client):
    contract = draft_contract()
    client.force_login(contract.owner)
    response = client.post(
        reverse("contracts:edit", args=[contract.pk]),
        {"start_date": "2026-01-01", "end_date": "2026-12-31", "terms": "Net 30"},
    )
    assert response.status_code == 302
    contract.refresh_from_db()
    assert contract.terms == "Net 30"
    signed = contract_in("signed")
    client.force_login(signed.owner)
    assert 'id="edit"' not in client.get(signed.get_absolute_url()).content.decode()
    response = client.post(
        reverse("contracts:edit", args=[signed.pk]),
        {"start_date": "2026-01-01", "end_date": "2026-12-31", "terms": "changed"},
    )
    assert response.status_code == 400
    assert "amend" in response.content.decode()
    signed.refresh_from_db()
    assert signed.terms != "changed"


def test_amend_from_the_page(client):
    contract = contract_in("signed")
    client.force_login(contract.owner)
    assert 'data-testid="amend"' in client.get(contract.get_absolute_url()).content.decode()
    response = client.post(reverse("contracts:amend", args=[contract.pk]))
    new = Contract.objects.get(amended_from=contract)
    assert response.status_code == 302 and response["Location"] == new.get_absolute_url()
    html = client.get(new.get_absolute_url()).content.decode()
    assert contract.get_absolute_url() in html  # links back to the version it amends


def test_attach_and_download(client):
    contract = draft_contract()
    client.force_login(contract.owner)
    upload = SimpleUploadedFile("scan.pdf", b"%PDF-1.4 signed", content_type="application/pdf")
    response = client.post(
        reverse("contracts:attach", args=[contract.pk]), {"file": upload, "name": "Scan"}
    )
    assert response.status_code == 302
    attachment = contract.attachments.get()
    url = reverse("contracts:attachment", args=[contract.pk, attachment.pk])
    download = client.get(url)
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == b"%PDF-1.4 signed"
    client.force_login(user_with("sales"))
    assert client.get(url).status_code == 404
