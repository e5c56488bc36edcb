"""The dashboard pages: drill-down adds up to the figure, scoping, "—" for empty previous
periods, attainment and coverage, exports escaped, bounded query counts."""

from __future__ import annotations

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from kpis import drill, selectors
from kpis.dashboard import overview, pipeline_coverage
from kpis.models import KpiSnapshot, Target
from kpis.periods import Period
from kpis.rollup import rollup
from roles.tests.factories import TeamFactory, user_with

from .factories import DAYS, build_world

pytestmark = pytest.mark.django_db
MARCH = Period(datetime.date(2026, 3, 1), datetime.date(2026, 3, 31))
QUERY = {"period": "month", "at": "2026-03-01"}


@pytest.fixture
def world():
    data = build_world()
    rollup(DAYS[0], DAYS[-1], today=DAYS[-1] + datetime.timedelta(days=30))
    return data


def client_for(user):
    c = Client()
    c.force_login(user)
    return c


def row_of(sections, key):
    return next(r for s in sections for r in s["rows"] if r["key"] == key)


DRILLED = ["bookings", "collected", "invoiced", "win_rate", "funnel_leads", "lead_conversion",
           "csat", "nps", "new_customers", "fulfilment_cycle", "on_time_delivery", "sla_breach",
           "collaboration", "handoff_ontime", "handoff_ontime:order_fulfilment"]  # fmt: skip


@pytest.mark.parametrize("who", ["manager", "s1", "s2"])
def test_drill_down_adds_up_to_the_figure(world, who):
    user = world["manager"] if who == "manager" else world["sales"][int(who[1]) - 1]
    for key in DRILLED:
        figure = selectors.total(user, key, MARCH, currency="CNY")
        rows = drill.rows_for(user, key, MARCH, currency="CNY")
        cur = "CNY" if selectors.get_metric(key).money else ""
        want = figure.get(cur, {"numerator": 0, "denominator": 0, "value": None})
        assert rows["numerator"] == want["numerator"], key
        assert rows["denominator"] == want["denominator"], key
        assert rows["value"] == want["value"], key
        if selectors.get_metric(key).kind in ("count", "amount", "ratio", "average"):
            assert rows["count"] == want["denominator"], key
    # and the page says the same
    page = client_for(user).get(reverse("kpis:drill"), {**QUERY, "metric": "bookings"})
    assert page.status_code == 200
    total = selectors.total(user, "bookings", MARCH, currency="CNY").get("CNY")
    if total:
        assert page.context["result"]["numerator"] == total["numerator"]


def test_balance_drill_down_lists_the_open_invoices_of_the_last_day(world):
    period = Period(DAYS[0], DAYS[-1])
    figure = selectors.total(world["manager"], "ar_open", period, currency="CNY")["CNY"]
    rows = drill.rows_for(world["manager"], "ar_open", period, currency="CNY")
    assert rows["numerator"] == figure["numerator"] > 0
    assert {r["day"] for r in rows["rows"]} == {DAYS[-1]}


def test_salesperson_page_shows_only_own_figures(world):
    s1, s2, s3 = world["sales"]
    for user, owners in ((s2, {s2.pk}), (s1, {s1.pk, s2.pk}), (s3, {s3.pk})):
        r = client_for(user).get(reverse("kpis:overview"), QUERY)
        assert r.status_code == 200
        leads = row_of(r.context["sections"], "funnel_leads")["value"]
        raw = KpiSnapshot.objects.filter(
            metric="funnel_leads", owner__in=owners, day__gte=MARCH.start, day__lte=MARCH.end
        )
        assert leads == sum(s.numerator for s in raw)
    r = client_for(s2).get(reverse("kpis:overview"), {**QUERY, "owner": s1.pk})
    assert r.status_code == 400 and r.context["error_field"] == "owner"
    r = client_for(s1).get(reverse("kpis:overview"), {**QUERY, "team": world["teams"][1].pk})
    assert r.status_code == 400 and r.context["error_field"] == "team"
    r = client_for(s1).get(reverse("kpis:drill"), {**QUERY, "metric": "nope"})
    assert r.status_code == 400 and r.context["error_field"] == "metric"


def test_empty_previous_period_shows_a_dash(world):
    r = client_for(world["manager"]).get(reverse("kpis:overview"), QUERY)
    bookings = row_of(r.context["sections"], "bookings")
    assert bookings["value"] > 0
    assert bookings["previous"] is None and bookings["change_previous"] is None
    html = r.content.decode()
    row = html[html.index('data-metric="bookings"') :]
    row = row[: row.index("</tr>")]
    assert row.count("—") == 4  # previous, change, a year earlier, change


def test_change_against_the_previous_period(world):
    user = world["manager"]
    april = Period(datetime.date(2026, 4, 1), datetime.date(2026, 4, 30))
    KpiSnapshot.objects.create(day=datetime.date(2026, 4, 2), owner=world["sales"][0],
                               metric="bookings", currency="CNY", numerator=Decimal("1000"),
                               denominator=1)  # fmt: skip
    march = row_of(overview(user, MARCH), "bookings")["value"]
    row = row_of(overview(user, april), "bookings")
    assert row["previous"] == march
    expected = ((Decimal("1000") - march) / march * 100).quantize(Decimal("0.1"))
    assert row["change_previous"] == {"value": expected, "unit": "%"}


