"""The managers' KPI dashboard in a real browser: every chart is drawn by the vendored chart
library from the same numbers as the table under it, in English and Chinese, on a laptop
and on a phone, with no console errors and nothing fetched from elsewhere."""

import datetime
from decimal import Decimal

import pytest

from kpis.rollup import rollup
from kpis.tests.factories import DAYS, build_world
from tests.browser.test_smoke import SHOTS, _login, _page, browser, role_groups  # noqa: F401

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

QUERY = "period=month&at=2026-03-01&currency=CNY"

# For each chart on the page: the library's own chart object (labels and dataset values as
# drawn) and the table under the canvas, read cell by cell. The table has a row per label
# and a column per data series.
READ_CHARTS = """() => [...document.querySelectorAll('canvas[data-kpi-chart]')].map(c => {
  const chart = Chart.getChart(c);
  const id = c.dataset.kpiChart;
  const table = document.querySelector(`[data-testid="chart-table-${id}"]`);
  const rows = [...table.querySelectorAll('tbody tr')]
    .filter(tr => tr.querySelector('th'))
    .map(tr => [...tr.querySelectorAll('td')].map(td => td.textContent.trim()));
  return {
    id,
    drawn: !!chart,
    width: c.getBoundingClientRect().width,
    height: c.getBoundingClientRect().height,
    labels: chart ? chart.data.labels.map(String) : [],
    series: chart ? chart.data.datasets.map(d => d.label) : [],
    datasets: chart ? chart.data.datasets.map(d => d.data) : [],
    rowLabels: [...table.querySelectorAll('tbody tr th')].map(th => th.textContent.trim()),
    headers: [...table.querySelectorAll('thead th')].slice(1).map(th => th.textContent.trim()),
    rows,
  };
})"""


def _cell(text: str):
    """A table cell as the number it shows ("—" is no value; separators are dropped)."""
    if text in ("—", ""):
        return None
    return Decimal(text.replace(",", ""))


def _drawn(value):
    return None if value is None else Decimal(str(value))


def _assert_charts_match_tables(charts):
    assert len(charts) >= 5
    drawn_values = 0
    for chart in charts:
        assert chart["drawn"], f"chart {chart['id']} was not drawn"
        assert chart["width"] > 100 and chart["height"] > 100, chart["id"]
        assert chart["series"] == chart["headers"], chart["id"]
        assert chart["labels"] == chart["rowLabels"], chart["id"]
        assert len(chart["rows"]) == len(chart["labels"]), chart["id"]
        for i, cells in enumerate(chart["rows"]):
            shown = [_cell(c) for c in cells]
            drawn = [_drawn(series[i]) for series in chart["datasets"]]
            assert len(shown) == len(drawn), chart["id"]
            for s, d in zip(shown, drawn, strict=True):
                if d is None:
                    assert s is None, chart["id"]
                    continue
                # The table rounds to two places; the chart draws the exact figure.
                assert abs(s - d) < Decimal("0.01"), (chart["id"], s, d)
                drawn_values += d != 0
    # The world has bookings, collections, won deals and answers in March: real figures.
    assert drawn_values >= 5


@pytest.fixture
def world():
    data = build_world()
    rollup(DAYS[0], DAYS[-1], today=DAYS[-1] + datetime.timedelta(days=30))
    return data


@pytest.mark.parametrize(
    "language,phone",
    [("en", False), ("zh-hans", True)],
    ids=["english-laptop", "chinese-phone"],
)
def test_manager_sees_drawn_charts_with_their_numbers(browser, live_server, world, language, phone):  # noqa: F811
    page = _page(browser, live_server, phone=phone)
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.context.add_cookies(
        [{"name": "django_language", "value": language, "url": live_server.url}]
    )
    _login(page, live_server, world["manager"].username)
    page.goto(f"{live_server.url}/kpis/?{QUERY}")
    page.wait_for_function(
        "() => [...document.querySelectorAll('canvas[data-kpi-chart]')]"
        ".every(c => window.Chart && Chart.getChart(c))"
    )
    assert page.inner_text("main h1").strip() == ("KPI" if language == "zh-hans" else "KPIs")
    assert ("环比" in page.inner_text("[data-testid=kpi-overview]")) is True
    _assert_charts_match_tables(page.evaluate(READ_CHARTS))

    if phone:
        # Nothing widens the page beyond the phone's screen.
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, width
    page.screenshot(path=str(SHOTS / f"kpis-{language}.png"), full_page=True)
    assert errors == []
    assert page.outside_requests == []
