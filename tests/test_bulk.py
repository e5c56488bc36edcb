"""Bulk actions (ltc.bulk): each selected record is checked as a single one (role, state,
rule fields, visibility) with a per-record result; refused records are left untouched; a
request wrong as a whole changes nothing."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from customers.models import Account
from customers.tests.factories import AccountFactory, ContactFactory
from leads.models import Lead
from leads.tests.factories import LeadFactory, lead_in
from ltc.models import TaggedRecord, TransitionLog
from opportunities.models import Opportunity
from opportunities.tests.factories import OpportunityFactory
from orders.models import Order
from orders.tests.factories import order_in
from roles.tests.factories import TeamFactory, user_with

pytestmark = pytest.mark.django_db


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def browser(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def team():
    """A team lead (sales) who sees a teammate's leads, and a seller outside the team."""
    boss, mate, outsider = user_with("sales"), user_with("sales"), user_with("sales")
    TeamFactory(lead=boss).members.add(mate)
    return {"boss": boss, "mate": mate, "outsider": outsider}


def by_id(body):
    return {row["id"]: row for row in body["results"]}


def test_bulk_transition_with_mixed_permissions_gives_per_record_results(team):
    own_new = LeadFactory(owner=team["boss"])
    own_working = lead_in("working", owner=team["boss"])
    mates = LeadFactory(owner=team["mate"])  # visible, but "start work" is the owner's
    hidden = LeadFactory(owner=team["outsider"])
    ids = [own_new.pk, own_working.pk, mates.pk, hidden.pk]
    logs = TransitionLog.objects.count()

    response = api(team["boss"]).post(
        "/api/v1/leads/bulk/",
        {"action": "transition", "transition": "start_work", "ids": ids},
        format="json",
    )

    assert response.status_code == 200
    results = by_id(response.data)
    assert [results[i]["status"] for i in ids] == [200, 409, 403, 404]
    assert [results[i]["ok"] for i in ids] == [True, False, False, False]
    assert response.data["done"] == 1 and response.data["failed"] == 3
    assert "owner" in results[mates.pk]["message"]
    states = dict(Lead.objects.filter(pk__in=ids).values_list("pk", "status"))
    assert states == {
        own_new.pk: "working",
        own_working.pk: "working",
        mates.pk: "new",
        hidden.pk: "new",
    }
    assert TransitionLog.objects.count() == logs + 1


def test_bulk_transition_missing_its_field_is_400_for_the_request_and_changes_nothing(team):
    leads = [LeadFactory(owner=team["boss"]) for _ in range(2)]
    ids = [lead.pk for lead in leads]
    logs = TransitionLog.objects.count()
    missing = api(team["boss"]).post(
        "/api/v1/leads/bulk/",
        {"action": "transition", "transition": "disqualify", "ids": ids},
        format="json",
    )
    assert missing.status_code == 400 and "reason" in missing.data
    assert set(Lead.objects.filter(pk__in=ids).values_list("status", flat=True)) == {"new"}
    assert TransitionLog.objects.count() == logs
    given = api(team["boss"]).post(
        "/api/v1/leads/bulk/",
        {"action": "transition", "transition": "disqualify", "ids": ids, "reason": "No budget"},
        format="json",
    )
    assert given.data["done"] == 2
    assert set(Lead.objects.filter(pk__in=ids).values_list("status", flat=True)) == {"disqualified"}


def test_bulk_request_wrong_as_a_whole_is_400_and_changes_nothing(team):
    lead = LeadFactory(owner=team["boss"])
    client = api(team["boss"])
    for body in (
        {"action": "transition", "transition": "start_work", "ids": []},
        {"action": "transition", "transition": "no_such", "ids": [lead.pk]},
        {"action": "explode", "ids": [lead.pk]},
        {"action": "tag", "tag": "", "ids": [lead.pk]},
        {"action": "transition", "transition": "start_work", "ids": list(range(1, 502))},
    ):
        response = client.post("/api/v1/leads/bulk/", body, format="json")
        assert response.status_code == 400, body
    lead.refresh_from_db()
    assert lead.status == "new"
    assert not TaggedRecord.objects.exists()


