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


def test_leads_list_two_rows_disqualified_with_the_reason_the_bar_asks_for(
    browser,  # noqa: F811
    live_server,
):
    """Marketing ticks two leads, chooses "Disqualify": the bar swaps in the reason it needs
    (htmx); Run without it is held by the browser; with it, both leads are disqualified and
    the third, unticked, is left as it was."""
    from leads.models import Lead
    from leads.tests.factories import LeadFactory

    user_with("marketing", username="mei")
    user_with("sales", username="wei")  # someone to assign leads to
    picked = [LeadFactory(name=f"Picked lead {i}") for i in range(2)]
    left = LeadFactory(name="Left lead")

    page = _page(browser, live_server)
    _login(page, live_server, "mei")
    page.goto(f"{live_server.url}/leads/")
    bar = page.locator("[data-testid=bulk-bar]")
    assert bar.locator("#bulk-assign").count() == 1 and bar.locator("#round-robin").count() == 1
    for lead in picked:
        page.check(f"input[name=ids][value='{lead.pk}']")
    assert page.inner_text("[data-bulk-count]") == "2"
    page.select_option("#bulk-transition", "disqualify")
    reason = page.locator("#bulk-fields [name=reason]")
    reason.wait_for()  # swapped in by htmx for the transition chosen
    page.click("#bulk-run")
    assert page.url == f"{live_server.url}/leads/"  # the browser holds the form: reason required
    reason.fill("No budget this year")
    page.click("#bulk-run")
    page.wait_for_url(re.compile(r"/bulk/leads/$"))
    assert "2 of 2 done." in page.inner_text("h1")
    table = page.locator("[data-testid=bulk-results]")
    for lead in picked:
        assert table.locator(f"tr[data-record='{lead.pk}'][data-ok='1']").count() == 1
    states = dict(Lead.objects.values_list("pk", "status"))
    assert [states[x.pk] for x in picked] == ["disqualified", "disqualified"]
    assert states[left.pk] == "new"
    reasons = Lead.objects.filter(pk__in=[x.pk for x in picked]).values_list(
        "disqualify_reason", flat=True
    )
    assert set(reasons) == {"No budget this year"}
    assert page.outside_requests == []
