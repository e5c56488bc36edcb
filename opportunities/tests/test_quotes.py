"""Quotes through the services: lines and server-side totals, the discount gate with several
sign-offs (each threshold, order, one is not enough), reject, versions, expiry."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import override_settings
from django.utils import timezone

from catalog.tests.factories import ProductFactory
from ltc.models import TransitionLog
from ltc.transitions import TransitionNotAllowed, run
from notifications.models import Notification
from opportunities import services
from opportunities.models import Quote, QuoteSignOff, QuoteStatus
from opportunities.tests.factories import OpportunityFactory, opportunity_in, quote_in
from roles.tests.factories import user_with

pytestmark = pytest.mark.django_db


@pytest.fixture
def team():
    sales = user_with("sales")
    support = user_with("sales_support")
    opp = opportunity_in("needs_analysis", owner=sales)
    services.opportunity_assign_team(opportunity=opp, user=sales, solution_owner=support)
    return {
        "sales": sales,
        "support": support,
        "manager": user_with("manager"),
        "finance": user_with("finance"),
        "opp": opp,
    }


def build(team, *discounts, currency=None) -> Quote:
    quote = services.quote_create(opportunity=team["opp"], user=team["support"], currency=currency)
    for pct in discounts:
        services.quote_line_add(
            quote=quote,
            user=team["support"],
            product=ProductFactory(price=Decimal("1000.00"), currency=quote.currency),
            quantity=Decimal("2"),
            discount_pct=Decimal(str(pct)),
        )
    quote.refresh_from_db()
    return quote


def logs(quote):
    return list(
        TransitionLog.objects.filter(
            content_type=ContentType.objects.get_for_model(Quote), object_id=quote.pk
        ).values_list("transition", "source", "target")
    )


# --- lines and totals ------------------------------------------------------------------------


def test_line_defaults_come_from_the_product_and_totals_are_computed(team):
    quote = services.quote_create(opportunity=team["opp"], user=team["support"])
    product = ProductFactory(price=Decimal("99.99"), tax_rate=Decimal("13.00"))
    line = services.quote_line_add(
        quote=quote,
        user=team["support"],
        product=product,
        quantity=Decimal("3"),
        discount_pct=Decimal("5"),
    )
    assert line.unit_price == Decimal("99.99")
    assert line.tax_rate == Decimal("13.00")
    assert line.gross == Decimal("299.97")
    assert line.discount_amount == Decimal("15.00")  # 14.9985 half-up
    assert line.tax_amount == Decimal("37.05")  # 284.97 × 13% = 37.0461
    assert line.total == Decimal("322.02")
    quote.refresh_from_db()
    assert (quote.subtotal, quote.discount_total, quote.tax_total, quote.total) == (
        Decimal("299.97"),
        Decimal("15.00"),
        Decimal("37.05"),
        Decimal("322.02"),
    )
    services.quote_line_update(line=line, user=team["support"], quantity=Decimal("1"))
    quote.refresh_from_db()
    assert quote.subtotal == Decimal("99.99")
    services.quote_line_remove(line=line, user=team["support"])
    quote.refresh_from_db()
    assert quote.total == Decimal("0.00")


@pytest.mark.parametrize(
    ("field", "kwargs"),
    [
        ("quantity", {"quantity": Decimal("-1")}),
        ("quantity", {"quantity": Decimal("0")}),
        ("discount_pct", {"discount_pct": Decimal("100.01")}),
        ("discount_pct", {"discount_pct": Decimal("-5")}),
        ("unit_price", {"unit_price": Decimal("-0.01")}),
        ("tax_rate", {"tax_rate": Decimal("101")}),
    ],
)
def test_bad_line_is_refused_with_a_field_error(team, field, kwargs):
    quote = services.quote_create(opportunity=team["opp"], user=team["support"])
    args = {"quantity": Decimal("1"), **kwargs}
    with pytest.raises(ValidationError) as exc:
        services.quote_line_add(quote=quote, user=team["support"], product=ProductFactory(), **args)
    assert field in exc.value.message_dict
    assert not quote.lines.exists()


def test_product_of_another_currency_is_refused(team):
    quote = services.quote_create(opportunity=team["opp"], user=team["support"])
    assert quote.currency == "CNY"
    with pytest.raises(ValidationError) as exc:
        services.quote_line_add(
            quote=quote,
            user=team["support"],
            product=ProductFactory(currency="USD"),
            quantity=Decimal("1"),
        )
    assert "product" in exc.value.message_dict
    assert not quote.lines.exists()


def test_only_sales_support_on_the_deal_builds_the_quote(team):
    with pytest.raises(PermissionDenied):
        services.quote_create(opportunity=team["opp"], user=team["sales"])
    with pytest.raises(PermissionDenied):
        services.quote_create(opportunity=team["opp"], user=user_with("sales_support"))
    assert not Quote.objects.exists()


def test_lines_change_only_in_draft(team):
    quote = build(team, 0)
    line = quote.lines.get()
    quote = run(obj=quote, name="submit", user=team["support"])
    for call in (
        lambda: services.quote_line_update(line=line, user=team["support"], quantity=Decimal(5)),
        lambda: services.quote_line_remove(line=line, user=team["support"]),
        lambda: services.quote_line_add(
            quote=quote, user=team["support"], product=ProductFactory(), quantity=Decimal(1)
        ),
    ):
        with pytest.raises(ValidationError):
            call()
    quote.refresh_from_db()
    assert quote.lines.count() == 1 and quote.subtotal == Decimal("2000.00")


def test_submit_needs_a_line(team):
    quote = build(team)
    with pytest.raises(ValidationError) as exc:
        run(obj=quote, name="submit", user=team["support"])
    assert "lines" in exc.value.message_dict
    assert Quote.objects.get(pk=quote.pk).status == QuoteStatus.DRAFT


# --- the discount gate ---------------------------------------------------------------------


@pytest.mark.parametrize("discount", [0, 5, 10])
def test_within_policy_submit_goes_straight_to_approved(team, discount):
    quote = build(team, 0, discount)
    quote = run(obj=quote, name="submit", user=team["support"])
    quote.refresh_from_db()
    assert quote.status == QuoteStatus.APPROVED
    assert quote.required_sign_offs() == []
    assert not QuoteSignOff.objects.exists()
    assert logs(quote) == [
        ("submit", "draft", "pending_approval"),
        ("approve", "pending_approval", "approved"),
    ]


@pytest.mark.parametrize("discount", ["10.01", 15, 20])
def test_above_manager_threshold_needs_the_manager_only(team, discount):
    quote = build(team, 0, discount)
    quote = run(obj=quote, name="submit", user=team["support"])
    quote.refresh_from_db()
    assert quote.status == QuoteStatus.PENDING_APPROVAL
    assert quote.required_sign_offs() == ["manager"]
    # finance is not asked
    with pytest.raises(ValidationError):
        run(obj=quote, name="sign_off", user=team["finance"])
    quote = run(obj=quote, name="approve", user=team["manager"], data={"comment": "ok"})
    quote.refresh_from_db()
    assert quote.status == QuoteStatus.APPROVED
    (signed,) = quote.sign_offs.all()
    assert (signed.role, signed.user, signed.decision) == ("manager", team["manager"], "approved")
    assert signed.at is not None
    # the manager was notified of the pending sign-off
    assert Notification.objects.filter(
        recipient=team["manager"], key=f"quote-sign-off:{quote.pk}:manager"
    ).exists()


def test_above_finance_threshold_manager_first_then_finance(team):
    quote = build(team, 25)
    quote = run(obj=quote, name="submit", user=team["support"])
    quote.refresh_from_db()
    assert quote.required_sign_offs() == ["manager", "finance"]

    quote = run(obj=quote, name="approve", user=team["manager"])
    quote.refresh_from_db()
    assert quote.status == QuoteStatus.PENDING_APPROVAL  # one sign-off is not enough
    assert quote.missing_sign_offs() == ["finance"]
    assert Notification.objects.filter(recipient=team["finance"]).exists()

    quote = run(obj=quote, name="sign_off", user=team["finance"], data={"comment": "margin ok"})
    quote.refresh_from_db()
    assert quote.status == QuoteStatus.APPROVED
    assert list(quote.sign_offs.values_list("role", "user", "decision")) == [
        ("manager", team["manager"].pk, "approved"),
        ("finance", team["finance"].pk, "approved"),
    ]
    assert logs(quote) == [
        ("submit", "draft", "pending_approval"),
        ("approve", "pending_approval", "pending_approval"),  # the manager's sign-off
        ("approve", "pending_approval", "approved"),  # finance's completes the gate
    ]


def test_above_finance_threshold_finance_first_then_manager(team):
    quote = build(team, 5, "20.5")
    quote = run(obj=quote, name="submit", user=team["support"])
    quote = run(obj=quote, name="sign_off", user=team["finance"])
    quote.refresh_from_db()
    assert quote.status == QuoteStatus.PENDING_APPROVAL
    assert quote.missing_sign_offs() == ["manager"]
    quote = run(obj=quote, name="approve", user=team["manager"])
    quote.refresh_from_db()
    assert quote.status == QuoteStatus.APPROVED
    assert [s.role for s in quote.sign_offs.all()] == ["finance", "manager"]


def test_a_sign_off_counts_once(team):
    quote = build(team, 30)
    quote = run(obj=quote, name="submit", user=team["support"])
    quote = run(obj=quote, name="approve", user=team["manager"])
    with pytest.raises(ValidationError):
        run(obj=quote, name="approve", user=user_with("manager"))  # a second manager
    quote.refresh_from_db()
    assert quote.status == QuoteStatus.PENDING_APPROVAL
    assert quote.sign_offs.count() == 1


def test_wrong_roles_cannot_sign(team):
    quote = build(team, 30)
    quote = run(obj=quote, name="submit", user=team["support"])
    for user in (team["sales"], team["support"], team["finance"]):
        with pytest.raises(PermissionDenied):
            run(obj=quote, name="approve", user=user)
    for user in (team["sales"], team["support"], team["manager"]):
        with pytest.raises(PermissionDenied):
            run(obj=quote, name="sign_off", user=user)
    assert not QuoteSignOff.objects.exists()


@override_settings(
    LTC={
        "DEFAULT_CURRENCY": "CNY",
        "CURRENCIES": ["CNY", "USD"],
        "LEAD_FIRST_TOUCH_HOURS": 24,
        "QUOTE_DISCOUNT_MANAGER_PCT": 5,
        "QUOTE_DISCOUNT_FINANCE_PCT": 8,
    }
)
def test_thresholds_are_settings(team):
    quote = build(team, 9)
    quote = run(obj=quote, name="submit", user=team["support"])
    quote.refresh_from_db()
    assert quote.required_sign_offs() == ["manager", "finance"]


def test_reject_needs_a_reason_and_returns_to_draft(team):
    quote = build(team, 15)
    quote = run(obj=quote, name="submit", user=team["support"])
    with pytest.raises(ValidationError) as exc:
        run(obj=quote, name="reject", user=team["manager"], data={"reason": ""})
    assert "reason" in exc.value.message_dict
    quote = run(obj=quote, name="reject", user=team["manager"], data={"reason": "Too generous"})
    quote.refresh_from_db()
    assert quote.status == QuoteStatus.DRAFT
    assert quote.rejection_reason == "Too generous"
    (row,) = quote.sign_offs.all()
    assert (row.decision, row.role, row.comment) == ("rejected", "manager", "Too generous")
    # the rejected version stays as reviewed: revise it
    assert not quote.is_editable
    with pytest.raises(ValidationError):
        run(obj=quote, name="submit", user=team["support"])


# --- versions --------------------------------------------------------------------------------


def test_revising_a_rejected_quote_makes_a_new_version_and_keeps_the_old(team):
    quote = build(team, 15, 0)
    quote = run(obj=quote, name="submit", user=team["support"])
    quote = run(obj=quote, name="reject", user=team["manager"], data={"reason": "Too generous"})
    quote.refresh_from_db()
    old_lines = list(quote.lines.values_list("product", "quantity", "discount_pct", "total"))

    new = services.quote_revise(quote=quote, user=team["support"])
    assert new.version == quote.version + 1
    assert new.revised_from == quote
    assert new.status == QuoteStatus.DRAFT and new.is_editable
    assert list(new.lines.values_list("product", "quantity", "discount_pct", "total")) == old_lines
    assert new.total == quote.total
    quote.refresh_from_db()
    assert quote.superseded and quote.rejection_reason == "Too generous"
    assert list(quote.lines.values_list("product", "quantity", "discount_pct", "total")) == (
        old_lines
    )
    # the new version is editable; the old is not revised twice
    line = new.lines.get(discount_pct=15)
    services.quote_line_update(line=line, user=team["support"], discount_pct=Decimal("10"))
    new = run(obj=new, name="submit", user=team["support"])
    new.refresh_from_db()
    assert new.status == QuoteStatus.APPROVED
    with pytest.raises(ValidationError):
        services.quote_revise(quote=quote, user=team["support"])


@pytest.mark.parametrize("status", ["declined", "expired"])
def test_revising_declined_or_expired(team, status):
    quote = quote_in(status, opportunity=team["opp"])
    new = services.quote_revise(quote=quote, user=team["support"])
    assert new.status == "draft" and new.lines.count() == 1


@pytest.mark.parametrize("status", ["draft", "pending_approval", "approved", "sent", "accepted"])
def test_only_rejected_declined_expired_are_revised(team, status):
    quote = quote_in(status, opportunity=team["opp"])
    with pytest.raises(ValidationError):
        services.quote_revise(quote=quote, user=team["support"])
    assert Quote.objects.count() == 1


# --- the customer's answer and expiry ---------------------------------------------------------


def test_send_accept_decline_by_sales(team):
    quote = build(team, 0)
    quote = run(obj=quote, name="submit", user=team["support"])
    with pytest.raises(PermissionDenied):
        run(obj=quote, name="send", user=team["support"])
    quote = run(obj=quote, name="send", user=team["sales"])
    quote = run(obj=quote, name="decline", user=team["sales"], data={"reason": "Budget cut"})
    quote.refresh_from_db()
    assert quote.status == "declined" and quote.decline_reason == "Budget cut"
    assert quote.sent_at and quote.answered_at


def test_expire_task_expires_sent_quotes_past_validity_once(team):
    today = timezone.localdate()
    past = quote_in("sent", opportunity=team["opp"], valid_until=today - datetime.timedelta(1))
    current = quote_in("sent", valid_until=today)
    draft = quote_in("draft", valid_until=today - datetime.timedelta(5))
    from opportunities.tasks import expire_quotes

    assert expire_quotes.delay().get() == 1
    assert services.expire_quotes() == 0  # idempotent
    assert Quote.objects.get(pk=past.pk).status == "expired"
    assert Quote.objects.get(pk=current.pk).status == "sent"
    assert Quote.objects.get(pk=draft.pk).status == "draft"
    assert logs(past) == [("expire", "sent", "expired")]


def test_nobody_expires_a_quote_by_hand(team):
    quote = quote_in("sent", opportunity=team["opp"], valid_until=datetime.date(2020, 1, 1))
    for role in ("sales", "sales_support", "manager", "finance"):
        with pytest.raises(PermissionDenied):
            run(obj=quote, name="expire", user=user_with(role))


def test_expire_refuses_a_still_valid_quote(team):
    from ltc.transitions import perform_transition

    quote = quote_in("sent", opportunity=team["opp"])
    with pytest.raises(ValidationError):
        perform_transition(obj=quote, name="expire", user=None, system=True)


def test_approve_from_the_wrong_state_is_not_allowed(team):
    quote = build(team, 15)
    with pytest.raises(TransitionNotAllowed):
        run(obj=quote, name="approve", user=team["manager"])
    assert not QuoteSignOff.objects.exists()


def test_quotes_only_for_open_opportunities(team):
    lost = OpportunityFactory(owner=team["sales"])
    from opportunities.models import Opportunity

    Opportunity.objects.filter(pk=lost.pk).update(stage="lost", solution_owner=team["support"])
    lost.refresh_from_db()
    with pytest.raises(ValidationError):
        services.quote_create(opportunity=lost, user=team["support"])
