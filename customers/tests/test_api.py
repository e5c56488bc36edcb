"""Accounts and contacts in the API: visibility per role, who edits, bad input, filters,
search, no delete, and bounded queries."""

import pytest
from rest_framework.test import APIClient

from customers.models import Account, Contact
from customers.tests.factories import AccountFactory, ContactFactory
from roles.tests.factories import TeamFactory, UserFactory, user_with

pytestmark = pytest.mark.django_db

ACCOUNTS = "/api/v1/accounts/"
CONTACTS = "/api/v1/contacts/"


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def token_api(user) -> APIClient:
    """A client that authenticates every request afresh, as an integrator's would (nothing
    cached on the user object between requests)."""
    from roles.tokens import token_issue

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token_issue(user=user)[1]}")
    # A token in use: its first use is recorded once (last_used_at), outside the counts.
    assert client.get("/api/v1/").status_code == 200
    return client


def ids(response) -> set[int]:
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


# DESIGN.md, Roles: marketing sees accounts; sales what they own; service reads accounts and
# contacts; operations/finance/sales support work on every customer's records; the manager
# sees everything.
SEE_ALL_ACCOUNTS = ["marketing", "manager", "service", "operations", "finance", "sales_support"]


@pytest.mark.parametrize("role", SEE_ALL_ACCOUNTS)
def test_roles_that_see_every_account(role):
    accounts = AccountFactory.create_batch(3)
    contact = ContactFactory(account=accounts[0])
    client = api(user_with(role))
    assert ids(client.get(ACCOUNTS)) == {a.pk for a in accounts}
    assert ids(client.get(CONTACTS)) == {contact.pk}


def test_sales_sees_own_and_team_accounts_and_their_contacts_only():
    seller = user_with("sales")
    teammate = user_with("sales")
    TeamFactory(lead=seller).members.add(teammate)
    own = AccountFactory(owner=seller)
    of_team = AccountFactory(owner=teammate)
    other = AccountFactory(owner=user_with("sales"))
    own_contact = ContactFactory(account=own)
    ContactFactory(account=other)

    client = api(seller)
    assert ids(client.get(ACCOUNTS)) == {own.pk, of_team.pk}
    assert client.get(f"{ACCOUNTS}{other.pk}/").status_code == 404
    assert ids(client.get(CONTACTS)) == {own_contact.pk}
    assert ids(api(teammate).get(ACCOUNTS)) == {of_team.pk}


def test_marketing_creates_an_account():
    marketing = user_with("marketing")
    response = api(marketing).post(
        ACCOUNTS,
        {"name": "Xiamen Foods", "industry": "retail", "credit_limit": "50000.00", "owner": 999},
    )
    assert response.status_code == 201, response.content
    account = Account.objects.get()
    assert account.name == "Xiamen Foods"
    assert str(account.credit_limit) == "50000.00"
    assert account.owner == marketing  # owner is read-only; the creator owns it
    assert response.json()["credit_limit"] == "50000.00"
    assert response.json()["currency"] == "CNY"


@pytest.mark.parametrize("role", ["finance", "operations", "service", "manager", "sales_support"])
def test_roles_that_do_not_maintain_accounts_get_403(role):
    response = api(user_with(role)).post(ACCOUNTS, {"name": "Nope Ltd"})
    assert response.status_code == 403
    assert not Account.objects.exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "name"),
        ({"name": "X", "email": "bad"}, "email"),
        ({"name": "X", "website": "not a url"}, "website"),
        ({"name": "X", "credit_limit": "-1"}, "credit_limit"),
        ({"name": "X", "industry": "mining-on-mars"}, "industry"),
        ({"name": "X", "currency": "ABC"}, "currency"),
    ],
)
def test_account_bad_input_is_400(body, field):
    response = api(user_with("marketing")).post(ACCOUNTS, body)
    assert response.status_code == 400
    assert field in response.json()
    assert not Account.objects.exists()


