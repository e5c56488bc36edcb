"""The first-hour friction of issue 15 in a real browser, and the accessibility audit: axe-core
(from the npm registry, vendored into static/vendor/axe-core by scripts/vendor-assets.sh) is
injected by this test into every page of the navigation and into the page of each kind of
record (lead, account, contact, opportunity, quote, contract, order, invoice, ticket), for
every role that may see it, in English and in Chinese, and must report no WCAG 2 A/AA
violation. No page of the app loads axe itself.

One browser for the module; one signed-in context per role, reused for all of that role's
pages; one test per language, so two test workers audit the languages side by side."""

import datetime
import json
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone

from billing.tests.factories import invoice_in
from contracts.tests.factories import contract_in
from customers.tests.factories import AccountFactory, ContactFactory
from feedback.models import AccountFlag, FeedbackItem
from feedback.tests.factories import ticket_in
from leads.tests.factories import lead_in
from ltc.models import TransitionLog
from ltc.signoffs import SignOffDecision, SignOffRole
from opportunities.models import QuoteSignOff
from opportunities.tests.factories import opportunity_in, quote_in
from orders.tests.factories import order_in
from roles.models import Role
from roles.tests.factories import UserFactory, user_with
from tests.browser.test_smoke import _login, _page, browser, role_groups  # noqa: F401

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

AXE = Path(settings.BASE_DIR) / "static" / "vendor" / "axe-core" / "axe.min.js"
WCAG2 = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
# Run through DevTools, so the page's Content-Security-Policy (script-src 'self') does not
# apply: the page itself never loads axe.
AXE_RUN = """async (tags) => {
  const result = await axe.run(document, {runOnly: {type: "tag", values: tags},
                                          resultTypes: ["violations"]});
  return result.violations.map(v => ({id: v.id, impact: v.impact,
                                      nodes: v.nodes.slice(0, 3).map(n => n.target.join(" "))}));
}"""


def _world():
    """A little of everything, so each list page shows rows, filters, badges and buttons.
    Returns the users by role and the page of one record of each kind (sales owns them where
    a record has an owner, so a salesperson audits them too)."""
    users = {role: user_with(role, username=role) for role in Role.values}
    sales = users["sales"]
    account = AccountFactory(name="Suzhou Hengda Electronics", owner=sales)
    contact = ContactFactory(account=account, name="Ms Zhou", email="zhou@hengda.example.cn")
    lead = lead_in("working", owner=sales, name="Liu Yang", company="Suzhou Hengda")
    opportunity = opportunity_in("proposal", owner=sales, account=account)
    quote = quote_in("draft", opportunity=opportunity)
    contract = contract_in("in_review", owner=sales, account=account)
    order = order_in("in_fulfillment", owner=sales, account=account)
    invoice = invoice_in("overdue", account=account)
    ticket = ticket_in("open", account=account, contact=contact)
    AccountFlag.objects.create(account=account, reason="detractor", note="NPS 3")
    FeedbackItem.objects.create(kind="suggestion", category="product", title="Dark mode")
    # A history table on the contract page, so it is audited too.
    TransitionLog.objects.create(
        record=contract,
        transition="submit",
        source="draft",
        target="in_review",
        by=sales,
        comment="Submitted for review with the customer's procurement terms (采购条款).",
    )
    records = [lead, account, contact, opportunity, quote, contract, order, invoice, ticket]
    return users, [r.get_absolute_url() for r in records]


def _audit(page, url) -> list[dict]:
    """axe's violations on `url` (None: the page already open)."""
    if url is not None:
        page.goto(url)
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate("src => { (0, eval)(src); }", AXE.read_text())
    return page.evaluate(AXE_RUN, WCAG2)


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_every_page_of_the_navigation_and_every_record_page_passes_wcag2_aa(
    browser,  # noqa: F811
    live_server,
    language,
):
    assert AXE.exists(), "run scripts/vendor-assets.sh (axe-core comes from the npm registry)"
    users, record_pages = _world()
    UserFactory(username="admin", is_staff=True, is_superuser=True)
    found, audited, seen_records = {}, set(), set()
    for role in [*Role.values, "admin"]:
        page = _page(browser, live_server)
        page.context.add_cookies(
            [{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url}]
        )
        _login(page, live_server, role)
        assert page.get_attribute("html", "lang") == language
        links = page.eval_on_selector_all(
            ".sidebar-nav a.nav-link", "els => els.map(e => e.getAttribute('href'))"
        )
        assert len(links) >= 8, (role, links)
        if role == "admin":  # the superuser: only the pages no role has shown yet
            links = [href for href in links if not any(href == a[1] for a in audited)]
            assert links, "the staff pages (admin site, API docs) are in the superuser's nav"
        for href in links:
            violations = _audit(page, f"{live_server.url}{href}")
            audited.add((role, href))
            if violations:
                found[f"{language} {role} {href}"] = violations
        for href in record_pages if role != "admin" else []:
            response = page.goto(f"{live_server.url}{href}")
            assert response is not None
            if response.status in (403, 404):  # not a record this role may see
                continue
            assert response.status == 200, (role, href, response.status)
            violations = _audit(page, None)
            audited.add((role, href))
            seen_records.add(href)
            if violations:
                found[f"{language} {role} {href}"] = violations
        page.context.close()
    assert seen_records == set(record_pages)  # each record page audited by some role
    # every role saw at least its nav and some record pages (sales all but the ticket)
    assert sum(1 for role, href in audited if role == "sales" and href in record_pages) >= 7
    assert len(audited) >= 7 * 8 + 7 * 3
    assert found == {}, json.dumps(found, indent=1, ensure_ascii=False)


