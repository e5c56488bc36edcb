"""The browser pages: each role logs in to its own work queue, list pages run a fixed number
of queries whatever the page size, record pages render their transitions, history and
activities, and nothing is loaded from another site."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from activities.services import activity_create
from catalog.tests.factories import ProductFactory
from customers.tests.factories import AccountFactory, ContactFactory
from leads.models import LeadStatus
from leads.tests.factories import LeadFactory, lead_in
from ltc.models import TransitionLog
from notifications.services import notify
from roles.models import Role
from roles.tests.factories import user_with

pytestmark = pytest.mark.django_db

PASSWORD = "pw"  # roles.tests.factories.UserFactory

# Work-queue sections each role must see on its home page (leads stage).
ROLE_SECTIONS = {
    "sales": ["New leads to start", "Leads to qualify", "Qualified leads to convert"],
    "marketing": ["Unassigned new leads", "Leads in nurturing"],
    "manager": ["Unassigned new leads", "Disqualified leads (may reopen)"],
}


def _login(client, username):
    response = client.post(reverse("login"), {"username": username, "password": PASSWORD})
    assert response.status_code == 302, "login failed"
    assert response["Location"] == reverse("home")


@pytest.mark.parametrize("role", Role.values)
def test_each_role_logs_in_to_its_work_queue(client, role):
    user = user_with(role, username=role, first_name="Demo", last_name=role.title())
    if role == "sales":
        lead_in(LeadStatus.WORKING, owner=user, name="Working Wu")
    LeadFactory(name="Nobody's Lead")  # new and unassigned

    _login(client, role)
    response = client.get(reverse("home"))
    html = response.content.decode()
    assert response.status_code == 200
    assert response.templates[0].name == "ltc/home.html"
    assert f"Hello, Demo {role.title()}" in html
    for title in ROLE_SECTIONS.get(role, []):
        assert title in html, f"{role} misses the section {title!r}"
    # Sections of other roles stay out of this queue.
    if role != "sales":
        assert "Leads to qualify" not in html
    if role not in ("marketing", "manager"):
        assert "Unassigned new leads" not in html
    if role == "sales":
        assert "Working Wu" in html
    if role == "marketing":
        assert "Nobody&#x27;s Lead" in html


def test_navigation_follows_the_role(client):
    client.force_login(user_with("finance"))
    html = client.get(reverse("home")).content.decode()
    assert reverse("customers:account-list") in html
    assert f'href="{reverse("leads:list")}"' not in html  # leads are not finance's
    client.force_login(user_with("marketing"))
    html = client.get(reverse("home")).content.decode()
    assert f'href="{reverse("leads:list")}"' in html


def test_bell_shows_unread_count_and_logout_is_a_post_form(client):
    user = user_with("sales")
    for i in range(3):
        notify(recipient=user, key=f"k{i}", title=f"Notice {i}", url="/")
    client.force_login(user)
    html = client.get(reverse("home")).content.decode()
    assert re.search(r'data-testid="unread-count">3<', html)
    assert f'href="{reverse("notifications")}"' in html
    assert re.search(rf'<form action="{reverse("logout")}" method="post"', html)

    client.post(reverse("notifications-read"), {"next": reverse("notifications")})
    html = client.get(reverse("notifications")).content.decode()
    assert 'data-testid="unread-count"' not in html
    assert "Notice 2" in html

    client.post(reverse("logout"))
    assert client.get(reverse("home")).status_code == 302


def test_follow_ups_and_notifications_on_the_home_page(client):
    from django.utils import timezone

    user = user_with("sales")
    lead = lead_in(LeadStatus.WORKING, owner=user)
    activity_create(
        record=lead,
        owner=user,
        kind="call",
        subject="Call back about pricing",
        next_follow_up_at=timezone.now() - timezone.timedelta(hours=1),
    )
    notify(recipient=user, key="x", title="Lead assigned to you", url=lead.get_absolute_url())
    client.force_login(user)
    html = client.get(reverse("home")).content.decode()
    follow_ups = html.split('data-testid="follow-ups"', 1)[1].split('data-testid="recent', 1)[0]
    assert "Call back about pricing" in follow_ups
    assert lead.get_absolute_url() in follow_ups
    assert "Lead assigned to you" in html


# ---- record pages -----------------------------------------------------------------------


def _transition_buttons(html):
    return set(re.findall(r'data-transition="(\w+)"', html))


def test_lead_page_shows_exactly_the_transitions_the_user_may_run(client):
    sales = user_with("sales")
    lead = lead_in(LeadStatus.NEW, owner=sales)
    url = reverse("leads:detail", args=[lead.pk])

    client.force_login(sales)
    html = client.get(url).content.decode()
    assert _transition_buttons(html) == {"start_work", "nurture", "disqualify"}
    action = reverse("transition", args=["leads", "lead", lead.pk, "start_work"])
    assert f'action="{action}"' in html
    # disqualify needs a reason: its form is in a dialog with the field.
    dialog = html.split('id="transition-disqualify"', 1)[1].split('class="modal fade"', 1)[0]
    assert 'name="reason"' in dialog and "required" in dialog

    client.force_login(user_with("marketing"))
    html = client.get(url).content.decode()
    assert _transition_buttons(html) == {"nurture", "disqualify"}
    assert 'id="assign-form"' in html  # marketing assigns

    client.force_login(user_with("manager"))
    html = client.get(url).content.decode()
    assert _transition_buttons(html) == set()
    assert 'data-testid="no-transitions"' in html


def test_running_a_transition_from_the_page_shows_it_in_the_history(client):
    sales = user_with("sales", first_name="Wei", last_name="Zhang")
    lead = lead_in(LeadStatus.WORKING, owner=sales)
    client.force_login(sales)
    url = reverse("transition", args=["leads", "lead", lead.pk, "disqualify"])

    refused = client.post(url, {"reason": ""})
    assert refused.status_code == 400
    assert "This field is required" in refused.content.decode()

    response = client.post(url, {"reason": "No budget this year"}, follow=True)
    html = response.content.decode()
    assert response.status_code == 200
    lead.refresh_from_db()
    assert lead.status == LeadStatus.DISQUALIFIED
    history = html.split('data-testid="history"', 1)[1].split("</table>", 1)[0]
    assert "Wei Zhang" in history and "Disqualify" in history
    assert "state-working" in history and "state-disqualified" in history
    assert "No budget this year" in history
    assert TransitionLog.objects.filter(object_id=lead.pk).count() == 1


def test_activity_form_logs_an_activity_on_the_record(client):
    sales = user_with("sales")
    lead = lead_in(LeadStatus.WORKING, owner=sales)
    client.force_login(sales)
    detail = client.get(lead.get_absolute_url()).content.decode()
    action = reverse("activity-add", args=["leads", "lead", lead.pk])
    assert f'action="{action}"' in detail
    response = client.post(
        action, {"kind": "meeting", "subject": "Site visit", "notes": "Met the CFO"}, follow=True
    )
    html = response.content.decode()
    activities = html.split('data-testid="activities"', 1)[1]
    assert "Site visit" in activities and "Met the CFO" in activities


def test_money_is_shown_with_its_currency(client):
    from decimal import Decimal

    sales = user_with("sales")
    lead = lead_in(LeadStatus.WORKING, owner=sales, budget=Decimal("1234567.5"), currency="USD")
    product = ProductFactory(price=Decimal("88.00"), currency="CNY")
    client.force_login(sales)
    assert "$1,234,567.50" in client.get(lead.get_absolute_url()).content.decode()
    assert "¥88.00" in client.get(product.get_absolute_url()).content.decode()


def test_lead_list_offers_round_robin_to_assigners_only(client):
    LeadFactory.create_batch(2)
    client.force_login(user_with("marketing"))
    html = client.get(reverse("leads:list")).content.decode()
    assert f'formaction="{reverse("leads:round-robin")}"' in html
    assert html.count('name="ids"') == 2 and html.count("data-unassigned") == 2
    assert reverse("leads:import") in html and reverse("leads:create") in html

    client.force_login(user_with("sales"))
    html = client.get(reverse("leads:list")).content.decode()
    assert 'id="round-robin"' not in html and 'value="assign_owner"' not in html


def test_import_page_reports_every_bad_row(client, django_capture_on_commit_callbacks):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(user_with("marketing"))
    content = "name,email,phone\nGood Guo,good@example.com,\nNo Contact,,\n,,\n"
    upload = SimpleUploadedFile("leads.csv", content.encode(), content_type="text/csv")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("leads:import"), {"file": upload})
    html = client.get(response["Location"]).content.decode()
    assert 'data-testid="import-report"' in html
    assert re.search(r'data-testid="report-created">0<', html)
    errors = html.split('data-testid="import-errors"', 1)[1]
    assert '<td class="font-monospace">3</td>' in errors  # the row without email or phone


# ---- bounded queries --------------------------------------------------------------------


def _queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def _make_leads(n):
    for _ in range(n):
        LeadFactory(owner=user_with("sales"))


def _make_accounts(n):
    for _ in range(n):
        AccountFactory(owner=user_with("sales"))


def _make_contacts(n):
    for _ in range(n):
        ContactFactory(account=AccountFactory())


def _make_products(n):
    ProductFactory.create_batch(n)


LIST_PAGES = [
    ("leads:list", "marketing", _make_leads, 'data-testid="lead-table"'),
    ("customers:account-list", "manager", _make_accounts, 'data-testid="account-table"'),
    ("customers:contact-list", "manager", _make_contacts, 'data-testid="contact-table"'),
    ("catalog:product-list", "sales", _make_products, 'data-testid="product-table"'),
]
MAX_LIST_QUERIES = 14


@pytest.mark.parametrize(("url_name", "role", "make", "marker"), LIST_PAGES)
def test_list_pages_run_a_fixed_number_of_queries(
    client, django_assert_max_num_queries, url_name, role, make, marker
):
    client.force_login(user_with(role))
    url = reverse(url_name)
    make(5)
    assert marker in client.get(url).content.decode()
    small = _queries(client, url)
    make(20)  # 25 records: a full page
    large = _queries(client, url)
    assert large == small, f"{url_name}: {small} queries for 5 rows, {large} for 25"
    with django_assert_max_num_queries(MAX_LIST_QUERIES):
        client.get(url)


def test_lead_detail_runs_a_bounded_number_of_queries(client, django_assert_max_num_queries):
    sales = user_with("sales")
    lead = lead_in(LeadStatus.NEW, owner=sales)
    client.force_login(sales)
    for i in range(8):
        activity_create(record=lead, owner=sales, kind="call", subject=f"Call {i}")
    with django_assert_max_num_queries(25):
        client.get(lead.get_absolute_url())


# ---- no CDN -----------------------------------------------------------------------------

EXTERNAL = re.compile(
    r"""(?:\bsrc\s*=\s*["']?\s*(?:https?:)?//)"""  # scripts, images, frames
    r"""|(?:<link\b[^>]*\bhref\s*=\s*["']?\s*(?:https?:)?//)"""  # stylesheets, icons, fonts
    r"""|(?:url\(\s*["']?(?:https?:)?//)"""  # CSS url()
    r"""|(?:@import\s+["']?(?:url\()?["']?(?:https?:)?//)""",
    re.IGNORECASE,
)


def test_no_page_loads_anything_from_another_site(client):
    sales = user_with("sales")
    lead = lead_in(LeadStatus.WORKING, owner=sales)
    account = AccountFactory(owner=sales)
    contact = ContactFactory(account=account)
    product = ProductFactory()
    html_pages = {"login": client.get(reverse("login")).content.decode()}
    client.force_login(user_with("sales", "marketing", "sales_support"))
    for url in [
        reverse("home"),
        reverse("notifications"),
        reverse("activities"),
        reverse("role-matrix"),
        reverse("leads:list"),
        reverse("leads:create"),
        reverse("leads:import"),
        lead.get_absolute_url(),
        reverse("leads:edit", args=[lead.pk]),
        reverse("customers:account-list"),
        account.get_absolute_url(),
        reverse("customers:account-create"),
        reverse("customers:contact-list"),
        contact.get_absolute_url(),
        reverse("customers:contact-create"),
        reverse("catalog:product-list"),
        product.get_absolute_url(),
        reverse("catalog:product-create"),
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
        html_pages[url] = response.content.decode()
    for url, html in html_pages.items():
        assert not EXTERNAL.search(html), f"{url} loads {EXTERNAL.search(html).group(0)!r}"
        assert "/static/vendor/bootstrap/bootstrap.min.css" in html
        # "cdn" as a host part, not inside a random token (the CSRF token is random text)
        assert "fonts.googleapis" not in html and not re.search(r"[/.]cdn", html.lower())


def test_static_css_and_js_load_nothing_from_another_site():
    from django.contrib.staticfiles import finders

    for path in [
        "css/app.css",
        "js/app.js",
        "vendor/bootstrap/bootstrap.min.css",
        "vendor/bootstrap-icons/bootstrap-icons.min.css",
    ]:
        found = finders.find(path)
        assert found, path
        with open(found, encoding="utf-8") as fh:
            text = fh.read()
        match = EXTERNAL.search(text)
        assert not match, f"{path} loads {match.group(0)!r}"


def test_every_template_compiles():
    from pathlib import Path

    from django.conf import settings
    from django.template.loader import get_template

    root = Path(settings.BASE_DIR) / "templates"
    names = [str(p.relative_to(root)) for p in root.rglob("*.html")]
    assert "base.html" in names
    for name in names:
        get_template(name)  # raises TemplateSyntaxError on a broken template


def test_activities_page_runs_a_fixed_number_of_queries(client):
    sales = user_with("sales")
    client.force_login(sales)

    def log(n):
        for _ in range(n):
            lead = lead_in(LeadStatus.WORKING, owner=sales)
            activity_create(record=lead, owner=sales, kind="task", subject=f"Task on {lead.name}")

    log(5)
    small = _queries(client, reverse("activities"))
    log(20)
    large = _queries(client, reverse("activities"))
    assert large == small
    html = client.get(reverse("activities")).content.decode()
    assert html.count('href="/leads/') >= 25  # each row links to its record


def test_no_navigation_page_of_any_stage_loads_from_another_site(client, django_user_model):
    admin = django_user_model.objects.create_superuser("root", "root@example.com", "pw")
    client.force_login(admin)
    home = client.get(reverse("home")).content.decode()
    nav = home.split('class="sidebar-nav"', 1)[1].split("</nav>", 1)[0]
    urls = re.findall(r'href="(/[^"]*)"', nav)
    assert len(urls) >= 7
    for url in urls:
        response = client.get(url)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        html = response.content.decode()
        match = EXTERNAL.search(html)
        assert not match, f"{url} loads {match.group(0)!r}"
