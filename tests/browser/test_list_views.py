"""Saved list views in a real browser: a marketer picks and orders the lead list's columns
(the chooser reorders with htmx), sorts by score, saves it as her default view, and the list
opens with it next time; Reset shows the plain list."""

import re

import pytest

from leads.tests.factories import LeadFactory
from listviews.models import SavedView
from roles.tests.factories import user_with
from tests.browser.test_smoke import SHOTS, _login, _page, browser, role_groups  # noqa: F401

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def _headers(page) -> list[str]:
    return page.locator("[data-testid=lead-table] thead th[data-col]").evaluate_all(
        "ths => ths.map(th => th.dataset.col)"
    )


def test_save_a_view_with_chosen_columns_and_reopen_the_list(browser, live_server):  # noqa: F811
    user_with("marketing", username="mei")
    LeadFactory(name="Cold lead", score=10, email="cold@example.com")
    LeadFactory(name="Hot lead", score=95, email="hot@example.com")
    LeadFactory(name="Warm lead", score=50, email="warm@example.com")

    page = _page(browser, live_server)
    _login(page, live_server, "mei")
    page.goto(f"{live_server.url}/leads/")
    assert _headers(page) == ["name", "status", "source", "owner", "score", "created"]

    # Columns: drop source, owner and created; add email; move score then email up (htmx).
    page.click("#columns-toggle")
    for key in ("source", "owner", "created"):
        page.uncheck(f"#col-{key}")
    page.check("#col-email")
    page.click("[data-testid=col-up-score]")
    page.wait_for_selector("[data-testid=col-up-email]")  # the chooser came back re-ordered
    page.click("[data-testid=col-up-email]")
    page.wait_for_function(
        "() => [...document.querySelectorAll('#column-chooser-list input:checked')]"
        ".map(i => i.value).join() === 'name,score,email,status'"
    )
    page.click("#apply-columns")
    page.wait_for_url(re.compile(r"cols=name&cols=score&cols=email&cols=status"))
    assert _headers(page) == ["name", "score", "email", "status"]

    # Sort by score, highest first (the header link: ascending, then descending).
    page.click("th[data-col=score] a")
    page.wait_for_url(re.compile(r"sort=score"))
    page.click("th[data-col=score] a")
    page.wait_for_url(re.compile(r"sort=-score"))
    rows = page.locator("[data-testid=lead-table] tbody tr .cell-main").all_inner_texts()
    assert rows == ["Hot lead", "Warm lead", "Cold lead"]

    # Save as the default view.
    page.click("#views-toggle")
    page.screenshot(path=str(SHOTS / "list-view-menu.png"))
    page.fill("#listview-name", "Best first")
    page.check("#listview-default")
    page.click("#save-view")
    page.wait_for_url(re.compile(r"view=\d+"))
    view = SavedView.objects.get()
    assert (view.name, view.sort, view.columns) == (
        "Best first",
        "-score",
        ["name", "score", "email", "status"],
    )
    assert "Best first" in page.inner_text("#views-toggle")

    # Opening the list again opens the view.
    page.goto(f"{live_server.url}/leads/")
    page.wait_for_url(re.compile(r"view=\d+"))
    assert _headers(page) == ["name", "score", "email", "status"]
    rows = page.locator("[data-testid=lead-table] tbody tr .cell-main").all_inner_texts()
    assert rows == ["Hot lead", "Warm lead", "Cold lead"]
    page.screenshot(path=str(SHOTS / "list-view-leads.png"), full_page=True)

    # Reset: the plain list.
    page.click("#views-toggle")
    page.click("[data-testid=view-reset]")
    page.wait_for_url(re.compile(r"view=0"))
    assert _headers(page) == ["name", "status", "source", "owner", "score", "created"]
    assert page.outside_requests == []