def test_bulk_assign_owner_needs_the_assigning_role_and_an_offered_person(team):
    marketing = user_with("marketing")
    leads = [LeadFactory() for _ in range(2)]
    ids = [lead.pk for lead in leads]
    # sales may not assign leads: nobody is offered, so the request is refused as a whole
    refused = api(team["boss"]).post(
        "/api/v1/leads/bulk/",
        {"action": "assign_owner", "owner": team["boss"].pk, "ids": ids},
        format="json",
    )
    assert refused.status_code == 400 and "owner" in refused.data
    # a person without the sales role is not offered either
    not_sales = api(marketing).post(
        "/api/v1/leads/bulk/",
        {"action": "assign_owner", "owner": marketing.pk, "ids": ids},
        format="json",
    )
    assert not_sales.status_code == 400
    assert not Lead.objects.filter(pk__in=ids, owner__isnull=False).exists()
    done = api(marketing).post(
        "/api/v1/leads/bulk/",
        {"action": "assign_owner", "owner": team["mate"].pk, "ids": ids},
        format="json",
    )
    assert done.data["done"] == 2
    assert set(Lead.objects.filter(pk__in=ids).values_list("owner", flat=True)) == {team["mate"].pk}


def test_bulk_assign_on_records_outside_visibility_is_refused_per_record(team):
    mine = OpportunityFactory(owner=team["boss"])
    theirs = OpportunityFactory(owner=team["outsider"])
    response = api(team["boss"]).post(
        "/api/v1/opportunities/bulk/",
        {"action": "assign_owner", "owner": team["mate"].pk, "ids": [mine.pk, theirs.pk]},
        format="json",
    )
    results = by_id(response.data)
    assert results[mine.pk]["ok"] and results[theirs.pk]["status"] == 404
    assert Opportunity.objects.get(pk=mine.pk).owner == team["mate"]
    assert Opportunity.objects.get(pk=theirs.pk).owner == team["outsider"]
    # a salesperson outside the caller's team is not offered as the new owner
    outside = api(team["boss"]).post(
        "/api/v1/opportunities/bulk/",
        {"action": "assign_owner", "owner": team["outsider"].pk, "ids": [mine.pk]},
        format="json",
    )
    assert outside.status_code == 400


def test_bulk_add_to_team_sets_the_members_seat(team):
    support, ops = user_with("sales_support"), user_with("operations")
    deal = OpportunityFactory(owner=team["boss"])
    client = api(team["boss"])
    for member in (support, ops):
        response = client.post(
            "/api/v1/opportunities/bulk/",
            {"action": "add_to_team", "member": member.pk, "ids": [deal.pk]},
            format="json",
        )
        assert response.data["done"] == 1
    deal.refresh_from_db()
    assert (deal.solution_owner, deal.fulfilment_owner) == (support, ops)
    # the teammate's deal is visible to the team lead, but only its owner or a manager
    # assigns its team: refused for that record
    mates = OpportunityFactory(owner=team["mate"])
    refused = client.post(
        "/api/v1/opportunities/bulk/",
        {"action": "add_to_team", "member": support.pk, "ids": [mates.pk]},
        format="json",
    )
    assert refused.data["results"][0]["status"] == 403
    mates.refresh_from_db()
    assert mates.solution_owner is None


def test_bulk_tag_only_visible_records(team):
    mine = AccountFactory(owner=team["boss"])
    theirs = AccountFactory(owner=team["outsider"])
    response = api(team["boss"]).post(
        "/api/v1/accounts/bulk/",
        {"action": "tag", "tag": "trade-show", "ids": [mine.pk, theirs.pk, mine.pk]},
        format="json",
    )
    assert [r["status"] for r in response.data["results"]] == [200, 404]
    assert list(TaggedRecord.objects.values_list("object_id", flat=True)) == [mine.pk]
    # tagging again keeps one tag
    api(team["boss"]).post(
        "/api/v1/accounts/bulk/", {"action": "tag", "tag": "trade-show", "ids": [mine.pk]}
    )
    assert TaggedRecord.objects.count() == 1


