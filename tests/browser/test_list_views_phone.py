"""Every shaped list on a phone (390 px wide): the Views menu (with a long view name) and the
Columns and Sort menus open inside the screen, without a horizontal scroll of their own, and the
page itself does not scroll sideways."""

import pytest

from customfields.models import FieldType
from customfields.tests.factories import define
from listviews.lists import registry
from listviews.services import view_save
from listviews.tests.test_every_list import ROWS
from roles.tests.factories import user_with
from tests.browser.test_smoke import SHOTS, _login, _page, browser, role_groups  # noqa: F401

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

WIDTH = 390
LONG = "Accounts in the eastern region with open invoices over ninety days"

MEASURE = """sel => {
  const menu = document.querySelector(sel);
  const box = menu.getBoundingClientRect();
  return {left: box.left, right: box.right, scroll: menu.scrollWidth, client: menu.clientWidth,
          page: document.documentElement.scrollWidth};
}"""


def _check(page, toggle, menu, shot):
    page.click(toggle)
    page.wait_for_selector(f"{menu}.show")
    page.screenshot(path=str(SHOTS / shot))
    got = page.evaluate(MEASURE, f"{menu}.show")
    page.keyboard.press("Escape")
    return got


def test_list_menus_fit_a_phone(browser, live_server):  # noqa: F811
    manager = user_with("manager", username="maya")
    define("account", "regional_sales_territory_code", FieldType.TEXT, in_list=True,
           label_en="Regional sales territory code for the eastern provinces")  # fmt: skip
    page = _page(browser, live_server, phone=True)
    _login(page, live_server, "maya")
    problems = []
    for name, spec in sorted(registry().items()):
        ROWS[name]()
        view_save(user=manager, list_name=name, name=LONG)
        page.goto(f"{live_server.url}{spec.url()}?view=0")
        for toggle, menu in (
            ("#views-toggle", ".listview-menu"),
            ("#columns-toggle", "#column-chooser"),
            ("#sort-toggle", "#sort-menu"),
        ):
            got = _check(page, toggle, menu, f"phone-{name}-{toggle[1:]}.png")
            # (a pixel's rounding allowed)
            if got["left"] < -1 or got["right"] > WIDTH + 1 or got["scroll"] > got["client"] + 1:
                problems.append((name, toggle, got))
            if got["page"] > WIDTH + 1:
                problems.append((name, toggle, "the page scrolls sideways", got["page"]))
    assert problems == [], problems


def test_a_phone_sorts_a_list_from_the_sort_menu(browser, live_server):  # noqa: F811
    """The table header (with its sort links) is hidden on a phone; the Sort menu sorts."""
    user_with("manager", username="maya")
    ascending = ["Alpha lead", "Beta lead", "Gamma lead"]
    for name in ascending:  # created in this order
        ROWS["leads"](name=name)
    page = _page(browser, live_server, phone=True)
    _login(page, live_server, "maya")
    page.goto(f"{live_server.url}{registry()['leads'].url()}?view=0")
    assert not page.is_visible("thead")
    for sort, expected in (("created", ascending), ("-created", ascending[::-1])):
        page.click("#sort-toggle")
        page.wait_for_selector("#sort-menu.show")
        page.click(f"#sort-menu a[href*='sort={sort}']")
        page.wait_for_url(f"**sort={sort}**")
        names = page.locator("[data-testid=lead-table] .cell-main").all_inner_texts()
        assert names == expected, sort
