"""Leads end to end in a real browser (headless Chromium through Playwright): marketing
captures and assigns a lead, sales starts work and qualifies it, on a laptop and a phone.

Screenshots go to /tmp (LTC_SCREENSHOT_DIR), never into the repository.
"""

import os
import re
from pathlib import Path

import pytest

from roles.tests.factories import user_with

# Playwright's sync API runs an event loop in this thread; Django's ORM (used by the
# fixtures) must still be allowed here.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SHOTS = Path(os.environ.get("LTC_SCREENSHOT_DIR", "/tmp"))
PASSWORD = "pw"  # roles.tests.factories.UserFactory


@pytest.fixture(scope="module")
def browser():
    if not os.path.exists(CHROMIUM):
        reason = f"needs Chromium at {CHROMIUM} (apt-get install chromium)"
        if os.environ.get("LTC_REQUIRE_SERVICES") == "1":
            pytest.fail(f"{reason} (LTC_REQUIRE_SERVICES=1: CI must run this test)")
        pytest.skip(reason)
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(autouse=True)
def role_groups():
    """The role groups come from a data migration; a transactional test that ran before may
    have flushed them, so make sure they exist (serialized_rollback restores the rest)."""
    from django.contrib.auth.models import Group

    from roles.models import Role

    for slug in Role.values:
        Group.objects.get_or_create(name=slug)


def _page(browser, live_server, *, phone=False):
    if phone:
        context = browser.new_context(
            viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True
        )
    else:
        context = browser.new_context(viewport={"width": 1366, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    outside = []
    page.on(
        "request",
        lambda r: (
            outside.append(r.url)
            if not r.url.startswith((live_server.url, "data:", "about:"))
            else None
        ),
    )
    page.outside_requests = outside
    return page


def _login(page, live_server, username):
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("form[action='/login/'] button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")


def _logout(page):
    page.click("#user-menu")
    page.click("#logout-button")
    page.wait_for_url(re.compile(r"/login/"))


def test_marketing_captures_and_assigns_then_sales_works_the_lead(browser, live_server):
    user_with("marketing", username="mei", first_name="Mei", last_name="Lin")
    user_with("sales", username="wei", first_name="Wei", last_name="Zhang")

    # Marketing: create the lead through the form.
    page = _page(browser, live_server)
    _login(page, live_server, "mei")
    assert page.locator(".queue-card", has_text="Unassigned new leads").count() == 1
    page.click(".sidebar-nav >> text=Leads")
    page.click("#new-lead")
    page.fill("#id_name", "Liu Yang")
    page.fill("#id_company", "Suzhou Hengda Electronics")
    page.fill("#id_email", "liu.yang@hengda.example.cn")
    page.select_option("#id_source", "event")
    page.click("#lead-form button[type=submit]")
    page.wait_for_url(re.compile(r"/leads/\d+/$"))
    assert "Lead created." in page.inner_text(".messages")
    assert page.inner_text("[data-testid=lead-status]").strip() == "New"
    assert "Not assigned yet" in page.inner_text("[data-testid=lead-owner]")
    lead_url = page.url

    # ... and assign it to sales.
    page.select_option("#assign-form select[name=owner]", label="Wei Zhang")
    page.click("#assign-form button[type=submit]")
    page.wait_for_load_state()
    assert "Lead assigned." in page.inner_text(".messages")
    assert "Wei Zhang" in page.inner_text("[data-testid=lead-owner]")
    assert page.locator("[data-transition=start_work]").count() == 0  # not marketing's step
    page.screenshot(path=str(SHOTS / "ltc-browser-marketing-lead.png"), full_page=True)
    _logout(page)

    # Sales: the lead waits in the work queue; start work from the record page.
    _login(page, live_server, "wei")
    assert page.locator(".queue-card", has_text="New leads to start").count() == 1
    assert page.locator("[data-testid=unread-count]").inner_text() == "1"  # assigned notice
    page.click(".queue-item >> text=Liu Yang")
    page.wait_for_url(lead_url)
    page.click("[data-transition=start_work]")
    page.wait_for_load_state()
    assert page.inner_text("[data-testid=lead-status]").strip() == "Working"
    history = page.locator("[data-testid=history] tbody tr")
    assert history.count() == 1
    row = history.first.inner_text()
    assert "Wei Zhang" in row and "Start work" in row and "New" in row and "Working" in row

    # Qualify needs the BANT facts: the dialog asks for them.
    page.click("[data-transition=qualify]")
    dialog = page.locator("#transition-qualify")
    dialog.wait_for(state="visible")
    dialog.locator("textarea[name=need]").fill("ERP for two plants")
    dialog.locator("input[name=budget]").fill("250000")
    dialog.locator("input[name=expected_close_date]").fill("2027-03-31")
    dialog.locator("input[name=decision_maker]").fill("CFO Wang")
    dialog.locator("[data-submit-transition=qualify]").click()
    page.wait_for_load_state()
    assert page.inner_text("[data-testid=lead-status]").strip() == "Qualified"
    assert history.count() == 2
    assert "¥250,000.00" in page.inner_text("main")
    page.screenshot(path=str(SHOTS / "ltc-browser-sales-lead.png"), full_page=True)
    assert page.outside_requests == []
    page.context.close()


def test_phone_layout_uses_the_offcanvas_menu(browser, live_server):
    from leads.models import LeadStatus
    from leads.tests.factories import lead_in

    sales = user_with("sales", username="wei", first_name="Wei", last_name="Zhang")
    lead = lead_in(LeadStatus.NEW, owner=sales, name="Zhou Min")

    page = _page(browser, live_server, phone=True)
    _login(page, live_server, "wei")
    sidebar = page.locator("#appSidebar")
    assert not sidebar.is_visible()  # hidden behind the menu button on a phone
    page.click("[aria-controls=appSidebar]")
    sidebar.wait_for(state="visible")
    page.click("#appSidebar >> text=Leads")
    page.wait_for_url(re.compile(r"/leads/$"))
    assert page.locator("text=Zhou Min").is_visible()

    page.goto(f"{live_server.url}{lead.get_absolute_url()}")
    page.click("[data-transition=start_work]")
    page.wait_for_load_state()
    assert page.inner_text("[data-testid=lead-status]").strip() == "Working"
    # Nothing overflows sideways on a phone.
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"page is {width}px wide on a 390px phone"
    path = SHOTS / "ltc-browser-phone-lead.png"
    page.screenshot(path=str(path), full_page=True)
    assert path.stat().st_size > 10_000
    assert page.outside_requests == []
    page.context.close()
