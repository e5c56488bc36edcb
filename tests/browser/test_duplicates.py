"""A duplicate warned before it is made, in a real browser: a second 上海明辉制造有限公司 is
shown the existing account and created only once the user confirms."""

import re

import pytest
from django.urls import reverse

from customers.models import Account
from customers.tests.factories import AccountFactory
from roles.tests.factories import user_with
from tests.browser.test_smoke import SHOTS, _login, _page, browser, role_groups  # noqa: F401

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_a_second_account_of_the_same_company_is_warned(browser, live_server):  # noqa: F811
    user_with("marketing", username="mei")
    existing = AccountFactory(name="上海明辉制造有限公司")
    page = _page(browser, live_server)
    _login(page, live_server, "mei")
    page.goto(f"{live_server.url}{reverse('customers:account-create')}")
    page.fill("#id_name", "上海明辉制造 股份有限公司")
    page.fill("#id_phone", "13800000000")
    page.click("form.form-card button[type=submit]")
    page.wait_for_load_state()
    warning = page.locator("[data-testid=duplicate-warning]")
    assert warning.is_visible()
    assert "上海明辉制造有限公司" in warning.inner_text()
    assert warning.locator(f"a[href='{existing.get_absolute_url()}']").count() == 1
    assert page.input_value("#id_name") == "上海明辉制造 股份有限公司"  # what was typed is kept
    assert Account.objects.count() == 1
    page.screenshot(path=str(SHOTS / "ltc-browser-duplicate-warning.png"), full_page=True)

    page.check("[data-testid=confirm-duplicate]")
    page.click("form.form-card button[type=submit]")
    page.wait_for_url(re.compile(r"/\d+/$"))
    assert "Account saved." in page.inner_text(".messages")
    assert Account.objects.count() == 2
    assert page.outside_requests == []


def test_a_bad_phone_is_shown_on_the_form(browser, live_server):  # noqa: F811
    user_with("marketing", username="mei")
    page = _page(browser, live_server, phone=True)
    _login(page, live_server, "mei")
    page.goto(f"{live_server.url}{reverse('customers:account-create')}")
    page.fill("#id_name", "Ningbo Port Tools")
    page.fill("#id_phone", "12345")
    page.click("form.form-card button[type=submit]")
    page.wait_for_load_state()
    assert "valid phone number" in page.inner_text(".field-phone")
    assert not Account.objects.exists()
