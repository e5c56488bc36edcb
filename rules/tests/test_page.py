"""The business rules page: who may open it, each rule's validation (a refused value leaves
the old one in force), and the change log."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from roles.tests.factories import UserFactory, user_with
from rules import accessors, specs
from rules.models import Rule, RuleChange
from rules.services import save_rules
from rules.tests.helpers import URL, calendar_data, post_section, section_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def manager(client):
    user = user_with("manager", username="boss")
    client.force_login(user)
    return user


@pytest.mark.parametrize(
    "role", ["sales", "sales_support", "marketing", "operations", "finance", "service"]
)
def test_other_roles_get_403_and_change_nothing(client, role):
    client.force_login(user_with(role))
    assert client.get(URL).status_code == 403
    response = post_section(client, "discounts", QUOTE_DISCOUNT_MANAGER_PCT="50")
    assert response.status_code == 403
    assert accessors.discount_gates()[0].above_pct == Decimal("10")
    assert not RuleChange.objects.exists()


def test_anonymous_is_sent_to_log_in(client):
    response = client.get(URL)
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_the_service_refuses_a_wrong_role_too():
    with pytest.raises(PermissionDenied):
        save_rules(user=user_with("finance"), values={"POOL_RETURN_DAYS": 5})
    assert accessors.pool_return_days() == 30


def test_manager_and_admin_open_it_and_it_says_changes_apply_from_now_on(client, manager):
    response = client.get(URL)
    assert response.status_code == 200
    assert b'data-testid="applies-from-now"' in response.content
    assert "A change applies to records from then on" in response.content.decode()
    client.force_login(UserFactory(is_superuser=True))
    assert client.get(URL).status_code == 200


def test_manager_sees_the_link_in_the_navigation(client, manager):
    assert f'href="{URL}"'.encode() in client.get("/").content
    client.force_login(user_with("sales"))
    assert f'href="{URL}"'.encode() not in client.get("/").content


BAD = [
    ("discounts", "QUOTE_DISCOUNT_MANAGER_PCT", "150", "less than or equal to 100"),
    ("discounts", "QUOTE_DISCOUNT_MANAGER_PCT", "-1", "greater than or equal to 0"),
    ("discounts", "QUOTE_DISCOUNT_FINANCE_PCT", "5", "second gate may not be below the first"),
    ("discounts", "QUOTE_DISCOUNT_MANAGER_SIGNERS", [], "This field is required"),
    ("discounts", "QUOTE_DISCOUNT_MANAGER_SIGNERS", ["sales"], "Select a valid choice"),
    ("quotes", "CONTRACT_VALUE_THRESHOLD", "-5", "greater than or equal to 0"),
    ("quotes", "QUOTE_VALIDITY_DAYS", "0", "greater than or equal to 1"),
    ("quotes", "DEFAULT_CURRENCY", "XYZ", "Select a valid choice"),
    ("quotes", "TAX_RATES", "13, 150", "between 0 and 100"),
    ("quotes", "TAX_RATES", "13, 13", "given twice"),
    ("quotes", "TAX_RATES", "13, abc", "is not a number"),
    ("quotes", "DEFAULT_TAX_RATE", "7", "Pick one of the tax rates offered"),
    ("sla", "SLA__urgent__first_response_hours", "-1", "greater than or equal to 0.01"),
    ("sla", "SLA__low__resolution_hours", "0", "greater than or equal to 0.01"),
    ("sla", "SLA__high__first_response_hours", "20", "may not take longer than the resolution"),
    ("hours", "BUSINESS_HOURS__end", "08:00", "must end after they start"),
    ("hours", "BUSINESS_HOURS__start", "25:00", "Enter a valid time"),
    ("hours", "BUSINESS_HOURS__weekdays", [], "This field is required"),
    ("collections", "DUNNING_DAYS", "3, -10", "between 1 and 365"),
    ("collections", "DUNNING_DAYS", "3, ten", "is not a number"),
    ("collections", "DUNNING_DAYS", "", "This field is required"),
    ("collections", "POOL_RETURN_DAYS", "0", "greater than or equal to 1"),
    ("collections", "POOL_DAILY_CLAIM_LIMIT", "-1", "greater than or equal to 0"),
    ("handoffs", "HANDOFF_TARGET_HOURS__lead_first_touch", "0", "greater than or equal to 0.1"),
    ("handoffs", "HANDOFF_ESCALATE_FACTORS__lead_first_touch", "0.5", "greater than or equal to 1"),
    ("pipeline", "STAGE_PROBABILITY__proposal", "101", "less than or equal to 100"),
    ("pipeline", "STAGE_PROBABILITY__proposal", "-3", "greater than or equal to 0"),
]


@pytest.mark.parametrize(("slug", "field", "value", "message"), BAD)
def test_a_value_out_of_range_is_refused_and_the_old_value_stays(
    client, manager, slug, field, value, message
):
    before = {spec.key: specs.current(spec.key) for spec in specs.section(slug).specs}
    response = post_section(client, slug, **{field: value})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Rule.objects.filter(key__in=before).exists()
    assert not RuleChange.objects.exists()
    assert {key: specs.current(key) for key in before} == before


BAD_CALENDARS = [
    (calendar_data(2026, "2026-10-01\n2026-13-01"), "“2026-13-01” is not a date"),
    (calendar_data(2026, "2026-10-01\nOct 2"), "“Oct” is not a date"),
    (calendar_data(2026, "2027-01-01"), "2027-01-01 is not in 2026"),
    (calendar_data(2026, "2026-10-10", "2026-10-10"), "both a holiday and a working day"),
    (calendar_data(2026, "", "2026-10-09"), "2026-10-09 is a working weekday already"),
    (calendar_data(1900, "", "", new=True), "greater than or equal to 2000"),
]


@pytest.mark.parametrize(("data", "message"), BAD_CALENDARS)
def test_a_bad_holiday_calendar_is_refused_and_the_old_one_stays(client, manager, data, message):
    before = accessors.calendar_year(2026)
    response = client.post(URL, data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert accessors.calendar_year(2026) == before
    assert not RuleChange.objects.exists()


def test_a_change_is_saved_logged_and_listed(client, manager):
    response = post_section(client, "collections", DUNNING_DAYS="30, 7", POOL_DAILY_CLAIM_LIMIT="8")
    assert response.status_code == 302
    assert accessors.dunning_days() == [7, 30]
    assert accessors.pool_daily_claim_limit() == 8
    changes = {c.key: c for c in RuleChange.objects.all()}
    assert set(changes) == {"DUNNING_DAYS", "POOL_DAILY_CLAIM_LIMIT"}  # unchanged ones: no entry
    dunning = changes["DUNNING_DAYS"]
    assert (dunning.old_value, dunning.new_value, dunning.changed_by) == (
        [3, 10, 30],
        [7, 30],
        manager,
    )
    assert dunning.changed_at is not None

    page = client.get(URL).content.decode()
    log = page[page.index('data-testid="rule-changes"') :]
    assert "Remind customers of an invoice at (days past due)" in log
    assert "[3, 10, 30]" in log and "[7, 30]" in log and "boss" in log

    # saving the same values again changes and records nothing
    assert post_section(client, "collections").status_code == 302
    assert RuleChange.objects.count() == 2


def test_a_second_change_logs_the_first_change_as_its_old_value(client, manager):
    post_section(client, "quotes", QUOTE_VALIDITY_DAYS="45")
    post_section(client, "quotes", QUOTE_VALIDITY_DAYS="60")
    assert list(
        RuleChange.objects.filter(key="QUOTE_VALIDITY_DAYS")
        .order_by("pk")
        .values_list("old_value", "new_value")
    ) == [(30, 45), (45, 60)]
    assert accessors.quote_validity_days() == 60


def test_the_log_is_one_query_whatever_its_length(client, manager, django_assert_max_num_queries):
    from rules.selectors import recent_changes

    for days in range(1, 4):
        save_rules(user=manager, values={"POOL_RETURN_DAYS": days})
    with django_assert_max_num_queries(1):
        assert len([c.changed_by.username for c in recent_changes()]) == 3
    for days in range(4, 30):
        save_rules(user=manager, values={"POOL_RETURN_DAYS": days})
    with django_assert_max_num_queries(1):
        assert len([c.changed_by.username for c in recent_changes(limit=20)]) == 20


def test_every_section_saves_its_defaults_unchanged(client, manager):
    for section in specs.sections():
        assert client.post(URL, section_data(section.slug)).status_code == 302, section.slug
    assert not RuleChange.objects.exists()


def test_the_service_takes_only_known_rules(manager):
    with pytest.raises(LookupError):
        save_rules(user=manager, values={"SECRET_KEY": "x"})
    with pytest.raises(LookupError):
        save_rules(user=manager, values={"CALENDAR.1066": {"holidays": [], "workdays": []}})