def test_attainment_and_coverage(world):
    manager, s1 = world["manager"], world["sales"][0]
    Target.objects.create(owner=s1, period_kind="month", period_start=MARCH.start,
                          metric="bookings", value=Decimal("20000"), currency="CNY")  # fmt: skip
    Target.objects.create(owner=s1, period_kind="month", period_start=MARCH.start,
                          metric="new_customers", value=Decimal("4"))  # fmt: skip
    rows = {r["metric"]: r for r in selectors.attainment(manager, MARCH, owner=s1.pk)}
    booked = selectors.total(manager, "bookings", MARCH, owner=s1.pk)["CNY"]["numerator"]
    assert rows["bookings"]["actual"] == booked
    assert rows["bookings"]["attainment"] == (booked / 20000 * 100).quantize(Decimal("0.1"))
    assert rows["bookings"]["remaining"] == 20000 - booked
    won = selectors.total(manager, "new_customers", MARCH, owner=s1.pk)[""]["numerator"]
    assert rows["new_customers"]["attainment"] == (won / 4 * 100).quantize(Decimal("0.1"))
    KpiSnapshot.objects.create(day=datetime.date(2026, 3, 30), owner=s1, metric="pipeline",
                               currency="CNY", numerator=Decimal("4500"),
                               denominator=Decimal("9000"))  # fmt: skip
    cov = pipeline_coverage(manager, MARCH, owner=s1.pk, currency="CNY")
    assert cov["coverage"] == (Decimal("4500") / (20000 - booked)).quantize(Decimal("0.01"))
    # no target: no coverage, no division error
    assert pipeline_coverage(manager, MARCH, owner=world["sales"][2].pk)["coverage"] is None
    r = client_for(manager).get(reverse("kpis:overview"), {**QUERY, "owner": s1.pk})
    assert r.status_code == 200 and b'data-testid="attainment"' in r.content


def test_exports_escape_formulas(world):
    team = TeamFactory(name='=HYPERLINK("http://x")')
    lead = user_with("sales", username="@evil")
    team.members.add(lead)
    c = client_for(world["manager"])
    r = c.get(reverse("kpis:export", args=["csv"]), QUERY)
    assert r.status_code == 200
    text = r.content.decode()
    cells = [cell for row in csv.reader(io.StringIO(text)) for cell in row]
    assert all(not c.startswith(("=", "+", "@", "\t", "\r")) for c in cells if c)
    assert any("Bookings" in c for c in cells)
    r = c.get(reverse("kpis:export", args=["xlsx"]), QUERY)
    book = load_workbook(io.BytesIO(r.content))
    assert "Overview" in book.sheetnames
    for sheet in book.worksheets:
        for row in sheet.iter_rows(values_only=True):
            for cell in row:
                assert not (isinstance(cell, str) and cell.startswith(("=", "+", "-", "@")))
    from kpis.exports import safe

    assert safe("=1+1") == "'=1+1" and safe("-2") == "'-2" and safe("\tx") == "'\tx"
    assert safe(Decimal("-2")) == Decimal("-2")


def test_overview_query_count_does_not_grow_with_data(world, django_assert_max_num_queries):
    c = client_for(world["manager"])
    with django_assert_max_num_queries(45):
        assert c.get(reverse("kpis:overview"), QUERY).status_code == 200
    rollup(DAYS[0] - datetime.timedelta(days=60), DAYS[-1])  # more snapshots
    with django_assert_max_num_queries(45):
        assert (
            c.get(reverse("kpis:overview"), {"period": "year", "at": "2026-03-01"}).status_code
            == 200
        )


def test_drill_down_and_targets_pages_run_a_fixed_number_of_queries(
    world, django_assert_max_num_queries
):
    c = client_for(world["manager"])
    for metric in ("funnel_leads", "bookings", "ar_open", "handoff_ontime:order_fulfilment"):
        with django_assert_max_num_queries(25):
            r = c.get(reverse("kpis:drill"), {**QUERY, "metric": metric})
        assert r.status_code == 200
    for i in range(5):
        Target.objects.create(owner=world["sales"][i % 3], period_kind="month",
                              period_start=datetime.date(2026, i + 1, 1), metric="bookings",
                              value=Decimal("10"))  # fmt: skip
    with django_assert_max_num_queries(15):
        assert c.get(reverse("kpis:targets")).status_code == 200


def test_split_parts_are_named_in_words_in_the_readers_language():
    from django.utils import translation

    from kpis.dashboard import split_label

    with translation.override("zh-hans"):
        dwell = split_label("opportunities.quote.pending_approval", roles=True)
        handoff = split_label("order_fulfilment", roles=False)
    assert "pending_approval" not in dwell and "quote" not in dwell
    assert "待审批" in dwell or "审批" in dwell, dwell
    assert "经理" in dwell and "财务" in dwell, dwell
    assert handoff != "order_fulfilment" and not handoff.isascii(), handoff
    with translation.override("en"):
        assert split_label("opportunities.quote.pending_approval", roles=True).startswith(
            "Quote · "
        )
    assert split_label("gone.model.state", roles=True) == "gone.model.state"