def test_sales_edits_own_account_but_not_another():
    seller = user_with("sales")
    own = AccountFactory(owner=seller)
    response = api(seller).patch(f"{ACCOUNTS}{own.pk}/", {"phone": "+86 10 1234 5678"})
    assert response.status_code == 200
    own.refresh_from_db()
    assert own.phone == "+86 10 1234 5678"

    service_user = user_with("service")
    response = api(service_user).patch(f"{ACCOUNTS}{own.pk}/", {"phone": "13800000000"})
    assert response.status_code == 403
    own.refresh_from_db()
    assert own.phone == "+86 10 1234 5678"


def test_accounts_and_contacts_are_not_deleted_through_the_api():
    admin = UserFactory(is_superuser=True)
    contact = ContactFactory()
    assert api(admin).delete(f"{ACCOUNTS}{contact.account_id}/").status_code == 405
    assert api(admin).delete(f"{CONTACTS}{contact.pk}/").status_code == 405
    assert Contact.objects.filter(pk=contact.pk).exists()


def test_contact_create_needs_an_account_the_caller_may_see():
    seller = user_with("sales")
    own = AccountFactory(owner=seller)
    hidden = AccountFactory(owner=user_with("sales"))
    client = api(seller)

    refused = client.post(CONTACTS, {"account": hidden.pk, "name": "Spy"})
    assert refused.status_code == 400
    assert "account" in refused.json()

    created = client.post(CONTACTS, {"account": own.pk, "name": "Liu Yang", "email": "l@y.example"})
    assert created.status_code == 201, created.content
    assert created.json()["account_name"] == own.name
    assert Contact.objects.get().account == own


def test_contact_bad_input_and_wrong_role():
    account = AccountFactory()
    response = api(user_with("marketing")).post(CONTACTS, {"account": account.pk, "email": "x"})
    assert response.status_code == 400
    assert {"name", "email"} <= set(response.json())
    response = api(user_with("service")).post(CONTACTS, {"account": account.pk, "name": "A"})
    assert response.status_code == 403
    assert not Contact.objects.exists()


def test_filters_and_search():
    marketing = user_with("marketing")
    owner = user_with("sales")
    a = AccountFactory(name="Harbin Steel", industry="manufacturing", owner=owner)
    b = AccountFactory(name="Dalian Apps", industry="software", phone="+86 411 000")
    ca = ContactFactory(account=a, name="Gao Feng")
    ContactFactory(account=b, name="Ma Li")
    client = api(marketing)
    assert ids(client.get(ACCOUNTS, {"industry": "software"})) == {b.pk}
    assert ids(client.get(ACCOUNTS, {"owner": owner.pk})) == {a.pk}
    assert ids(client.get(ACCOUNTS, {"search": "harbin"})) == {a.pk}
    assert ids(client.get(ACCOUNTS, {"search": "411"})) == {b.pk}
    names = [r["name"] for r in client.get(ACCOUNTS, {"ordering": "-name"}).json()["results"]]
    assert names == ["Harbin Steel", "Dalian Apps"]
    assert ids(client.get(CONTACTS, {"account": a.pk})) == {ca.pk}
    assert ids(client.get(CONTACTS, {"search": "gao"})) == {ca.pk}
    assert client.get(ACCOUNTS, {"industry": "nope"}).status_code == 400


@pytest.mark.parametrize("role", ["marketing", "sales"])
def test_lists_run_a_fixed_number_of_queries(role, django_assert_max_num_queries):
    user = user_with(role)
    for _ in range(55):
        ContactFactory(account=AccountFactory(owner=user))
    client = token_api(user)
    # token+user, roles, team (sales), count, page; accounts: + the open flags of the page
    for endpoint, queries in ((ACCOUNTS, 6), (CONTACTS, 5)):
        for size in (5, 50):
            with django_assert_max_num_queries(queries):
                response = client.get(endpoint, {"page_size": size})
            assert len(response.json()["results"]) == size
