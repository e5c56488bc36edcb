"""A company fits the CRM to itself without a programmer, in a real browser (issue 12's
acceptance story):

- a manager adds a "行业" choice field and a "预计采购量" decimal field to leads, makes 行业
  required for qualification and shows both as list columns;
- a salesperson fills them in, is refused qualification while 行业 is empty, filters the list by
  them and exports them;
- an integrator sets them through the API (and a wrong type gets a 400);
- the manager moves the 2027 holidays and the discount gate to the company's values on the
  settings page, and the next quote follows the new gate while an earlier one keeps its own.
"""

from __future__ import annotations

import csv
import datetime
import io
import json
import re
import urllib.error
import urllib.request
from decimal import Decimal

import pytest

from catalog.tests.factories import ProductFactory
from customfields.models import CustomFieldDefinition
from feedback.sla import Calendar
from leads.models import Lead
from leads.tests.factories import LeadFactory
from opportunities import services as opportunity_services
from opportunities.models import Quote, QuoteStatus
from opportunities.tests.factories import opportunity_in
from roles.tests.factories import user_with
from roles.tokens import token_issue
from rules.models import RuleChange
from tests.browser.test_smoke import SHOTS, _login, _logout, _page, browser, role_groups  # noqa: F401

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def _add_field(page, live_server, *, key, label_zh, label_en, kind, choices="", qualify=False):
    page.goto(f"{live_server.url}/settings/custom-fields/?record=lead")
    page.click("[data-testid=add-field]")
    page.fill("#id_key", key)
    page.fill("#id_label_zh", label_zh)
    page.fill("#id_label_en", label_en)
    page.select_option("#id_type", kind)
    if choices:
        page.fill("#id_choices", choices)
    if qualify:
        page.check("input[name=required_for][value=qualify]")
    page.check("#id_in_list")
    page.click("[data-testid=definition-form] button[type=submit]")
    page.wait_for_url(re.compile(r"/settings/custom-fields/\?record=lead$"))
    assert page.locator("[data-testid=definitions]", has_text=label_zh).count() == 1


def _api(live_server, key, method, path, body=None):
    request = urllib.request.Request(
        f"{live_server.url}{path}",
        data=json.dumps(body).encode() if body is not None else None,
        method=method,
        headers={
            "Authorization": f"Token {key}",
            "Content-Type": "application/json",
            "Accept": "application/json",
        },
    )
    try:
        with urllib.request.urlopen(request) as answer:
            return answer.status, json.loads(answer.read())
    except urllib.error.HTTPError as refused:
        return refused.code, json.loads(refused.read())


def _quote_at(deal, support, discount: str) -> Quote:
    quote = opportunity_services.quote_create(opportunity=deal, user=support)
    opportunity_services.quote_line_add(
        quote=quote,
        user=support,
        product=ProductFactory(price=Decimal("1000.00"), currency=quote.currency),
        quantity=Decimal("1"),
        discount_pct=Decimal(discount),
    )
    return quote


def _submit_in_page(page, live_server, quote: Quote) -> None:
    page.goto(f"{live_server.url}{quote.get_absolute_url()}")
    with page.expect_navigation():
        page.click("[data-testid=transitions] [data-transition=submit]")
    assert page.locator(".alert-success").count() >= 1


