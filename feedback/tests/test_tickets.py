"""Tickets: the role × transition matrix of DESIGN.md through the service, the API and the
browser; the rules (resolution, routing, first response) and the auto-close task."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from rest_framework.test import APIClient

from customers.tests.factories import AccountFactory, ContactFactory
from feedback import services
from feedback.models import Ticket
from feedback.tests.factories import ticket_in
from ltc.models import TransitionLog
from ltc.transitions import TransitionNotAllowed, run
from roles.tests.factories import user_with

pytestmark = pytest.mark.django_db

# DESIGN.md, Ticket: transition -> (from states, to state, roles).
TABLE = {
    "start": (("open",), "in_progress", {"service", "operations"}),
    "wait": (("in_progress",), "waiting_on_customer", {"service", "operations"}),
    "resume": (("waiting_on_customer",), "in_progress", {"service", "operations"}),
    "resolve": (("in_progress",), "resolved", {"service", "operations"}),
    "close": (("resolved",), "closed", {"service"}),
    "reopen": (("resolved", "closed"), "open", {"service"}),
}
STATES = ("open", "in_progress", "waiting_on_customer", "resolved", "closed")
ROLES = ("marketing", "sales", "sales_support", "operations", "finance", "service", "manager")
DATA = {"resolve": {"resolution": "Replaced the part."}}
CASES = [(name, state) for name, (sources, _t, _r) in TABLE.items() for state in sources]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name,state", CASES)
def test_matrix_service(role, name, state):
    ticket = ticket_in(state, category="product")
    user = user_with(role)
    sources, target, allowed = TABLE[name]
    if role in allowed:
        result = run(obj=ticket, name=name, user=user, data=DATA.get(name))
        assert result.status == target
        log = TransitionLog.objects.get(object_id=ticket.pk, transition=name)
        assert (log.source, log.target, log.by) == (state, target, user)
    else:
        with pytest.raises(PermissionDenied):
            run(obj=ticket, name=name, user=user, data=DATA.get(name))
        ticket.refresh_from_db()
        assert ticket.status == state


@pytest.mark.parametrize("name", TABLE)
def test_wrong_state_is_refused(name):
    sources = TABLE[name][0]
    for state in STATES:
        if state in sources:
            continue
        ticket = ticket_in(state)
        with pytest.raises(TransitionNotAllowed):
            run(obj=ticket, name=name, user=user_with("service"), data=DATA.get(name))


def _api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name,state", CASES)
def test_matrix_api(role, name, state):
    # An after-sales ticket: operations sees it; service and the manager see every ticket.
    ticket = ticket_in(state, category="delivery")
    user = user_with(role)
    response = _api(user).post(
        f"/api/v1/tickets/{ticket.pk}/transitions/{name}/", DATA.get(name, {}), format="json"
    )
    sees = role in ("service", "operations", "manager")
    expected = 200 if role in TABLE[name][2] else (403 if sees else 404)
    assert response.status_code == expected, response.content
    ticket.refresh_from_db()
    assert ticket.status == (TABLE[name][1] if expected == 200 else state)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name,state", CASES)
def test_matrix_browser(client, role, name, state):
    ticket = ticket_in(state, category="delivery")
    user = user_with(role)
    client.force_login(user)
    response = client.post(
        f"/records/feedback/ticket/{ticket.pk}/transitions/{name}/", DATA.get(name, {})
    )
    sees = role in ("service", "operations", "manager")
    expected = 302 if role in TABLE[name][2] else (403 if sees else 404)
    assert response.status_code == expected
    ticket.refresh_from_db()
    assert ticket.status == (TABLE[name][1] if expected == 302 else state)


def test_api_lists_transitions_for_the_caller():
    ticket = ticket_in("resolved")
    rows = _api(user_with("service")).get(f"/api/v1/tickets/{ticket.pk}/transitions/").json()
    allowed = {r["name"] for r in rows if r["allowed"]}
    assert allowed == {"close", "reopen"}
    rows = _api(user_with("manager")).get(f"/api/v1/tickets/{ticket.pk}/transitions/").json()
    assert not any(r["allowed"] for r in rows)


def test_resolve_needs_a_resolution_400_everywhere(client):
    ticket = ticket_in("in_progress")
    service = user_with("service")
    with pytest.raises(ValidationError) as exc:
        run(obj=ticket, name="resolve", user=service, data={"resolution": "  "})
    assert "resolution" in exc.value.message_dict
    response = _api(service).post(f"/api/v1/tickets/{ticket.pk}/transitions/resolve/", {})
    assert response.status_code == 400
    assert "resolution" in response.json()
    client.force_login(service)
    response = client.post(f"/records/feedback/ticket/{ticket.pk}/transitions/resolve/", {})
    assert response.status_code == 400
    ticket.refresh_from_db()
    assert ticket.status == "in_progress" and ticket.resolution == ""
    assert not TransitionLog.objects.filter(object_id=ticket.pk, transition="resolve").exists()


@pytest.mark.parametrize(
    "category,role",
    [
        ("product", "operations"),
        ("delivery", "operations"),
        ("billing", "service"),
        ("other", "service"),
    ],
)
def test_category_routes_the_ticket(category, role):
    ticket = services.ticket_create(
        user=user_with("service"), account=AccountFactory(), subject="x", category=category
    )
    assert ticket.assigned_role == role


def test_operations_sees_only_after_sales_tickets():
    after_sales = ticket_in(category="product")
    billing = ticket_in(category="billing")
    ops = _api(user_with("operations")).get("/api/v1/tickets/").json()
    ids = {row["id"] for row in ops["results"]}
    assert after_sales.pk in ids and billing.pk not in ids
    assert _api(user_with("operations")).get(f"/api/v1/tickets/{billing.pk}/").status_code == 404


def test_sales_sees_tickets_of_own_accounts_only():
    seller = user_with("sales")
    mine = ticket_in(account=AccountFactory(owner=seller))
    other = ticket_in()
    rows = _api(seller).get("/api/v1/tickets/").json()["results"]
    assert {r["id"] for r in rows} == {mine.pk}
    assert _api(seller).get(f"/api/v1/tickets/{other.pk}/").status_code == 404


def test_create_through_api_routes_and_refuses_mismatched_contact():
    service = user_with("service")
    account = AccountFactory()
    response = _api(service).post(
        "/api/v1/tickets/",
        {
            "subject": "Late delivery",
            "account": account.pk,
            "category": "delivery",
            "priority": "high",
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["assigned_role"] == "operations"
    assert response.json()["status"] == "open"
    stranger = ContactFactory()
    response = _api(service).post(
        "/api/v1/tickets/",
        {"subject": "x", "account": account.pk, "contact": stranger.pk},
        format="json",
    )
    assert response.status_code == 400 and "contact" in response.json()
    # State is read-only outside transitions.
    ticket_id = Ticket.objects.get(subject="Late delivery").pk
    _api(service).patch(f"/api/v1/tickets/{ticket_id}/", {"status": "closed"}, format="json")
    assert Ticket.objects.get(pk=ticket_id).status == "open"


def test_roles_that_may_not_open_tickets():
    for role in ("marketing", "finance", "manager"):
        with pytest.raises(PermissionDenied):
            services.ticket_create(user=user_with(role), account=AccountFactory(), subject="x")


def test_first_response_is_the_first_start_or_public_reply():
    service = user_with("service")
    ticket = ticket_in("open")
    run(obj=ticket, name="start", user=service)
    ticket.refresh_from_db()
    first = ticket.first_response_at
    assert first is not None and ticket.assignee == service
    run(obj=ticket, name="resolve", user=service, data={"resolution": "done"})
    run(obj=Ticket.objects.get(pk=ticket.pk), name="reopen", user=service)
    run(obj=Ticket.objects.get(pk=ticket.pk), name="start", user=service)
    assert Ticket.objects.get(pk=ticket.pk).first_response_at == first

    replied = ticket_in("open")
    services.ticket_reply(user=service, ticket=replied, body="We are on it.")
    replied.refresh_from_db()
    assert replied.first_response_at is not None
    earlier = replied.first_response_at
    services.ticket_reply(user=service, ticket=replied, body="Update.")
    replied.refresh_from_db()
    assert replied.first_response_at == earlier
    with pytest.raises(ValidationError):
        services.ticket_reply(user=service, ticket=replied, body=" ")
    with pytest.raises(PermissionDenied):
        services.ticket_reply(user=user_with("sales"), ticket=replied, body="hi")


def test_auto_close_after_n_days_runs_as_system_once(settings):
    settings.LTC = {**settings.LTC, "TICKET_AUTO_CLOSE_DAYS": 7}
    old = ticket_in("resolved")
    Ticket.objects.filter(pk=old.pk).update(resolved_at=timezone.now() - timezone.timedelta(days=8))
    recent = ticket_in("resolved")
    assert services.close_resolved_tickets() == 1
    assert services.close_resolved_tickets() == 0
    old.refresh_from_db()
    recent.refresh_from_db()
    assert old.status == "closed" and old.closed_at is not None
    assert recent.status == "resolved"
    log = TransitionLog.objects.get(object_id=old.pk, transition="close")
    assert log.by is None


def test_ticket_pages(client):
    service = user_with("service")
    ticket = ticket_in("in_progress", priority="urgent")
    client.force_login(service)
    page = client.get("/service/tickets/")
    assert page.status_code == 200 and ticket.subject in page.content.decode()
    detail = client.get(f"/service/tickets/{ticket.pk}/")
    body = detail.content.decode()
    assert detail.status_code == 200
    assert 'data-transition="resolve"' in body and 'data-transition="close"' not in body
    assert 'data-testid="sla"' in body
    response = client.post(
        "/service/tickets/new/",
        {
            "subject": "Broken",
            "category": "product",
            "priority": "high",
            "account": ticket.account.pk,
        },
    )
    assert response.status_code == 302
    assert Ticket.objects.get(subject="Broken").assigned_role == "operations"
    client.force_login(user_with("finance"))
    assert client.get(f"/service/tickets/{ticket.pk}/").status_code == 404
    assert client.get("/service/tickets/new/").status_code == 403


@pytest.mark.parametrize("size", [3, 30])
def test_ticket_list_is_bounded(client, django_assert_max_num_queries, size):
    for _ in range(size):
        ticket_in()
    client.force_login(user_with("service"))
    with django_assert_max_num_queries(12):
        assert client.get("/service/tickets/").status_code == 200
    api = _api(user_with("service"))
    with django_assert_max_num_queries(8):
        assert api.get("/api/v1/tickets/").status_code == 200
