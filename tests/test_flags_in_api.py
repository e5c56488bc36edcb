"""A flagged account's open flags (reason, note, date) show on the account, its opportunities,
quotes, contracts and orders in the API, read without N+1, and as a badge on list rows."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from feedback.models import AccountFlag
from orders.tests.factories import order_in
from roles.tests.factories import user_with

pytestmark = pytest.mark.django_db


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def flag(account, *, reason="detractor", note="Scored 2", cleared=False):
    return AccountFlag.objects.create(
        account=account,
        reason=reason,
        note=note,
        cleared_at=timezone.now() if cleared else None,
    )


def test_open_flags_show_on_every_record_of_the_account():
    seller = user_with("sales")
    order = order_in("pending", owner=seller)
    contract, account = order.contract, order.account
    opportunity = contract.opportunity
    raised = flag(account)
    flag(account, reason="sla_breach", note="old", cleared=True)
    client = api(user_with("manager"))
    urls = [
        f"/api/v1/accounts/{account.pk}/",
        f"/api/v1/opportunities/{opportunity.pk}/",
        f"/api/v1/quotes/{contract.quote_id}/",
        f"/api/v1/contracts/{contract.pk}/",
        f"/api/v1/orders/{order.pk}/",
    ]
    for url in urls:
        body = client.get(url).json()
        assert [(f["id"], f["reason"], f["note"]) for f in body["account_flags"]] == [
            (raised.pk, "detractor", "Scored 2")
        ], url
        assert body["account_flags"][0]["label"] == "Detractor NPS answer"
        assert body["account_flags"][0]["since"].startswith(str(timezone.localdate().year))
    # The owner sees the flag on the deal without the account-flags resource.
    body = api(seller).get(f"/api/v1/opportunities/{opportunity.pk}/").json()
    assert [f["id"] for f in body["account_flags"]] == [raised.pk]


def test_an_unflagged_account_has_no_flags():
    order = order_in("pending")
    body = api(user_with("manager")).get(f"/api/v1/orders/{order.pk}/").json()
    assert body["account_flags"] == []


@pytest.mark.parametrize("resource", ["accounts", "opportunities", "quotes", "contracts", "orders"])
def test_flags_cost_a_fixed_number_of_queries_whatever_the_page_size(resource):
    for _ in range(3):
        flag(order_in("pending").account)
    client = api(user_with("manager"))
    counts = []
    for size in (1, 3):
        with CaptureQueriesContext(connection) as queries:
            body = client.get(f"/api/v1/{resource}/", {"page_size": size}).json()
        assert len(body["results"]) == size
        assert all(row["account_flags"] for row in body["results"])
        counts.append(len(queries))
    assert counts[1] <= counts[0], counts


@pytest.mark.parametrize(
    ("page", "attr"),
    [
        ("/opportunities/", "opportunity"),
        ("/contracts/", "contract"),
        ("/orders/", "order"),
        ("/customers/accounts/", "account"),
    ],
)
def test_list_rows_of_a_flagged_account_carry_a_badge(client, page, attr):
    flagged, calm = order_in("pending"), order_in("pending")
    flag(flagged.account)
    manager = user_with("manager")
    client.force_login(manager)
    html = client.get(page).content.decode()
    assert html.count('data-testid="flag-badge"') == 1, page
    row_of = {
        "opportunity": lambda o: o.contract.opportunity.get_absolute_url(),
        "contract": lambda o: o.contract.get_absolute_url(),
        "order": lambda o: o.get_absolute_url(),
        "account": lambda o: o.account.get_absolute_url(),
    }[attr]
    badge_at = html.index('data-testid="flag-badge"')
    assert html.rfind(row_of(flagged), 0, badge_at) > html.rfind(row_of(calm), 0, badge_at)


def test_the_order_page_warns_about_a_flagged_account(client):
    order = order_in("pending")
    flag(order.account, note="Unhappy with delivery")
    client.force_login(user_with("manager"))
    html = client.get(order.get_absolute_url()).content.decode()
    assert 'data-testid="account-flags"' in html and "Unhappy with delivery" in html