def test_a_manager_fits_fields_and_rules_and_the_team_works_with_them(browser, live_server):  # noqa: F811, PLR0915
    user_with("manager", username="li")
    wei = user_with("sales", username="wei")
    support = user_with("sales_support", username="fang")
    integrator = user_with("sales", username="robot")
    page = _page(browser, live_server)

    # --- the manager defines the two fields in the browser -----------------------------------
    _login(page, live_server, "li")
    _add_field(
        page, live_server, key="industry", label_zh="行业", label_en="Industry",
        kind="choice", choices="制造业\n零售\n医疗", qualify=True,
    )  # fmt: skip
    _add_field(
        page, live_server, key="volume", label_zh="预计采购量", label_en="Expected volume",
        kind="decimal",
    )  # fmt: skip
    industry = CustomFieldDefinition.objects.get(key="industry")
    assert (industry.required_for, industry.in_list, industry.choices) == (
        ["qualify"],
        True,
        ["制造业", "零售", "医疗"],
    )
    page.screenshot(path=str(SHOTS / "ltc-browser-custom-fields.png"), full_page=True)
    _logout(page)

    # --- the salesperson fills them in, filters and exports -----------------------------------
    _login(page, live_server, "wei")
    page.goto(f"{live_server.url}/leads/new/")
    page.fill("#id_name", "Zhou Min")
    page.fill("#id_company", "Zhou Precision Parts")
    page.fill("#id_email", "zhou.min@precision.example.cn")
    page.select_option("#id_source", "event")
    page.select_option("#id_cf_industry", "制造业")
    page.fill("#id_cf_volume", "1250.5")
    page.click("#lead-form button[type=submit]")
    page.wait_for_url(re.compile(r"/leads/\d+/$"))
    made = Lead.objects.get(name="Zhou Min")
    assert made.custom == {"industry": "制造业", "volume": "1250.5"}
    assert "制造业" in page.inner_text("main") and "1,250.5" in page.inner_text("main")

    # A lead without 行业 cannot be qualified; the page names the field and nothing moves.
    bare = LeadFactory(name="Bare lead", company="Bare Co", owner=wei, status="working")
    page.goto(f"{live_server.url}/leads/{bare.pk}/")
    page.click("[data-testid=transitions] [data-transition=qualify]")  # opens the BANT dialog
    page.click("[data-submit-transition=qualify]")
    page.wait_for_selector(".alert-danger, .alert-warning")
    assert "Industry" in page.inner_text("body")
    bare.refresh_from_db()
    assert bare.status == "working"

    LeadFactory(name="Shop lead", company="Shop Co", owner=wei, custom={"industry": "零售"})
    page.goto(f"{live_server.url}/leads/")
    headers = page.locator("[data-testid=lead-table] thead th[data-col]").evaluate_all(
        "ths => ths.map(th => th.dataset.col)"
    )
    assert {"custom.industry", "custom.volume"} <= set(headers)
    page.select_option("select[name=cf_industry]", "制造业")  # the bar submits itself
    page.wait_for_url(re.compile(r"cf_industry="))
    names = page.locator("[data-testid=lead-table] tbody tr .cell-main").all_inner_texts()
    assert names == ["Zhou Min"]
    with page.expect_download() as download:
        page.click("[data-testid=export-csv]")
    rows = list(csv.DictReader(io.StringIO(download.value.path().read_text("utf-8-sig"))))
    assert [(r["Name"], r["Industry"], r["Expected volume"]) for r in rows] == [
        ("Zhou Min", "制造业", "1250.5")
    ]
    _logout(page)

    # --- an integrator sets them through the API ----------------------------------------------
    lead = LeadFactory(name="API lead", company="Api Co", owner=integrator)
    key = token_issue(user=integrator, name="erp")[1]
    status, body = _api(
        live_server, key, "PATCH", f"/api/v1/leads/{lead.pk}/",
        {"custom": {"industry": "医疗", "volume": "42"}},
    )  # fmt: skip
    assert status == 200 and body["custom"] == {"industry": "医疗", "volume": "42"}
    status, body = _api(
        live_server, key, "PATCH", f"/api/v1/leads/{lead.pk}/",
        {"custom": {"industry": "航天", "volume": "many"}},
    )  # fmt: skip
    assert status == 400 and set(body["custom"]) == {"industry", "volume"}
    lead.refresh_from_db()
    assert lead.custom == {"industry": "医疗", "volume": "42"}

    # --- the manager moves the 2027 holidays and the discount gate ----------------------------
    deal = opportunity_in("needs_analysis", owner=wei)
    opportunity_services.opportunity_assign_team(opportunity=deal, user=wei, solution_owner=support)
    earlier = _quote_at(deal, support, "12")
    later = _quote_at(deal, support, "12")
    _login(page, live_server, "fang")
    _submit_in_page(page, live_server, earlier)
    earlier.refresh_from_db()
    assert earlier.status == QuoteStatus.PENDING_APPROVAL  # 12 % is above the default 10 % gate
    _logout(page)

    _login(page, live_server, "li")
    page.goto(f"{live_server.url}/settings/rules/")
    page.fill("#id_discounts-QUOTE_DISCOUNT_MANAGER_PCT", "15")
    with page.expect_navigation():
        page.press("#id_discounts-QUOTE_DISCOUNT_MANAGER_PCT", "Enter")
    change = RuleChange.objects.get(key="QUOTE_DISCOUNT_MANAGER_PCT")
    assert (Decimal(str(change.old_value)), Decimal(str(change.new_value))) == (10, 15)
    assert page.locator("[data-testid=rule-changes] tr", has_text="15").count() >= 1

    page.goto(f"{live_server.url}/settings/rules/")
    year_form = "#calendar-2027" if page.locator("#calendar-2027").count() else "#calendar-new"
    prefix = year_form.removeprefix("#")
    if prefix == "calendar-new":
        page.fill(f"#id_{prefix}-year", "2027")
    # The company closes on 2027-12-31 and works the Saturday before it (调休).
    holidays = page.input_value(f"#id_{prefix}-holidays")
    page.fill(f"#id_{prefix}-holidays", f"{holidays}\n2027-12-31".strip())
    page.fill(f"#id_{prefix}-workdays", "2027-12-25")
    with page.expect_navigation():
        page.locator(f"{year_form} button[type=submit]").click()
    assert RuleChange.objects.filter(key="CALENDAR.2027").count() == 1
    calendar = Calendar.current()
    assert not calendar.is_business_day(datetime.date(2027, 12, 31))
    assert calendar.is_business_day(datetime.date(2027, 12, 25))  # a Saturday made a workday
    assert set(RuleChange.objects.values_list("changed_by__username", flat=True)) == {"li"}
    _logout(page)

    _login(page, live_server, "fang")
    _submit_in_page(page, live_server, later)
    later.refresh_from_db()
    assert later.status == QuoteStatus.APPROVED and later.required_sign_offs() == []
    earlier.refresh_from_db()
    assert earlier.required_sign_offs() == ["manager"]  # decided when it was submitted
    assert page.outside_requests == []
