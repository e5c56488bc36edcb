"""Business-time arithmetic for service-level targets: pure functions, no database (but
`Calendar.current()`, which reads the business rules).

A `Calendar` says when the clock runs: the working hours of each working weekday, minus
holidays, plus working weekend days (调休), in one time zone. `business_time_between` measures
how much working time lies between two instants; `add_business_time` finds the instant at which
a given amount of working time has passed. Both work on aware datetimes and compare in UTC,
so a daylight-saving change cannot add or lose an hour.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

ZERO = datetime.timedelta(0)
UTC = datetime.UTC
# add_business_time gives up after this many calendar days without enough working time.
MAX_DAYS = 3660


@dataclass(frozen=True)
class Calendar:
    start: datetime.time = datetime.time(9, 0)
    end: datetime.time = datetime.time(18, 0)
    weekdays: frozenset[int] = frozenset({0, 1, 2, 3, 4})
    holidays: frozenset[datetime.date] = field(default_factory=frozenset)
    # Days worked though not working weekdays (调休: a Saturday worked for a bridged holiday).
    workdays: frozenset[datetime.date] = field(default_factory=frozenset)
    tz: ZoneInfo = field(default_factory=lambda: ZoneInfo("Asia/Shanghai"))

    def __post_init__(self):
        if self.end <= self.start:
            raise ValueError("business hours must end after they start")

    @classmethod
    def current(cls) -> Calendar:
        """The calendar in force: business hours and each year's holidays and working
        weekend days, as set on the business rules page."""
        from django.conf import settings

        from rules import accessors

        hours = accessors.business_hours()
        holidays, workdays = accessors.holidays_and_workdays()
        return cls(
            start=hours.start,
            end=hours.end,
            weekdays=hours.weekdays,
            holidays=holidays,
            workdays=workdays,
            tz=ZoneInfo(settings.TIME_ZONE),
        )

    def is_business_day(self, day: datetime.date) -> bool:
        if day in self.workdays:
            return True
        return day.weekday() in self.weekdays and day not in self.holidays

    def window(self, day: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
        """The working hours of `day`, as UTC instants."""
        opens = datetime.datetime.combine(day, self.start, tzinfo=self.tz).astimezone(UTC)
        closes = datetime.datetime.combine(day, self.end, tzinfo=self.tz).astimezone(UTC)
        return opens, closes

    def windows_from(self, day: datetime.date) -> Iterator[tuple[datetime.datetime, ...]]:
        for offset in range(MAX_DAYS):
            current = day + datetime.timedelta(days=offset)
            if self.is_business_day(current):
                yield self.window(current)


def _utc(moment: datetime.datetime) -> datetime.datetime:
    if moment.tzinfo is None:
        raise ValueError("business-time arithmetic needs aware datetimes")
    return moment.astimezone(UTC)


def business_time_between(
    start: datetime.datetime, end: datetime.datetime, calendar: Calendar
) -> datetime.timedelta:
    """Working time in [start, end); zero if end is not after start."""
    start, end = _utc(start), _utc(end)
    if end <= start:
        return ZERO
    total = ZERO
    day = start.astimezone(calendar.tz).date() - datetime.timedelta(days=1)
    last = end.astimezone(calendar.tz).date() + datetime.timedelta(days=1)
    while day <= last:
        if calendar.is_business_day(day):
            opens, closes = calendar.window(day)
            lo, hi = max(opens, start), min(closes, end)
            if hi > lo:
                total += hi - lo
        day += datetime.timedelta(days=1)
    return total


def add_business_time(
    start: datetime.datetime, duration: datetime.timedelta, calendar: Calendar
) -> datetime.datetime:
    """The earliest instant at which `duration` of working time has passed since `start`."""
    start = _utc(start)
    if duration <= ZERO:
        return start
    remaining = duration
    first_day = start.astimezone(calendar.tz).date() - datetime.timedelta(days=1)
    for opens, closes in calendar.windows_from(first_day):
        lo = max(opens, start)
        if closes <= lo:
            continue
        available = closes - lo
        if remaining <= available:
            return lo + remaining
        remaining -= available
    raise ValueError("the calendar has no working time to add")


def active_intervals(
    created_at: datetime.datetime,
    changes: Iterable[tuple[datetime.datetime, str]],
    *,
    initial: str,
    running: Iterable[str],
    until: datetime.datetime,
) -> list[tuple[datetime.datetime, datetime.datetime]]:
    """The intervals, up to `until`, during which a record was in a state of `running`.

    `changes` are (when, new state) in time order, e.g. from the transition log; the record
    was in `initial` from `created_at`.
    """
    running = set(running)
    intervals = []
    state, since = initial, created_at
    for at, target in changes:
        at = min(at, until)
        if state in running and at > since:
            intervals.append((since, at))
        state, since = target, max(at, since)
    if state in running and until > since:
        intervals.append((since, until))
    return intervals


def business_time_in(
    intervals: Iterable[tuple[datetime.datetime, datetime.datetime]], calendar: Calendar
) -> datetime.timedelta:
    return sum((business_time_between(a, b, calendar) for a, b in intervals), ZERO)
