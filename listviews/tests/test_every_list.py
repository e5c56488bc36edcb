"""Every shaped list: a saved view opens with its columns and sort, is the default when
chosen, is shared with a team's members only, and keeps the page's query count fixed."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from billing.tests.factories import draft_invoice, issued_invoice, pay
from catalog.tests.factories import ProductFactory
from contracts.tests.factories import draft_contract
from customers.tests.factories import AccountFactory, ContactFactory
from feedback.tests.factories import ticket_in
from leads.tests.factories import LeadFactory
from listviews.lists import registry
from listviews.models import SavedView
from opportunities.tests.factories import OpportunityFactory
from orders.tests.factories import order_in
from roles.tests.factories import TeamFactory, user_with

pytestmark = pytest.mark.django_db

ROWS = {
    "leads": LeadFactory,
    "accounts": AccountFactory,
    "contacts": ContactFactory,
    "opportunities": OpportunityFactory,
    "contracts": draft_contract,
    "orders": order_in,
    "invoices": draft_invoice,
    "tickets": ticket_in,
    "products": ProductFactory,
    "payments": lambda: pay(issued_invoice(), "100.00"),
}
LISTS = sorted(ROWS)


def headers(response) -> list[str]:
    return re.findall(r'data-col="([a-z_]+)"', response.content.decode())


def saved_names(response) -> list[str]:
    return re.findall(r'data-testid="saved-view-name">([^<]+)<', response.content.decode())


def test_every_shaped_list_is_covered():
    assert sorted(registry()) == LISTS


def _state(spec, user):
    """A sort and a column choice unlike the list's defaults: the last optional column first."""
    columns = [c.key for c in spec.columns_for(user)]
    chosen = [columns[-1], *columns[:2]]
    sort = "-" + spec.sort_keys()[0]
    return chosen, sort


@pytest.mark.parametrize("name", LISTS)
def test_save_open_and_default_view(client, name):
    spec = registry()[name]
    manager = user_with("manager")
    client.force_login(manager)
    ROWS[name]()
    chosen, sort = _state(spec, manager)
    response = client.post(
        reverse("listviews:save"),
        {
            "list_name": name,
            "state": f"sort={sort}&cols={','.join(chosen)}",
            "name": "Mine",
            "make_default": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    view = SavedView.objects.get()
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert headers(page) == chosen
    assert saved_names(page) == ["Mine"]
    # The plain address opens the default view; ?view=0 the plain list.
    assert client.get(spec.url())["Location"] == view.address()
    plain = client.get(spec.url(), {"view": "0"})
    assert headers(plain) == spec.default_keys(manager)


@pytest.mark.parametrize("name", LISTS)
def test_shared_view_reaches_the_team_only(client, name):
    spec = registry()[name]
    owner, member, outsider = user_with("manager"), user_with("manager"), user_with("manager")
    team, other = TeamFactory(), TeamFactory()
    team.members.add(member)
    other.members.add(outsider)
    client.force_login(owner)
    client.post(
        reverse("listviews:save"),
        {"list_name": name, "state": "", "name": "Team view", "shared_team": team.pk},
    )
    client.force_login(member)
    assert saved_names(client.get(spec.url())) == ["Team view"]
    client.force_login(outsider)
    assert saved_names(client.get(spec.url())) == []


@pytest.mark.parametrize("name", LISTS)
def test_query_count_is_fixed_with_every_column(client, name):
    spec = registry()[name]
    manager = user_with("manager")
    client.force_login(manager)
    every = [c.key for c in spec.columns_for(manager)]
    client.post(
        reverse("listviews:save"),
        {"list_name": name, "state": f"cols={','.join(every)}", "name": "All"},
    )
    address = SavedView.objects.get().address()

    def count():
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(address)
        assert response.status_code == 200
        assert headers(response) == every
        return len(ctx.captured_queries)

    ROWS[name]()
    client.get(address)  # warm per-process caches (rules, content types)
    few = count()
    for _ in range(3):
        ROWS[name]()
    assert count() == few


def sort_options(response) -> list[tuple[str, str]]:
    """The phone's sort menu: (link, label) of each option."""
    menu = response.content.decode().split(' id="sort-menu"', 1)[1].split("</div>", 1)[0]
    return re.findall(r'<a class="dropdown-item[^"]*" href="([^"]+)"[^>]*>([^<]+)<', menu)


@pytest.mark.parametrize("name", LISTS)
def test_the_sort_menu_offers_the_header_sort_links(client, name):
    """On a phone the table header is hidden; its sort links are offered as a menu, keeping
    the filters, with the current sort marked."""
    spec = registry()[name]
    manager = user_with("manager")
    client.force_login(manager)
    ROWS[name]()
    key = spec.sort_keys()[0]
    page = client.get(spec.url(), {"view": "0", "sort": key, "q": "x"})
    assert page.status_code == 200
    options = sort_options(page)
    shown = spec.default_keys(manager)
    sortable = [c for c in spec.columns_for(manager) if c.sort and c.key in shown]
    sortable.sort(key=lambda c: shown.index(c.key))
    assert [label.strip() for _link, label in options] == [str(c.label) for c in sortable]
    for link, _label in options:
        assert "q=x" in link and "sort=" in link
    current = [link for link, _label in options if f"sort=-{key}" in link]
    assert len(current) == 1  # the current column's option sorts it the other way
    assert 'aria-current="true"' in page.content.decode().split(' id="sort-menu"', 1)[1]


def test_the_sort_menu_is_translated(client):
    client.force_login(user_with("manager"))
    LeadFactory()
    page = client.get(
        registry()["leads"].url(),
        {"view": "0", "sort": "-created"},
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    ).content.decode()
    menu = page.split(' id="sort-toggle"', 1)[1].split("</button>", 1)[0]
    assert "排序" in menu
    assert 'aria-label="降序"' in page.split(' id="sort-menu"', 1)[1]
