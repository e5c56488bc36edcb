"""Opportunities through the services: the convert hand-off, the stage rules, probability,
the iron-triangle team with its grants, visibility, the forecast, the work queue."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext

from customers.tests.factories import AccountFactory, ContactFactory
from leads.models import LeadStatus
from leads.tests.factories import lead_in
from ltc.handoffs import opportunity_won
from ltc.transitions import TransitionNotAllowed, run
from ltc.workqueue import work_queue
from opportunities import services
from opportunities.models import LostReason, Opportunity, Stage
from opportunities.selectors import forecast, opportunity_list, quote_list
from opportunities.tests.factories import OpportunityFactory, opportunity_in, quote_in
from roles.tests.factories import TeamFactory, user_with

pytestmark = pytest.mark.django_db


@pytest.fixture
def sales():
    return user_with("sales")


# --- the convert hand-off ------------------------------------------------------------------


def test_convert_creates_exactly_one_opportunity_from_the_lead(sales):
    lead = lead_in(
        LeadStatus.QUALIFIED,
        owner=sales,
        company="Minghui Manufacturing",
        budget=Decimal("250000.00"),
        currency="USD",
        expected_close_date=datetime.date(2027, 3, 31),
    )
    run(obj=lead, name="convert", user=sales)
    lead.refresh_from_db()
    opp = Opportunity.objects.get()
    assert opp.lead == lead
    assert opp.name == "Minghui Manufacturing"
    assert (opp.amount, opp.currency) == (Decimal("250000.00"), "USD")
    assert opp.expected_close_date == datetime.date(2027, 3, 31)
    assert opp.owner == sales
    assert (opp.account, opp.contact) == (lead.account, lead.contact)
    assert (opp.stage, opp.probability) == (Stage.QUALIFICATION, 10)
    assert opp in opportunity_list(user=sales)
    # never twice
    with pytest.raises(TransitionNotAllowed):
        run(obj=lead, name="convert", user=sales)
    again = services.opportunity_create_from_lead(
        lead=lead, account=lead.account, contact=lead.contact, user=sales
    )
    assert again == opp
    assert Opportunity.objects.count() == 1
    with pytest.raises(IntegrityError), transaction.atomic():
        OpportunityFactory(lead=lead, owner=sales)


def test_a_failing_hand_off_rolls_back_the_conversion(sales, monkeypatch):
    lead = lead_in(LeadStatus.QUALIFIED, owner=sales)

    def boom(**kwargs):
        raise RuntimeError("opportunity stage down")

    monkeypatch.setattr(services, "opportunity_create_from_lead", boom)
    with pytest.raises(RuntimeError):
        run(obj=lead, name="convert", user=sales)
    lead.refresh_from_db()
    assert lead.status == LeadStatus.QUALIFIED
    assert not Opportunity.objects.exists()


# --- stage rules ---------------------------------------------------------------------------


def test_propose_needs_an_approved_quote(sales):
    opp = opportunity_in("needs_analysis", owner=sales)
    quote_in("draft", opportunity=opp)
    quote_in("pending_approval", opportunity=opp)
    with pytest.raises(ValidationError) as exc:
        run(obj=opp, name="propose", user=sales)
    assert "approved quote" in exc.value.message_dict["quote"][0]
    opp.refresh_from_db()
    assert opp.stage == Stage.NEEDS_ANALYSIS
    quote_in("approved", opportunity=opp)
    opp = run(obj=opp, name="propose", user=sales)
    assert (opp.stage, opp.probability) == (Stage.PROPOSAL, 50)


def test_win_needs_an_accepted_quote_and_hands_off(sales):
    opp = opportunity_in("negotiation", owner=sales)
    quote_in("sent", opportunity=opp)
    with pytest.raises(ValidationError) as exc:
        run(obj=opp, name="win", user=sales)
    assert "accepted quote" in exc.value.message_dict["quote"][0]
    assert Opportunity.objects.get(pk=opp.pk).stage == Stage.NEGOTIATION
    accepted = quote_in("accepted", opportunity=opp)
    received = []
    opportunity_won.connect(
        lambda sender, **kw: received.append(kw), weak=False, dispatch_uid="test-won"
    )
    try:
        opp = run(obj=opp, name="win", user=sales)
    finally:
        opportunity_won.disconnect(dispatch_uid="test-won")
    assert (opp.stage, opp.probability) == (Stage.WON, 100)
    assert opp.closed_at is not None
    assert received[0]["quote"] == accepted and received[0]["instance"].pk == opp.pk


def test_lose_needs_a_reason_and_reopen_resets(sales):
    opp = opportunity_in("proposal", owner=sales)
    with pytest.raises(ValidationError) as exc:
        run(obj=opp, name="lose", user=sales, data={})
    assert "lost_reason" in exc.value.message_dict
    reason = LostReason.objects.get(name="Price too high")
    opp = run(
        obj=opp,
        name="lose",
        user=sales,
        data={"lost_reason": reason.pk, "lost_note": "Competitor 20% cheaper"},
    )
    assert (opp.stage, opp.probability, opp.lost_reason) == (Stage.LOST, 0, reason)
    assert opp.lost_note == "Competitor 20% cheaper"
    with pytest.raises(PermissionDenied):
        run(obj=opp, name="reopen", user=sales)
    opp = run(obj=opp, name="reopen", user=user_with("manager"))
    assert (opp.stage, opp.probability, opp.lost_reason) == (Stage.QUALIFICATION, 10, None)


def test_probability_is_editable_within_the_stage_and_reset_on_change(sales):
    opp = OpportunityFactory(owner=sales)
    services.opportunity_update(opportunity=opp, user=sales, probability=35)
    opp.refresh_from_db()
    assert opp.probability == 35
    with pytest.raises(ValidationError) as exc:
        services.opportunity_update(opportunity=opp, user=sales, probability=101)
    assert "probability" in exc.value.message_dict
    opp = run(obj=opp, name="analyze", user=sales)
    assert opp.probability == 20


def test_only_the_owner_edits_and_not_after_closing(sales):
    opp = OpportunityFactory(owner=sales)
    for user in (user_with("sales"), user_with("manager"), user_with("sales_support")):
        with pytest.raises(PermissionDenied):
            services.opportunity_update(opportunity=opp, user=user, name="x")
    closed = opportunity_in("won", owner=sales)
    with pytest.raises(PermissionDenied):
        services.opportunity_update(opportunity=closed, user=sales, name="x")


def test_create_by_sales_with_contact_of_the_account(sales):
    account = AccountFactory(owner=sales)
    opp = services.opportunity_create(
        user=sales,
        account=account,
        name="Plant 3",
        amount=Decimal("5000"),
        contact=ContactFactory(account=account),
    )
    assert opp.owner == sales and opp.stage == "qualification"
    with pytest.raises(ValidationError) as exc:
        services.opportunity_create(
            user=sales,
            account=account,
            name="x",
            contact=ContactFactory(account=AccountFactory(owner=sales)),
        )
    assert "contact" in exc.value.message_dict
    with pytest.raises(PermissionDenied):
        services.opportunity_create(user=user_with("sales_support"), account=account, name="x")


# --- the team and visibility -----------------------------------------------------------------


def test_assigning_the_solution_owner_grants_the_deal_and_its_quotes(sales):
    opp = opportunity_in("needs_analysis", owner=sales)
    quote = quote_in("draft", opportunity=opp)
    support, other_support = user_with("sales_support"), user_with("sales_support")
    assert opp not in opportunity_list(user=support)
    services.opportunity_assign_team(opportunity=opp, user=sales, solution_owner=support)
    assert opp in opportunity_list(user=support)
    assert quote in quote_list(user=support)
    # reassigning revokes the grant from the previous solution owner
    services.opportunity_assign_team(opportunity=opp, user=sales, solution_owner=other_support)
    assert opp not in opportunity_list(user=support)
    assert quote not in quote_list(user=support)
    assert opp in opportunity_list(user=other_support)


def test_team_members_need_the_right_role_and_assigner(sales):
    opp = OpportunityFactory(owner=sales)
    with pytest.raises(ValidationError) as exc:
        services.opportunity_assign_team(
            opportunity=opp, user=sales, solution_owner=user_with("operations")
        )
    assert "solution_owner" in exc.value.message_dict
    with pytest.raises(PermissionDenied):
        services.opportunity_assign_team(
            opportunity=opp, user=user_with("sales"), solution_owner=user_with("sales_support")
        )
    ops = user_with("operations")
    services.opportunity_assign_team(
        opportunity=opp, user=user_with("manager"), fulfilment_owner=ops
    )
    assert opp in opportunity_list(user=ops)


def test_visibility_per_role(sales):
    mine = OpportunityFactory(owner=sales)
    other = OpportunityFactory()
    granted = OpportunityFactory()
    from guardian.shortcuts import assign_perm

    assign_perm("opportunities.view_opportunity", sales, granted)
    assert set(opportunity_list(user=sales)) == {mine, granted}
    assert set(opportunity_list(user=user_with("manager"))) == {mine, other, granted}
    for role in ("marketing", "finance", "service", "sales_support", "operations"):
        assert not opportunity_list(user=user_with(role)).exists()
    # a team lead sees the team members' deals
    lead = user_with("sales")
    TeamFactory(lead=lead).members.add(sales)
    assert set(opportunity_list(user=lead)) == {mine}


def test_finance_sees_the_quotes_it_must_sign(sales):
    needing = quote_in("pending_approval", manager=True, finance=True)
    quote_in("pending_approval", manager=True)
    assert list(quote_list(user=user_with("finance"))) == [needing]


# --- forecast --------------------------------------------------------------------------------


def test_forecast_weights_open_amounts_by_close_month_and_currency(sales):
    other = user_with("sales")
    march, april = datetime.date(2027, 3, 10), datetime.date(2027, 4, 2)
    OpportunityFactory(owner=sales, amount=Decimal("1000.00"), expected_close_date=march)
    a = OpportunityFactory(owner=sales, amount=Decimal("333.33"), expected_close_date=march)
    services.opportunity_update(opportunity=a, user=sales, probability=33)
    opportunity_in("proposal", owner=sales, amount=Decimal("2000"), expected_close_date=april)
    OpportunityFactory(owner=sales, amount=Decimal("50"), currency="USD", expected_close_date=april)
    opportunity_in("won", owner=sales, amount=Decimal("9999"), expected_close_date=march)
    opportunity_in("lost", owner=sales, amount=Decimal("9999"), expected_close_date=march)
    OpportunityFactory(owner=other, amount=Decimal("7777"), expected_close_date=march)

    rows = forecast(user=sales)
    assert rows == [
        {
            "month": "2027-03",
            "currency": "CNY",
            "count": 2,
            "amount": Decimal("1333.33"),
            "weighted": Decimal("210.00"),  # 100 + 109.9989
        },
        {
            "month": "2027-04",
            "currency": "CNY",
            "count": 1,
            "amount": Decimal("2000.00"),
            "weighted": Decimal("1000.00"),
        },
        {
            "month": "2027-04",
            "currency": "USD",
            "count": 1,
            "amount": Decimal("50.00"),
            "weighted": Decimal("5.00"),
        },
    ]
    everyone = forecast(user=user_with("manager"))
    assert everyone[0]["amount"] == Decimal("9110.33")
    assert forecast(user=user_with("manager"), owner=other.pk)[0]["amount"] == Decimal("7777.00")
    team = TeamFactory(lead=other)
    team.members.add(sales)
    team_rows = forecast(user=user_with("manager"), team=team.pk)
    assert team_rows[0]["amount"] == Decimal("9110.33")
    assert forecast(user=user_with("finance")) == []


# --- work queue -------------------------------------------------------------------------------


def test_each_member_sees_what_waits_on_them(sales):
    support, manager, finance, ops = (
        user_with("sales_support"),
        user_with("manager"),
        user_with("finance"),
        user_with("operations"),
    )
    opp = opportunity_in("needs_analysis", owner=sales, solution_owner=support)
    waiting = quote_in("pending_approval", opportunity=opp, manager=True, finance=True)
    approved = quote_in("approved", opportunity=opp)
    won = opportunity_in("won", owner=sales, fulfilment_owner=ops)

    def items(user, title):
        for section in work_queue(user)["sections"]:
            if str(section["title"]) == title:
                return section["items"]
        raise AssertionError(title)

    assert items(support, "Opportunities waiting for a quote") == []  # has live quotes
    bare = opportunity_in("needs_analysis", owner=sales, solution_owner=support)
    assert items(support, "Opportunities waiting for a quote") == [bare]
    assert items(manager, "Quotes waiting for your sign-off") == [waiting]
    assert items(finance, "Quotes waiting for finance sign-off") == [waiting]
    assert items(sales, "Approved quotes to send") == [approved]
    assert items(ops, "Won deals to fulfil") == [won]


def test_a_sellers_quote_sections_split_their_own_quotes_by_status_in_one_query(sales):
    opp = opportunity_in("proposal", owner=sales)
    approved = [quote_in("approved", opportunity=opp) for _i in range(12)]
    sent = [quote_in("sent", opportunity=opp) for _i in range(2)]
    quote_in("draft", opportunity=opp)
    quote_in("sent", opportunity=opportunity_in("proposal"))  # another seller's
    with CaptureQueriesContext(connection) as ctx:
        sections = {str(s["title"]): s for s in work_queue(sales)["sections"]}
    to_send, answer = (
        sections["Approved quotes to send"],
        sections["Sent quotes awaiting the customer's answer"],
    )
    assert to_send["items"] == approved[:10] and to_send["more"] is True
    assert answer["items"] == sent and answer["more"] is False
    quote_queries = [q for q in ctx.captured_queries if '"opportunities_quote"' in q["sql"]]
    assert len(quote_queries) == 1, quote_queries


# --- hand-off timers (ltc/timers.py) -----------------------------------------------------------


def test_quote_handoff_timer_reminds_then_escalates_once_each(sales):
    from django.utils import timezone

    from ltc import timers
    from notifications.models import Notification

    timer = timers.TIMERS["opportunity_quote"]
    support, manager = user_with("sales_support"), user_with("manager")
    opp = opportunity_in("needs_analysis", owner=sales, solution_owner=support)
    quoted = opportunity_in("needs_analysis", owner=sales, solution_owner=support)
    quote_in("draft", opportunity=quoted)
    start = timezone.now() - datetime.timedelta(hours=73)
    Opportunity.objects.filter(pk__in=[opp.pk, quoted.pk]).update(stage_changed_at=start)

    assert timers.check(timer) == {"reminded": 1, "escalated": 0}
    assert timers.check(timer) == {"reminded": 0, "escalated": 0}  # once
    (note,) = Notification.objects.filter(recipient=support)
    assert opp.name in note.title
    later = timezone.now() + datetime.timedelta(hours=72)  # past target × 2: escalate
    assert timers.check(timer, now=later) == {"reminded": 0, "escalated": 1}
    assert Notification.objects.filter(recipient=manager, title__contains=opp.name).count() == 1


def test_sign_off_timer_waits_on_the_missing_signers(sales):
    from django.utils import timezone

    from ltc import timers
    from notifications.models import Notification
    from opportunities.models import QuoteSignOff

    manager, finance = user_with("manager"), user_with("finance")
    quote = quote_in("pending_approval", manager=True, finance=True)
    QuoteSignOff.objects.create(quote=quote, role="manager", user=manager, decision="approved")
    from opportunities.models import Quote

    Quote.objects.filter(pk=quote.pk).update(
        submitted_at=timezone.now() - datetime.timedelta(hours=25)
    )
    assert timers.check(timers.TIMERS["quote_sign_off"]) == {"reminded": 1, "escalated": 0}
    assert Notification.objects.filter(recipient=finance).count() == 1
    assert not Notification.objects.filter(recipient=manager).exists()
