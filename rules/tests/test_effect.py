"""A rule changed on the page takes effect without a restart: for the next quote submission,
the next timer run, the SLA clock (holidays and 调休), new opportunities, and in other
processes (the version stamp in the shared cache)."""

import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from catalog.models import Product
from catalog.tests.factories import ProductFactory
from feedback.sla import Calendar, business_time_between
from leads.models import Lead
from leads.tests.factories import LeadFactory
from ltc import timers
from ltc.transitions import run
from notifications.models import Notification
from opportunities import services as opportunity_services
from opportunities.models import Opportunity, Quote, QuoteStatus
from opportunities.tests.factories import OpportunityFactory, opportunity_in
from roles.tests.factories import user_with
from rules import accessors, specs, store
from rules.models import Rule
from rules.tests.helpers import URL, calendar_data, post_section

pytestmark = pytest.mark.django_db
TZ = ZoneInfo("Asia/Shanghai")
H = datetime.timedelta(hours=1)


@pytest.fixture
def manager(client):
    user = user_with("manager")
    client.force_login(user)
    return user


# --- the discount gate: the next quote submission ------------------------------------------
@pytest.fixture
def deal():
    sales = user_with("sales")
    support = user_with("sales_support")
    opp = opportunity_in("needs_analysis", owner=sales)
    opportunity_services.opportunity_assign_team(
        opportunity=opp, user=sales, solution_owner=support
    )
    return opp, support


def submitted_quote(deal, discount) -> Quote:
    opp, support = deal
    quote = opportunity_services.quote_create(opportunity=opp, user=support)
    opportunity_services.quote_line_add(
        quote=quote,
        user=support,
        product=ProductFactory(price=Decimal("1000.00"), currency=quote.currency),
        quantity=Decimal("1"),
        discount_pct=Decimal(discount),
    )
    run(obj=Quote.objects.get(pk=quote.pk), name="submit", user=support)
    return Quote.objects.get(pk=quote.pk)


def test_a_new_discount_gate_applies_to_the_next_quote_and_not_to_earlier_ones(
    client, manager, deal
):
    before = submitted_quote(deal, "12")
    assert before.status == QuoteStatus.PENDING_APPROVAL
    assert before.required_sign_offs() == ["manager"]

    response = post_section(client, "discounts", QUOTE_DISCOUNT_MANAGER_PCT="15")
    assert response.status_code == 302

    after = submitted_quote(deal, "12")
    assert after.status == QuoteStatus.APPROVED and after.required_sign_offs() == []
    # the quote submitted before keeps the sign-off decided at its submission
    assert Quote.objects.get(pk=before.pk).required_sign_offs() == ["manager"]


def test_the_roles_that_sign_each_gate_are_a_rule_too(client, manager, deal):
    post_section(
        client,
        "discounts",
        QUOTE_DISCOUNT_MANAGER_SIGNERS=["finance"],
        QUOTE_DISCOUNT_FINANCE_PCT="30",
        QUOTE_DISCOUNT_FINANCE_SIGNERS=["manager"],
    )
    assert submitted_quote(deal, "12").required_sign_offs() == ["finance"]
    assert submitted_quote(deal, "35").required_sign_offs() == ["manager", "finance"]


# --- hand-off timers: the next run ---------------------------------------------------------
def test_a_new_hand_off_target_applies_at_the_next_timer_run(client, manager):
    owner = user_with("sales")
    lead = LeadFactory(owner=owner, status="new")
    Lead.objects.filter(pk=lead.pk).update(assigned_at=timezone.now() - 3 * H)
    assert timers.check(timers.TIMERS["lead_first_touch"]) == {"reminded": 0, "escalated": 0}

    post_section(
        client,
        "handoffs",
        HANDOFF_TARGET_HOURS__lead_first_touch="2",
        HANDOFF_ESCALATE_FACTORS__lead_first_touch="1.2",
    )
    assert timers.check(timers.TIMERS["lead_first_touch"]) == {"reminded": 1, "escalated": 1}
    assert Notification.objects.filter(recipient=owner, key__startswith="handoff-remind:").exists()


