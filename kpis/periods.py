"""Calendar arithmetic for KPI periods: months, quarters, years, buckets, comparisons."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

DAY = datetime.timedelta(days=1)
GROUPINGS = ("day", "week", "month", "quarter")


def month_start(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day-of-month `months` later (clamped to the month's last day)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    last = (datetime.date(year + (month == 12), month % 12 + 1, 1) - DAY).day
    return datetime.date(year, month, min(day.day, last))


def quarter_start(day: datetime.date) -> datetime.date:
    return datetime.date(day.year, (day.month - 1) // 3 * 3 + 1, 1)


def bucket(day: datetime.date, group_by: str) -> datetime.date:
    """The first day of the bucket `day` falls in."""
    if group_by == "day":
        return day
    if group_by == "week":
        return day - datetime.timedelta(days=day.weekday())
    if group_by == "month":
        return month_start(day)
    if group_by == "quarter":
        return quarter_start(day)
    raise ValueError(group_by)


def bucket_end(start: datetime.date, group_by: str) -> datetime.date:
    if group_by == "day":
        return start
    if group_by == "week":
        return start + datetime.timedelta(days=6)
    return add_months(start, 1 if group_by == "month" else 3) - DAY


def buckets(start: datetime.date, end: datetime.date, group_by: str) -> list[datetime.date]:
    out, current = [], bucket(start, group_by)
    while current <= end:
        out.append(current)
        current = bucket_end(current, group_by) + DAY
    return out


@dataclass(frozen=True)
class Period:
    start: datetime.date
    end: datetime.date  # inclusive

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def previous(self) -> Period:
        """The period just before, of the same shape (环比): the previous month, quarter or
        year when this is one, else the same number of days."""
        if self.start.day == 1 and (self.end + DAY).day == 1:
            months = (self.end + DAY).year * 12 + (self.end + DAY).month
            months -= self.start.year * 12 + self.start.month
            start = add_months(self.start, -months)
            return Period(start, self.start - DAY)
        return Period(self.start - datetime.timedelta(days=self.days), self.start - DAY)

    def year_ago(self) -> Period:
        """The same period a year earlier (同比)."""
        end = add_months(self.end, -12)
        if (self.end + DAY).day == 1:  # a month's last day stays the month's last day
            end = month_start(add_months(month_start(self.end), -11)) - DAY
        return Period(add_months(self.start, -12), end)


def named_period(kind: str, today: datetime.date) -> Period:
    """The current month, quarter or year containing `today`."""
    if kind == "quarter":
        start = quarter_start(today)
        return Period(start, add_months(start, 3) - DAY)
    if kind == "year":
        return Period(datetime.date(today.year, 1, 1), datetime.date(today.year, 12, 31))
    start = month_start(today)
    return Period(start, add_months(start, 1) - DAY)