def test_first_hour_friction(browser, live_server):  # noqa: F811
    users, _records = _world()
    sales, manager = users["sales"], users["manager"]

    # The qualify dialog opens with the BANT facts the lead already has; qualifying says so.
    lead = lead_in(
        "working",
        owner=sales,
        name="Wang Fang",
        need="WMS for the Ningbo warehouse",
        budget=Decimal("180000.00"),
        expected_close_date=datetime.date(2027, 3, 31),
        decision_maker="COO Zhao",
    )
    page = _page(browser, live_server)
    _login(page, live_server, "sales")
    page.goto(f"{live_server.url}{lead.get_absolute_url()}")
    page.click("[data-transition=qualify]")
    dialog = page.locator("#transition-qualify")
    dialog.wait_for(state="visible")
    assert dialog.locator("textarea[name=need]").input_value() == "WMS for the Ningbo warehouse"
    assert dialog.locator("input[name=budget]").input_value() == "180000.00"
    assert dialog.locator("input[name=expected_close_date]").input_value() == "2027-03-31"
    assert dialog.locator("input[name=decision_maker]").input_value() == "COO Zhao"
    dialog.locator("[data-submit-transition=qualify]").click()
    page.wait_for_load_state()
    message = page.inner_text(".messages")
    assert "Qualified" in message and "Wang Fang" in message and "Done." not in message

    page.context.close()

    # New ticket (customer service sees every account): the contact and order lists follow
    # the chosen account (htmx).
    page = _page(browser, live_server)
    _login(page, live_server, "service")
    mine, other = AccountFactory(name="Mine Co", owner=sales), AccountFactory(name="Other Co")
    ContactFactory(account=mine, name="Ms Mine")
    ContactFactory(account=other, name="Mr Other")
    page.goto(f"{live_server.url}/service/tickets/new/")
    contacts = page.locator("#id_contact option")
    assert [o for o in contacts.all_inner_texts() if "Ms Mine" in o or "Mr Other" in o] == []
    page.select_option("#id_account", str(mine.pk))
    page.locator("#id_contact option", has_text="Ms Mine").wait_for(state="attached")
    names = page.locator("#id_contact option").all_inner_texts()
    assert any("Ms Mine" in n for n in names) and not any("Mr Other" in n for n in names)
    page.context.close()

    # Manager: the forecast and the KPI dashboard are in the navigation; the pipeline board's
    # Won and Lost columns fit a 1366 px laptop screen.
    page = _page(browser, live_server)
    _login(page, live_server, "manager")
    nav = page.locator(".sidebar-nav").inner_text()
    assert "Forecast" in nav and "KPIs" in nav
    page.goto(f"{live_server.url}/opportunities/board/")
    for stage in ("won", "lost"):
        box = page.locator(f"section[data-stage={stage}]").bounding_box()
        assert box["x"] + box["width"] <= 1366, stage
    assert page.evaluate("document.documentElement.scrollWidth") <= 1366

    # After the manager's own sign-off the quote waits for finance: no Approve/Reject left.
    quote = quote_in("pending_approval", manager=True, finance=True, discount_pct="25")
    QuoteSignOff.objects.create(
        quote=quote, role=SignOffRole.MANAGER, user=manager, decision=SignOffDecision.APPROVED
    )
    page.goto(f"{live_server.url}{quote.get_absolute_url()}")
    assert page.locator("[data-transition=approve]").count() == 0
    assert page.locator("[data-transition=reject]").count() == 0
    page.context.close()

    # The contract page on a phone: the review rounds stack, the page does not widen.
    contract = contract_in("in_review", manager_needed=True)
    contract.sign_offs.create(
        role=SignOffRole.MANAGER,
        user=manager,
        decision=SignOffDecision.APPROVED,
        review_round=1,
        comment="Within the annual budget agreed with the customer's CFO",
        at=timezone.now(),
    )
    page = _page(browser, live_server, phone=True)
    _login(page, live_server, "finance")
    page.goto(f"{live_server.url}{contract.get_absolute_url()}")
    assert page.locator("[data-testid=sign-offs]").count() == 1
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the contract page is {width} px wide on a 390 px phone"
    assert re.search(r"/contracts/\d+/$", page.url)
    page.context.close()
