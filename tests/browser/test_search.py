"""Global search in a real browser: Ctrl+K focuses the top bar's box and hits appear as
the user types, in Chinese, limited to what the user may see."""

import pytest

from customers.tests.factories import AccountFactory
from leads.tests.factories import LeadFactory
from roles.tests.factories import user_with
from tests.browser.test_smoke import _login, _page, browser, role_groups  # noqa: F401

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_ctrl_k_and_type_ahead_in_chinese(browser, live_server):  # noqa: F811
    sales = user_with("sales", username="wei")
    other = user_with("sales", username="li")
    AccountFactory(name="上海明辉制造有限公司", owner=sales)
    LeadFactory(name="陈刚", company="明辉集团", owner=sales)
    LeadFactory(name="赵敏", company="明辉贸易", owner=other)

    page = _page(browser, live_server)
    _login(page, live_server, "wei")
    page.keyboard.press("Control+k")
    assert page.evaluate("document.activeElement.id") == "global-search"
    page.keyboard.type("明辉")
    page.wait_for_selector("#global-search-results .search-hit")
    results = page.inner_text("#global-search-results")
    assert "上海明辉制造有限公司" in results and "陈刚" in results
    assert "赵敏" not in results
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server.url}/search/?q=*")
    assert "陈刚" in page.inner_text("main")
    assert page.outside_requests == []