# --- the business calendar of the SLA clock ------------------------------------------------
def at(*args):
    return datetime.datetime(*args, tzinfo=TZ)


def test_the_sla_clock_follows_the_seeded_2026_calendar_with_its_working_weekends():
    calendar = Calendar.current()
    # Saturday 14 February 2026 is worked (调休): a full business day
    assert business_time_between(at(2026, 2, 14, 0), at(2026, 2, 15, 0), calendar) == 9 * H
    # the Spring Festival, 15 to 23 February: the clock stands still
    assert business_time_between(at(2026, 2, 15, 0), at(2026, 2, 24, 0), calendar) == 0 * H
    # an ordinary Saturday is not worked
    assert business_time_between(at(2026, 3, 7, 0), at(2026, 3, 8, 0), calendar) == 0 * H
    # 2027 is stored too: New Year's Day stops the clock
    assert not Calendar.current().is_business_day(datetime.date(2027, 1, 1))


def test_a_calendar_edited_on_the_page_drives_the_next_sla_reading(client, manager):
    saturday, friday = datetime.date(2027, 3, 6), datetime.date(2027, 3, 5)
    assert not Calendar.current().is_business_day(saturday)
    holidays = "\n".join(d.isoformat() for d in accessors.calendar_year(2027).holidays)
    response = client.post(URL, calendar_data(2027, f"{holidays}\n{friday}", saturday.isoformat()))
    assert response.status_code == 302
    calendar = Calendar.current()
    assert calendar.is_business_day(saturday) and not calendar.is_business_day(friday)
    assert business_time_between(at(2027, 3, 5, 0), at(2027, 3, 7, 0), calendar) == 9 * H


def test_a_new_year_is_added_as_data(client, manager):
    response = client.post(URL, calendar_data(2028, "2028-01-03", "2028-01-08", new=True))
    assert response.status_code == 302
    assert 2028 in accessors.calendar_years()
    calendar = Calendar.current()
    assert not calendar.is_business_day(datetime.date(2028, 1, 3))  # a Monday off
    assert calendar.is_business_day(datetime.date(2028, 1, 8))  # a Saturday worked
    assert "calendar-2028" in client.get(URL).content.decode()


def test_business_hours_from_the_page(client, manager):
    post_section(client, "hours", BUSINESS_HOURS__start="08:30", BUSINESS_HOURS__end="17:30")
    calendar = Calendar.current()
    assert (calendar.start, calendar.end) == (datetime.time(8, 30), datetime.time(17, 30))
    # Monday 9 March 2026, the whole day
    assert business_time_between(at(2026, 3, 9, 0), at(2026, 3, 10, 0), calendar) == 9 * H


def test_sla_targets_from_the_page():
    from feedback.clock import target_for

    manager = user_with("manager")
    from rules.services import save_rules

    save_rules(user=manager, values={"SLA.urgent.first_response_hours": "0.5"})
    assert target_for("urgent", "first_response") == datetime.timedelta(minutes=30)
    assert target_for("urgent", "resolution") == 8 * H


# --- pipeline, quotes, tax, collections ----------------------------------------------------
def test_stage_probability_defaults_apply_to_new_opportunities_and_stage_changes(client, manager):
    kept = OpportunityFactory()
    assert kept.probability == 10
    post_section(
        client,
        "pipeline",
        STAGE_PROBABILITY__qualification="15",
        STAGE_PROBABILITY__needs_analysis="30",
    )
    assert OpportunityFactory().probability == 15
    assert Opportunity.objects.get(pk=kept.pk).probability == 10  # stored values are kept
    moved = run(obj=kept, name="analyze", user=kept.owner)
    assert Opportunity.objects.get(pk=moved.pk).probability == 30


