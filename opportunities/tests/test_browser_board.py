"""The pipeline board in a real browser (headless Chromium through Playwright): an illegal drag
is refused with the reason and the card goes back; a legal one moves the deal."""

import os

import pytest

from opportunities.models import Opportunity
from opportunities.tests.factories import OpportunityFactory
from roles.tests.factories import user_with
from tests.browser.test_smoke import _login, _page, browser, role_groups  # noqa: F401

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def drag(page, source: str, target: str):
    """Drag with the mouse, in steps, as a person would (the board uses Sortable's fallback)."""
    box = page.locator(source).bounding_box()
    goal = page.locator(target).bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.down()
    x, y = goal["x"] + goal["width"] / 2, goal["y"] + min(goal["height"] / 2, 40)
    page.mouse.move(x, y, steps=15)
    page.mouse.move(x + 2, y + 2, steps=3)
    page.mouse.up()


def test_board_drag_refused_then_allowed(browser, live_server):  # noqa: F811
    seller = user_with("sales", username="wei")
    opp = OpportunityFactory(owner=seller, name="明辉 MES")
    page = _page(browser, live_server)
    _login(page, live_server, "wei")
    page.goto(f"{live_server.url}/opportunities/board/")
    card = f"[data-testid=card-{opp.pk}]"
    assert page.locator(f".board-column[data-stage=qualification] {card}").count() == 1

    # qualification → won is no move of the state machine: refused, the card comes back
    drag(page, card, ".board-column[data-stage=won]")
    page.wait_for_selector("[data-testid=board-error]:not(.d-none)")
    assert "no move" in page.inner_text("[data-testid=board-error]").lower()
    assert page.locator(f".board-column[data-stage=qualification] {card}").count() == 1
    assert Opportunity.objects.get(pk=opp.pk).stage == "qualification"

    # qualification → needs analysis: the transition runs, the page reloads with the card moved
    with page.expect_navigation():
        drag(page, card, ".board-column[data-stage=needs_analysis]")
    assert page.locator(f".board-column[data-stage=needs_analysis] {card}").count() == 1
    assert Opportunity.objects.get(pk=opp.pk).stage == "needs_analysis"
    assert page.outside_requests == []