# --- the page ------------------------------------------------------------------------------------
def test_page_bulk_transition_shows_each_result(team):
    own = OpportunityFactory(owner=team["boss"])
    theirs = OpportunityFactory(owner=team["outsider"])
    response = browser(team["boss"]).post(
        reverse("bulk", args=["opportunities"]),
        {
            "action": "transition",
            "transition": "analyze",
            "ids": [own.pk, theirs.pk],
            "next": reverse("opportunities:list"),
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert f'data-record="{own.pk}" data-ok="1"' in html
    assert f'data-record="{theirs.pk}" data-ok="0"' in html
    own.refresh_from_db()
    theirs.refresh_from_db()
    assert own.stage == "needs_analysis" and theirs.stage == "qualification"


def test_page_bulk_bad_request_goes_back_with_the_reason(team):
    own = OpportunityFactory(owner=team["boss"])
    client = browser(team["boss"])
    response = client.post(
        reverse("bulk", args=["opportunities"]),
        {"action": "assign_owner", "owner": team["outsider"].pk, "ids": [own.pk], "next": "/x/"},
        follow=False,
    )
    assert response.status_code == 302 and response["Location"] == "/x/"
    own.refresh_from_db()
    assert own.owner == team["boss"]
    evil = client.post(
        reverse("bulk", args=["opportunities"]),
        {"action": "tag", "ids": [], "next": "https://evil.example/"},
    )
    assert evil["Location"] == "/"


def test_page_export_selection_keeps_the_list_and_narrows_to_ids(team):
    own = [OpportunityFactory(owner=team["boss"]) for _ in range(3)]
    client = browser(team["boss"])
    response = client.post(
        reverse("bulk", args=["opportunities"]),
        {
            "action": "export_csv",
            "ids": [own[0].pk, own[2].pk],
            "next": reverse("opportunities:list") + "?stage=qualification&page=2",
        },
    )
    assert response.status_code == 302
    location = response["Location"]
    assert location.startswith(reverse("opportunities:list") + "?stage=qualification&export=csv")
    assert "page=" not in location
    from ltc.exports import download_bytes, read_table

    rows = read_table(download_bytes(client.get(location)), "csv")
    assert sorted(int(r[0]) for r in rows[1:]) == [own[0].pk, own[2].pk]


def test_list_page_has_the_bulk_bar_and_checkboxes(team):
    OpportunityFactory(owner=team["boss"])
    html = browser(team["boss"]).get(reverse("opportunities:list")).content.decode()
    assert 'data-testid="bulk-bar"' in html and 'name="ids"' in html
    assert 'value="assign_owner"' in html and 'value="export_csv"' in html


# --- the leads, orders and contacts pages ---------------------------------------------------------
def _page(user, url_name) -> str:
    response = browser(user).get(reverse(url_name))
    assert response.status_code == 200
    return response.content.decode()


def _bar(html) -> str:
    """The bulk bar's markup, or "" when the page has none."""
    if 'data-testid="bulk-bar"' not in html:
        return ""
    return html.split('data-testid="bulk-bar"', 1)[1].split("</form>", 1)[0]


def test_leads_page_offers_each_bulk_action_to_the_roles_that_may(team):
    LeadFactory(owner=team["boss"])
    LeadFactory()
    marketing = _bar(_page(user_with("marketing"), "leads:list"))
    assert 'value="assign_owner"' in marketing and 'id="round-robin"' in marketing
    assert 'value="disqualify"' in marketing and 'value="recycle"' in marketing
    assert 'value="start_work"' not in marketing  # a salesperson's step
    assert 'value="tag"' in marketing and 'value="export_csv"' in marketing

    sales = _bar(_page(team["boss"], "leads:list"))
    assert 'value="assign_owner"' not in sales and 'id="round-robin"' not in sales
    assert 'value="start_work"' in sales and 'value="qualify"' in sales
    assert 'value="recycle"' not in sales and 'value="reopen"' not in sales

    manager = _bar(_page(user_with("manager"), "leads:list"))
    assert 'value="assign_owner"' in manager and 'value="reopen"' in manager
    assert 'value="tag"' not in manager  # a manager does not edit leads

    # no role on leads: no list at all
    assert browser(user_with("finance")).get(reverse("leads:list")).status_code == 403


def test_orders_page_offers_each_bulk_action_to_the_roles_that_may(team):
    order_in("pending", owner=team["boss"])
    operations = _bar(_page(user_with("operations"), "orders:list"))
    assert 'value="deliver"' in operations and 'value="ship"' in operations
    assert 'value="cancel"' not in operations and 'value="confirm"' not in operations
    assert 'value="apply_payment"' not in operations
    assert 'value="tag"' in operations and 'value="export_csv"' in operations
    service = _bar(_page(user_with("service"), "orders:list"))
    assert 'value="accept"' in service and 'value="tag"' not in service
    sales = _bar(_page(team["boss"], "orders:list"))
    assert 'value="confirm"' in sales and 'value="cancel"' in sales
    assert 'value="deliver"' not in sales
    assert 'name="ids"' in _page(team["boss"], "orders:list")
    assert browser(user_with("finance")).get(reverse("orders:list")).status_code == 403


def test_contacts_page_offers_tagging_to_who_may_change_them_and_export_to_all(team):
    ContactFactory(account=AccountFactory(owner=team["boss"]))
    marketing = _bar(_page(user_with("marketing"), "customers:contact-list"))
    assert 'value="tag"' in marketing and 'value="export_csv"' in marketing
    assert 'value="transition"' not in marketing and 'value="assign_owner"' not in marketing
    finance_page = _page(user_with("finance"), "customers:contact-list")
    finance = _bar(finance_page)
    assert finance and 'value="export_csv"' in finance and 'value="tag"' not in finance


def test_a_role_with_nothing_to_do_in_bulk_gets_no_bar_nor_checkboxes(team, monkeypatch):
    from customers import bulk as customer_bulk
    from ltc import bulk as ltc_bulk

    ContactFactory(account=AccountFactory(owner=team["boss"]))
    finance = user_with("finance")
    # contacts without an export: finance may neither tag nor export them
    bare = ltc_bulk.BulkList(**{**customer_bulk.CONTACTS.__dict__, "export": None})
    monkeypatch.setitem(ltc_bulk._REGISTRY, "contacts", bare)
    monkeypatch.setattr(ltc_bulk, "registry", lambda: dict(ltc_bulk._REGISTRY))
    html = _page(finance, "customers:contact-list")
    assert 'data-testid="bulk-bar"' not in html and 'name="ids"' not in html
    assert 'data-testid="bulk-bar"' in _page(user_with("marketing"), "customers:contact-list")


def test_page_bulk_assign_on_leads_gives_per_record_results(team):
    marketing = user_with("marketing")
    fresh = [LeadFactory() for _ in range(2)]
    closed = lead_in("disqualified")
    ids = [fresh[0].pk, closed.pk, fresh[1].pk]
    response = browser(marketing).post(
        reverse("bulk", args=["leads"]),
        {"action": "assign_owner", "owner": team["mate"].pk, "ids": ids, "next": "/leads/"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    for lead in fresh:
        assert f'data-record="{lead.pk}" data-ok="1"' in html
    assert f'data-record="{closed.pk}" data-ok="0"' in html
    assert "A closed lead cannot be reassigned." in html
    owners = dict(Lead.objects.filter(pk__in=ids).values_list("pk", "owner"))
    assert owners == {fresh[0].pk: team["mate"].pk, fresh[1].pk: team["mate"].pk, closed.pk: None}


def test_page_round_robin_takes_the_unassigned_among_the_selected(team):
    marketing = user_with("marketing")
    free = LeadFactory()
    taken = LeadFactory(owner=team["boss"])
    client = browser(marketing)
    response = client.post(reverse("leads:round-robin"), {"ids": [free.pk, taken.pk]}, follow=True)
    free.refresh_from_db()
    taken.refresh_from_db()
    assert free.owner is not None and taken.owner == team["boss"]
    assert "1 selected leads were left as they were" in response.content.decode()


def test_page_bulk_transition_on_orders_per_record_state_and_visibility(team):
    pending = order_in("pending", owner=team["boss"])
    shipped = order_in("shipped", owner=team["boss"])  # past cancelling
    hidden = order_in("pending", owner=team["outsider"])
    ids = [pending.pk, shipped.pk, hidden.pk]
    response = browser(team["boss"]).post(
        reverse("bulk", args=["orders"]),
        {
            "action": "transition",
            "transition": "cancel",
            "reason": "Customer withdrew",
            "ids": ids,
            "next": reverse("orders:list"),
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert f'data-record="{pending.pk}" data-ok="1"' in html
    assert f'data-record="{shipped.pk}" data-ok="0"' in html
    assert f'data-record="{hidden.pk}" data-ok="0"' in html
    states = dict(Order.objects.filter(pk__in=ids).values_list("pk", "status"))
    assert states == {pending.pk: "cancelled", shipped.pk: "shipped", hidden.pk: "pending"}
    assert Order.objects.get(pk=pending.pk).cancel_reason == "Customer withdrew"


@pytest.mark.parametrize(
    ("name", "url_name", "make", "transition", "field"),
    [
        ("orders", "orders:list", lambda boss: order_in("pending", owner=boss), "cancel", "Reason"),
        ("leads", "leads:list", lambda boss: LeadFactory(owner=boss), "disqualify", "Reason"),
    ],
)
def test_page_bulk_transition_missing_its_field_is_refused_and_changes_nothing(
    team, name, url_name, make, transition, field
):
    records = [make(team["boss"]) for _ in range(2)]
    model = type(records[0])
    before = {r.pk: r.status for r in records}
    logs = TransitionLog.objects.count()
    client = browser(team["boss"])
    response = client.post(
        reverse("bulk", args=[name]),
        {
            "action": "transition",
            "transition": transition,
            "reason": "  ",
            "ids": [r.pk for r in records],
            "next": reverse(url_name),
        },
        follow=True,
    )
    assert response.redirect_chain[-1][0] == reverse(url_name)
    html = response.content.decode()
    assert "Nothing was changed." in html
    assert f"{field}: This field is required." in html
    assert dict(model.objects.filter(pk__in=before).values_list("pk", "status")) == before
    assert TransitionLog.objects.count() == logs


def test_bar_shows_the_chosen_transitions_own_fields(team):
    LeadFactory(owner=team["boss"])
    client = browser(team["boss"])
    bar = _bar(_page(team["boss"], "leads:list"))
    assert 'hx-get="' + reverse("bulk-fields", args=["leads"]) + '"' in bar
    # htmx asks for the fields of the transition chosen: disqualify needs a reason
    fields = client.get(reverse("bulk-fields", args=["leads"]), {"transition": "disqualify"})
    html = fields.content.decode()
    assert 'name="reason"' in html and "required" in html
    # a step without fields offers a comment; an unknown step offers nothing
    plain = client.get(reverse("bulk-fields", args=["leads"]), {"transition": "start_work"})
    assert 'name="comment"' in plain.content.decode()
    unknown = client.get(reverse("bulk-fields", args=["leads"]), {"transition": "explode"})
    assert "<input" not in unknown.content.decode()
    # the order's delivery date is a date field; its file upload is left to the order's page
    ops = browser(user_with("operations"))
    accept = ops.get(reverse("bulk-fields", args=["orders"]), {"transition": "accept"})
    assert 'name="accepted_on"' in accept.content.decode()
    assert 'type="file"' not in accept.content.decode()


def test_page_bulk_tag_on_contacts_per_record(team):
    mine = ContactFactory(account=AccountFactory(owner=team["boss"]))
    mates = ContactFactory(account=AccountFactory(owner=team["mate"]))
    theirs = ContactFactory(account=AccountFactory(owner=team["outsider"]))
    ids = [mine.pk, mates.pk, theirs.pk]
    response = browser(team["boss"]).post(
        reverse("bulk", args=["contacts"]),
        {"action": "tag", "tag": "expo", "ids": ids, "next": "/customers/contacts/"},
    )
    html = response.content.decode()
    assert f'data-record="{mine.pk}" data-ok="1"' in html
    assert f'data-record="{mates.pk}" data-ok="1"' in html  # the team lead changes the team's
    assert f'data-record="{theirs.pk}" data-ok="0"' in html
    tagged = set(TaggedRecord.objects.values_list("object_id", flat=True))
    assert tagged == {mine.pk, mates.pk}


def test_tagging_is_refused_per_record_to_who_may_not_change_it(team):
    # operations see every order but change (tag) only those they may edit: all of them;
    # service sees them too and may not tag any
    order = order_in("pending", owner=team["boss"])
    response = api(user_with("service")).post(
        "/api/v1/orders/bulk/", {"action": "tag", "tag": "vip", "ids": [order.pk]}, format="json"
    )
    assert response.data["results"][0]["status"] == 403
    assert not TaggedRecord.objects.exists()
    done = api(user_with("operations")).post(
        "/api/v1/orders/bulk/", {"action": "tag", "tag": "vip", "ids": [order.pk]}, format="json"
    )
    assert done.data["done"] == 1


def test_bulk_account_owner_by_a_manager_only(team):
    manager = user_with("manager")
    accounts = [AccountFactory(owner=team["outsider"]) for _ in range(2)]
    ids = [a.pk for a in accounts]
    refused = api(team["boss"]).post(
        "/api/v1/accounts/bulk/",
        {"action": "assign_owner", "owner": team["mate"].pk, "ids": ids},
        format="json",
    )
    assert refused.status_code == 400 and "owner" in refused.data
    not_sales = api(manager).post(
        "/api/v1/accounts/bulk/",
        {"action": "assign_owner", "owner": manager.pk, "ids": ids},
        format="json",
    )
    assert not_sales.status_code == 400
    assert set(Account.objects.filter(pk__in=ids).values_list("owner", flat=True)) == {
        team["outsider"].pk
    }
    done = api(manager).post(
        "/api/v1/accounts/bulk/",
        {"action": "assign_owner", "owner": team["mate"].pk, "ids": ids},
        format="json",
    )
    assert done.data["done"] == 2
    assert set(Account.objects.filter(pk__in=ids).values_list("owner", flat=True)) == {
        team["mate"].pk
    }
    bar = _bar(_page(manager, "customers:account-list"))
    assert 'value="assign_owner"' in bar
    assert 'value="assign_owner"' not in _bar(_page(team["boss"], "customers:account-list"))


def test_account_assign_owner_service_checks_role_and_owner():
    from django.core.exceptions import PermissionDenied, ValidationError

    from customers.services import account_assign_owner

    account = AccountFactory()
    seller = user_with("sales")
    with pytest.raises(PermissionDenied):
        account_assign_owner(user=seller, account=account, owner=seller)
    manager = user_with("manager")
    with pytest.raises(ValidationError):
        account_assign_owner(user=manager, account=account, owner=user_with("finance"))
    assert account_assign_owner(user=manager, account=account, owner=seller).owner == seller


def _list_queries(user, url) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = browser(user)
    client.get(url)  # warm the session and per-process caches
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200 and 'data-testid="bulk-bar"' in response.content.decode()
    return len(ctx.captured_queries)


@pytest.mark.parametrize(
    ("url_name", "role", "make", "bound"),
    [
        ("leads:list", "marketing", lambda n: [LeadFactory() for _ in range(n)], 12),
        # +2 on orders and contacts: the list views menu (the user's views, the teams they may
        # share with; listviews.lists.Listing).
        ("orders:list", "operations", lambda n: [order_in("pending") for _ in range(n)], 10),
        (
            "customers:contact-list",
            "marketing",
            lambda n: [ContactFactory() for _ in range(n)],
            9,
        ),
    ],
)
def test_list_pages_with_the_bulk_bar_run_a_fixed_number_of_queries(url_name, role, make, bound):
    user = user_with(role)
    url = reverse(url_name)
    make(2)
    small = _list_queries(user, url)
    make(4)
    large = _list_queries(user, url)
    assert small == large, f"{url_name}: {small} queries for 2 rows, {large} for 6"
    assert large <= bound, large