def test_quote_validity_tax_currency_dunning_and_pool_follow_the_page(client, manager, deal):
    post_section(
        client,
        "quotes",
        QUOTE_VALIDITY_DAYS="14",
        DEFAULT_CURRENCY="USD",
        TAX_RATES="9, 6",
        DEFAULT_TAX_RATE="6",
    )
    post_section(client, "collections", DUNNING_DAYS="5", POOL_RETURN_DAYS="60")
    opp, support = deal
    quote = opportunity_services.quote_create(opportunity=opp, user=support)
    assert quote.valid_until == timezone.localdate() + datetime.timedelta(days=14)
    product = Product.objects.create(code="P-1", name="Widget", price=Decimal("1.00"))
    assert (product.currency, product.tax_rate) == ("USD", Decimal("6"))
    from billing.dunning import thresholds
    from pool.services import return_days

    assert thresholds() == [5] and return_days() == 60


def test_contract_value_threshold_from_the_page(client, manager):
    from contracts.models import value_threshold

    post_section(client, "quotes", CONTRACT_VALUE_THRESHOLD="50000")
    assert value_threshold() == Decimal("50000")


# --- other processes -----------------------------------------------------------------------
def test_reads_come_from_the_process_copy_until_the_version_stamp_changes(
    django_assert_num_queries,
):
    assert accessors.pool_return_days() == 30
    with django_assert_num_queries(0):
        assert accessors.pool_return_days() == 30  # no query: the process's copy
    # another process saves a rule: its row, then a new stamp in the shared cache
    Rule.objects.create(key="POOL_RETURN_DAYS", value=45)
    with django_assert_num_queries(0):
        assert accessors.pool_return_days() == 30  # the stamp is unchanged: still the copy
    store._cache().set(store.VERSION_KEY, "from-another-process", None)
    assert accessors.pool_return_days() == 30  # checked once per request or task
    store.recheck()  # the next request or task begins
    assert accessors.pool_return_days() == 45


def test_each_request_checks_the_stamp_once():
    from django.core.signals import request_started
    from django.db import close_old_connections

    assert accessors.pool_return_days() == 30
    Rule.objects.create(key="POOL_RETURN_DAYS", value=45)
    store._cache().set(store.VERSION_KEY, "from-another-process", None)
    # What Django sends when a request comes in, without its receiver that closes the
    # database connection (the test's transaction lives on it).
    request_started.disconnect(close_old_connections)
    try:
        request_started.send(sender=None)
    finally:
        request_started.connect(close_old_connections)
    assert accessors.pool_return_days() == 45


def test_a_task_checks_the_stamp_when_it_starts():
    from celery.signals import task_prerun

    assert accessors.pool_return_days() == 30
    Rule.objects.create(key="POOL_RETURN_DAYS", value=45)
    store._cache().set(store.VERSION_KEY, "from-another-process", None)
    assert accessors.pool_return_days() == 30
    task_prerun.send(sender=None, task_id="t", task=None, args=(), kwargs={})
    assert accessors.pool_return_days() == 45


def test_a_long_running_process_checks_again_after_a_second(monkeypatch):
    assert accessors.pool_return_days() == 30
    Rule.objects.create(key="POOL_RETURN_DAYS", value=45)
    store._cache().set(store.VERSION_KEY, "from-another-process", None)
    later = store.time.monotonic() + store.RECHECK_SECONDS + 0.1
    monkeypatch.setattr(store.time, "monotonic", lambda: later)
    assert accessors.pool_return_days() == 45


def test_a_lost_stamp_reloads(django_assert_num_queries):
    assert accessors.pool_return_days() == 30
    Rule.objects.create(key="POOL_RETURN_DAYS", value=45)
    store._cache().delete(store.VERSION_KEY)  # evicted, or the cache server restarted
    store.recheck()
    assert accessors.pool_return_days() == 45


def test_defaults_come_from_the_settings_file(settings):
    settings.LTC = {**settings.LTC, "POOL_DAILY_CLAIM_LIMIT": 9}
    assert accessors.pool_daily_claim_limit() == 9
    assert specs.default("POOL_DAILY_CLAIM_LIMIT") == 9
