"""Period-over-period and attainment arithmetic, including empty previous periods."""

import datetime
from decimal import Decimal

import pytest

from kpis import metrics
from kpis.dashboard import change
from kpis.periods import Period, named_period

D = datetime.date


@pytest.mark.parametrize(
    "period,previous,year_ago",
    [
        (Period(D(2026, 3, 1), D(2026, 3, 31)), Period(D(2026, 2, 1), D(2026, 2, 28)),
         Period(D(2025, 3, 1), D(2025, 3, 31))),
        (Period(D(2028, 3, 1), D(2028, 3, 31)), Period(D(2028, 2, 1), D(2028, 2, 29)),
         Period(D(2027, 3, 1), D(2027, 3, 31))),
        (Period(D(2026, 4, 1), D(2026, 6, 30)), Period(D(2026, 1, 1), D(2026, 3, 31)),
         Period(D(2025, 4, 1), D(2025, 6, 30))),
        (Period(D(2026, 1, 1), D(2026, 12, 31)), Period(D(2025, 1, 1), D(2025, 12, 31)),
         Period(D(2025, 1, 1), D(2025, 12, 31))),
        (Period(D(2028, 2, 1), D(2028, 2, 29)), Period(D(2028, 1, 1), D(2028, 1, 31)),
         Period(D(2027, 2, 1), D(2027, 2, 28))),
        (Period(D(2026, 3, 10), D(2026, 3, 19)), Period(D(2026, 2, 28), D(2026, 3, 9)),
         Period(D(2025, 3, 10), D(2025, 3, 19))),
    ],
)  # fmt: skip
def test_previous_and_year_ago(period, previous, year_ago):
    assert period.previous() == previous
    assert period.year_ago() == year_ago


def test_named_periods():
    day = D(2026, 8, 17)
    assert named_period("month", day) == Period(D(2026, 8, 1), D(2026, 8, 31))
    assert named_period("quarter", day) == Period(D(2026, 7, 1), D(2026, 9, 30))
    assert named_period("year", day) == Period(D(2026, 1, 1), D(2026, 12, 31))


def test_change_in_points_for_ratios_and_percent_otherwise():
    win = metrics.METRICS["win_rate"]
    bookings = metrics.METRICS["bookings"]
    assert change(win, Decimal("60"), Decimal("45.5")) == {"value": Decimal("14.5"), "unit": "pp"}
    assert change(bookings, Decimal("150"), Decimal("120")) == {
        "value": Decimal("25.0"),
        "unit": "%",
    }
    assert change(bookings, Decimal("90"), Decimal("-100"))["value"] == Decimal("190.0")


@pytest.mark.parametrize("now,before", [(Decimal("5"), None), (None, Decimal("5")),
                                        (Decimal("5"), Decimal("0"))])  # fmt: skip
def test_no_previous_figure_means_no_change(now, before):
    assert change(metrics.METRICS["bookings"], now, before) is None
