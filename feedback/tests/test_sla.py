"""The business-time arithmetic of feedback/sla.py, tested as properties over time."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from feedback.sla import (
    Calendar,
    active_intervals,
    add_business_time,
    business_time_between,
    business_time_in,
)

TZ = ZoneInfo("Asia/Shanghai")
CAL = Calendar(
    start=datetime.time(9, 0),
    end=datetime.time(18, 0),
    weekdays=frozenset({0, 1, 2, 3, 4}),
    holidays=frozenset({datetime.date(2026, 10, 1), datetime.date(2026, 10, 2)}),
    tz=TZ,
)
# A calendar in a zone with daylight saving, to check instants are compared in UTC.
CAL_DST = Calendar(tz=ZoneInfo("Europe/Berlin"))
H = datetime.timedelta(hours=1)
ZERO = datetime.timedelta(0)


def at(*args):
    return datetime.datetime(*args, tzinfo=TZ)


instants = st.datetimes(
    min_value=datetime.datetime(2026, 9, 1),
    max_value=datetime.datetime(2027, 1, 31),
    timezones=st.just(TZ),
)
calendars = st.sampled_from([CAL, CAL_DST])
durations = st.timedeltas(min_value=ZERO, max_value=datetime.timedelta(days=20))


# --- examples ------------------------------------------------------------------------------
def test_within_one_day():
    assert business_time_between(at(2026, 11, 2, 10), at(2026, 11, 2, 12, 30), CAL) == 2.5 * H


def test_overnight_counts_only_business_hours():
    # Monday 17:00 → Tuesday 10:00: one hour Monday, one hour Tuesday.
    assert business_time_between(at(2026, 11, 2, 17), at(2026, 11, 3, 10), CAL) == 2 * H


def test_weekend_and_holiday_do_not_count():
    # Friday 17:00 → Monday 10:00 = 2h.
    assert business_time_between(at(2026, 11, 6, 17), at(2026, 11, 9, 10), CAL) == 2 * H
    # Wed 30 Sep 17:00 → Mon 5 Oct 10:00: Thu/Fri are holidays.
    assert business_time_between(at(2026, 9, 30, 17), at(2026, 10, 5, 10), CAL) == 2 * H


def test_add_skips_nights_weekends_and_holidays():
    assert add_business_time(at(2026, 11, 6, 17), 2 * H, CAL) == at(2026, 11, 9, 10)
    assert add_business_time(at(2026, 9, 30, 17, 30), H, CAL) == at(2026, 10, 5, 9, 30)
    # Starting outside business hours: the clock starts at the next opening.
    assert add_business_time(at(2026, 11, 7, 12), H, CAL) == at(2026, 11, 9, 10)


def test_needs_aware_datetimes_and_a_working_calendar():
    with pytest.raises(ValueError):
        business_time_between(datetime.datetime(2026, 1, 1), datetime.datetime(2026, 1, 2), CAL)
    with pytest.raises(ValueError):
        Calendar(start=datetime.time(18), end=datetime.time(9))
    no_days = Calendar(weekdays=frozenset(), tz=TZ)
    with pytest.raises(ValueError):
        add_business_time(at(2026, 11, 2, 10), H, no_days)


def test_active_intervals_pause_while_waiting():
    created = at(2026, 11, 2, 9)
    changes = [
        (at(2026, 11, 2, 10), "in_progress"),
        (at(2026, 11, 2, 11), "waiting_on_customer"),
        (at(2026, 11, 2, 15), "in_progress"),
        (at(2026, 11, 2, 16), "resolved"),
    ]
    intervals = active_intervals(
        created, changes, initial="open", running={"open", "in_progress"}, until=at(2026, 11, 3, 9)
    )
    assert intervals == [
        (at(2026, 11, 2, 9), at(2026, 11, 2, 10)),
        (at(2026, 11, 2, 10), at(2026, 11, 2, 11)),
        (at(2026, 11, 2, 15), at(2026, 11, 2, 16)),
    ]
    assert business_time_in(intervals, CAL) == 3 * H


# --- properties ------------------------------------------------------------------------------
@settings(max_examples=150, deadline=None)
@given(calendars, instants, instants, instants)
def test_monotonic_in_the_end(calendar, start, end1, end2):
    lo, hi = sorted([end1, end2])
    assert business_time_between(start, lo, calendar) <= business_time_between(start, hi, calendar)


@settings(max_examples=150, deadline=None)
@given(calendars, instants, instants, instants)
def test_additive_over_split_points(calendar, a, b, c):
    a, b, c = sorted([a, b, c])
    total = business_time_between(a, c, calendar)
    assert total == business_time_between(a, b, calendar) + business_time_between(b, c, calendar)


@settings(max_examples=150, deadline=None)
@given(calendars, instants, instants)
def test_never_more_than_wall_clock_and_never_negative(calendar, a, b):
    measured = business_time_between(a, b, calendar)
    assert ZERO <= measured <= max(b - a, ZERO)


@settings(max_examples=150, deadline=None)
@given(instants, st.integers(min_value=0, max_value=14 * 60 - 1))
def test_zero_inside_non_business_intervals(start_day, minutes):
    # From 18:00 to 09:00 the next morning (on a business day) nothing counts; whole weekend
    # days and holidays neither.
    evening = datetime.datetime.combine(start_day.date(), datetime.time(18), tzinfo=TZ)
    later = evening + datetime.timedelta(minutes=minutes)
    assert later <= evening + datetime.timedelta(hours=15)
    assert business_time_between(evening, later, CAL) == ZERO
    saturday = at(2026, 11, 7) + datetime.timedelta(minutes=minutes)
    assert business_time_between(at(2026, 11, 7), saturday, CAL) == ZERO
    holiday = at(2026, 10, 1) + datetime.timedelta(minutes=minutes)
    assert business_time_between(at(2026, 10, 1), holiday, CAL) == ZERO


@settings(max_examples=150, deadline=None)
@given(calendars, instants, durations)
def test_add_then_measure_gives_the_duration(calendar, start, duration):
    end = add_business_time(start, duration, calendar)
    assert end >= start
    assert business_time_between(start, end, calendar) == duration


@settings(max_examples=150, deadline=None)
@given(calendars, instants, instants)
def test_measure_then_add_lands_at_or_before_the_end(calendar, a, b):
    start, end = sorted([a, b])
    spent = business_time_between(start, end, calendar)
    landed = add_business_time(start, spent, calendar)
    assert landed <= end
    # Nothing business-like lies between where it landed and the end.
    assert business_time_between(landed, end, calendar) == ZERO


@settings(max_examples=100, deadline=None)
@given(calendars, instants, durations, durations)
def test_add_is_additive(calendar, start, d1, d2):
    step = add_business_time(add_business_time(start, d1, calendar), d2, calendar)
    direct = add_business_time(start, d1 + d2, calendar)
    if d2 > ZERO:
        assert step == direct
    else:
        assert step >= direct


@settings(max_examples=100, deadline=None)
@given(
    instants,
    st.lists(
        st.tuples(
            st.timedeltas(min_value=ZERO, max_value=datetime.timedelta(days=2)),
            st.sampled_from(["open", "in_progress", "waiting_on_customer", "resolved"]),
        ),
        max_size=8,
    ),
    st.timedeltas(min_value=ZERO, max_value=datetime.timedelta(days=20)),
)
def test_paused_clock_never_exceeds_the_unpaused_one(created, steps, horizon):
    changes, moment = [], created
    for gap, state in steps:
        moment += gap
        changes.append((moment, state))
    until = created + horizon
    assume(until >= created)
    paused = business_time_in(
        active_intervals(
            created, changes, initial="open", running={"open", "in_progress"}, until=until
        ),
        CAL,
    )
    assert ZERO <= paused <= business_time_between(created, until, CAL)
    # With every state running, the intervals cover [created, until] exactly.
    full = business_time_in(
        active_intervals(
            created,
            changes,
            initial="open",
            running={"open", "in_progress", "waiting_on_customer", "resolved"},
            until=until,
        ),
        CAL,
    )
    assert full == business_time_between(created, until, CAL)


@pytest.mark.django_db
def test_the_breach_notice_to_the_account_owner_is_written_in_the_readers_language():
    from django.utils import translation

    from customers.tests.factories import AccountFactory
    from feedback.services import ticket_breach
    from feedback.tests.factories import ticket_in
    from notifications.models import Notification, UserLanguage
    from roles.tests.factories import user_with

    owner = user_with("sales")
    UserLanguage.objects.create(user=owner, language="zh-hans")
    ticket = ticket_in("open", account=AccountFactory(owner=owner))
    with translation.override("en"):  # the task runs in the site's language
        assert ticket_breach(ticket=ticket, target="first_response", escalate=False)
    notice = Notification.objects.get(recipient=owner, key__startswith="account-flag:")
    with translation.override("zh-hans"):
        assert "未达到首次响应目标" in notice.display_body
    with translation.override("en"):
        assert "missed its first response target" in notice.display_body
