"""A bulk action in a real browser: a salesperson selects every deal on the list page with
the header checkbox, runs "Analyse needs" on them, and reads one result per deal (the deal
already past that step is refused and left as it was)."""

import re

import pytest

from opportunities.models import Opportunity
from opportunities.tests.factories import OpportunityFactory, opportunity_in
from roles.tests.factories import user_with
from tests.browser.test_smoke import _login, _page, browser, role_groups  # noqa: F401

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_select_all_and_run_a_transition(browser, live_server):  # noqa: F811
    sales = user_with("sales", username="wei")
    fresh = [OpportunityFactory(owner=sales, name=f"Fresh deal {i}") for i in range(2)]
    late = opportunity_in("proposal", owner=sales, name="Later deal")

    page = _page(browser, live_server)
    _login(page, live_server, "wei")
    page.goto(f"{live_server.url}/opportunities/")
    run = page.locator("#bulk-run")
    assert run.is_disabled()  # nothing selected yet
    page.check("[data-bulk-all]")
    assert page.inner_text("[data-bulk-count]") == "3"
    assert run.is_enabled()
    page.select_option("#bulk-transition", "analyze")
    run.click()
    page.wait_for_url(re.compile(r"/bulk/opportunities/$"))

    table = page.locator("[data-testid=bulk-results]")
    assert "2 of 3 done." in page.inner_text("h1")
    for deal in fresh:
        assert table.locator(f"tr[data-record='{deal.pk}'][data-ok='1']").count() == 1
    refused = table.locator(f"tr[data-record='{late.pk}'][data-ok='0']")
    assert refused.count() == 1 and "not possible" in refused.inner_text()
    stages = dict(Opportunity.objects.values_list("pk", "stage"))
    assert [stages[d.pk] for d in fresh] == ["needs_analysis", "needs_analysis"]
    assert stages[late.pk] == "proposal"
    page.click("#bulk-back")
    page.wait_for_url(f"{live_server.url}/opportunities/")
    assert page.outside_requests == []
