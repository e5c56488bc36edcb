"""The contract's payment-plan editor in a real browser: rows added and removed in place,
the remainder as you type, a percentage or an amount per row, and a 30/60/10 plan saved in
one go; a plan that does not sum is refused with the difference."""

import pytest

from contracts.tests.factories import draft_contract
from roles.tests.factories import user_with
from tests.browser.test_smoke import SHOTS, _login, _page, browser, role_groups  # noqa: F401

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_a_third_milestone_is_added_in_place_and_saved(browser, live_server):  # noqa: F811
    owner = user_with("sales", username="wei")
    contract = draft_contract(owner=owner, unit_price="10000.00")  # 100 % on signing
    page = _page(browser, live_server)
    _login(page, live_server, "wei")
    page.goto(f"{live_server.url}{contract.get_absolute_url()}")
    form = page.locator("#plan-form")
    rows = form.locator("[data-plan-row]")
    assert rows.count() == 2  # the milestone and one blank row
    remaining = form.locator("[data-plan-remaining]")
    assert remaining.inner_text() == "¥0.00"

    rows.nth(0).locator("input[name$='-name']").fill("Deposit")
    rows.nth(0).locator("[data-plan-percentage]").fill("30")
    assert remaining.inner_text() == "¥7,000.00"
    rows.nth(1).locator("input[name$='-name']").fill("On delivery")
    rows.nth(1).locator("[data-plan-percentage]").fill("60")
    rows.nth(1).locator("select[name$='-trigger']").select_option("on_delivery")
    assert remaining.inner_text() == "¥1,000.00"

    form.locator("[data-plan-add]").click()
    assert rows.count() == 3
    third = rows.nth(2)
    third.locator("input[name$='-name']").fill("Retention")
    third.locator("[data-plan-mode]").select_option("amount")
    third.locator("[data-plan-amount]").fill("1000")
    assert remaining.inner_text() == "¥0.00"
    assert third.locator("[data-plan-percentage]").is_hidden()
    # "On signing" is readable in the trigger dropdown, not cut
    trigger = rows.nth(0).locator("select[name$='-trigger']")
    assert trigger.evaluate("el => el.scrollWidth <= el.clientWidth + 1")
    page.screenshot(path=str(SHOTS / "ltc-browser-plan-editor.png"), full_page=True)

    # a fourth row added and removed again leaves the plan as it was
    form.locator("[data-plan-add]").click()
    rows.nth(3).locator("[data-plan-percentage]").fill("5")
    assert remaining.inner_text() == "-¥500.00"
    rows.nth(3).locator("[data-plan-remove]").click()
    assert rows.count() == 3 and remaining.inner_text() == "¥0.00"

    form.locator("button[type=submit]").click()
    page.wait_for_load_state()
    assert "Payment plan saved." in page.inner_text(".messages")
    milestones = list(contract.milestones.order_by("position"))
    assert [(m.name, str(m.amount), m.trigger) for m in milestones] == [
        ("Deposit", "3000.00", "on_signing"),
        ("On delivery", "6000.00", "on_delivery"),
        ("Retention", "1000.00", "on_signing"),
    ]
    assert milestones[2].percentage is None

    # a plan short of the total is refused and the page names the difference
    page.locator("#plan-form [data-plan-row]").nth(2).locator("[data-plan-remove]").click()
    page.locator("#plan-form button[type=submit]").click()
    page.wait_for_load_state()
    assert "difference 1000.00" in page.inner_text(".messages")
    assert page.locator("#plan-form [data-plan-row]").count() == 3  # as typed, to fix
    assert contract.milestones.count() == 3
    assert page.outside_requests == []
