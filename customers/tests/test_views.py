"""Accounts and contacts in the browser: who may list, open, create and edit."""

import html

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from customers.models import Account, Contact
from customers.tests.factories import AccountFactory, ContactFactory
from roles.tests.factories import TeamFactory, UserFactory, user_with

pytestmark = pytest.mark.django_db

READ_ALL = ["marketing", "sales_support", "operations", "finance", "service", "manager"]
READ_ONLY = ["sales_support", "operations", "finance", "service", "manager"]


def text(response):
    return html.unescape(response.content.decode())


def account_form(**overrides):
    data = {"name": "Hangzhou Cloudpeak Software", "industry": "software", "currency": "CNY"}
    data.update(overrides)
    return data


@pytest.fixture
def setup():
    owner = user_with("sales")
    team_lead = user_with("sales")
    TeamFactory(lead=team_lead).members.add(owner)
    other = user_with("sales")
    mine = AccountFactory(owner=owner, name="Mine Ltd")
    theirs = AccountFactory(owner=other, name="Theirs Ltd")
    unowned = AccountFactory(owner=None, name="Nobody Ltd")
    return {
        "owner": owner,
        "team_lead": team_lead,
        "other": other,
        "mine": mine,
        "theirs": theirs,
        "unowned": unowned,
    }


def listed_accounts(client, user):
    client.force_login(user)
    response = client.get(reverse("customers:account-list"))
    assert response.status_code == 200
    return {a.pk for a in response.context["page"].object_list}


def test_sales_sees_only_own_and_team_accounts(client, setup):
    s = setup
    assert listed_accounts(client, s["owner"]) == {s["mine"].pk}
    assert listed_accounts(client, s["team_lead"]) == {s["mine"].pk}
    assert listed_accounts(client, s["other"]) == {s["theirs"].pk}
    client.force_login(s["owner"])
    assert client.get(s["theirs"].get_absolute_url()).status_code == 404
    assert client.get(s["mine"].get_absolute_url()).status_code == 200


@pytest.mark.parametrize("role", READ_ALL)
def test_other_roles_see_every_account(client, setup, role):
    everything = {setup[k].pk for k in ("mine", "theirs", "unowned")}
    user = user_with(role)
    assert listed_accounts(client, user) == everything
    assert client.get(setup["theirs"].get_absolute_url()).status_code == 200


def test_user_without_role_sees_no_account(client, setup):
    assert listed_accounts(client, UserFactory()) == set()


def test_account_list_search_and_filter(client, setup):
    AccountFactory(name="Shanghai Minghui", industry="manufacturing")
    marketing = user_with("marketing")
    client.force_login(marketing)
    response = client.get(reverse("customers:account-list"), {"q": "minghui"})
    assert [a.name for a in response.context["page"].object_list] == ["Shanghai Minghui"]
    response = client.get(reverse("customers:account-list"), {"industry": "manufacturing"})
    assert [a.name for a in response.context["page"].object_list] == ["Shanghai Minghui"]


def test_account_detail_shows_contacts(client, setup):
    ContactFactory(account=setup["mine"], name="Wang Jianguo")
    client.force_login(setup["owner"])
    response = client.get(setup["mine"].get_absolute_url())
    assert response.status_code == 200
    assert "Wang Jianguo" in text(response)


@pytest.mark.parametrize("role", ["marketing", "sales"])
def test_create_account(client, role):
    user = user_with(role)
    client.force_login(user)
    assert client.get(reverse("customers:account-create")).status_code == 200
    response = client.post(reverse("customers:account-create"), account_form())
    account = Account.objects.get()
    assert response.status_code == 302
    assert response["Location"] == account.get_absolute_url()
    assert account.owner == user
    assert account.name == "Hangzhou Cloudpeak Software"


@pytest.mark.parametrize("role", READ_ONLY)
def test_create_account_refused_for_read_only_roles(client, role):
    client.force_login(user_with(role))
    assert client.get(reverse("customers:account-create")).status_code == 403
    assert client.post(reverse("customers:account-create"), account_form()).status_code == 403
    assert not Account.objects.exists()


@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"name": ""}, "name"),
        ({"website": "not a url"}, "website"),
        ({"email": "nope"}, "email"),
        ({"credit_limit": "lots"}, "credit_limit"),
        ({"credit_limit": "-5"}, "credit_limit"),
        ({"currency": "DOGE"}, "currency"),
        ({"industry": "piracy"}, "industry"),
    ],
)
def test_create_account_bad_input_is_400_and_creates_nothing(client, overrides, field):
    client.force_login(user_with("marketing"))
    response = client.post(reverse("customers:account-create"), account_form(**overrides))
    assert response.status_code == 400
    assert field in response.context["form"].errors
    for error in response.context["form"].errors[field]:
        assert error in text(response)
    assert not Account.objects.exists()


def test_edit_own_account(client, setup):
    client.force_login(setup["owner"])
    url = reverse("customers:account-edit", args=[setup["mine"].pk])
    assert client.get(url).status_code == 200
    response = client.post(url, account_form(name="Mine Renamed"))
    assert response.status_code == 302
    account = Account.objects.get(pk=setup["mine"].pk)
    assert account.name == "Mine Renamed"
    assert account.owner == setup["owner"]  # the form cannot change the owner


def test_edit_account_bad_input_changes_nothing(client, setup):
    client.force_login(setup["owner"])
    url = reverse("customers:account-edit", args=[setup["mine"].pk])
    response = client.post(url, account_form(name="", email="bad"))
    assert response.status_code == 400
    assert Account.objects.get(pk=setup["mine"].pk).name == "Mine Ltd"


@pytest.mark.parametrize("who, status", [("other", 404), ("finance", 403), ("manager", 403)])
def test_edit_account_refused(client, setup, who, status):
    user = setup[who] if who in setup else user_with(who)
    client.force_login(user)
    url = reverse("customers:account-edit", args=[setup["mine"].pk])
    assert client.get(url).status_code == status
    assert client.post(url, account_form(name="Hijack")).status_code == status
    assert Account.objects.get(pk=setup["mine"].pk).name == "Mine Ltd"


def test_account_list_runs_a_fixed_number_of_queries(client, setup):
    client.force_login(user_with("marketing"))
    client.get(reverse("customers:account-list"))
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("customers:account-list"))
    for i in range(30):
        AccountFactory(owner=setup["owner"], name=f"Bulk {i:02d}")
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("customers:account-list"))
    assert len(many) == len(few)


# --- contacts --------------------------------------------------------------------------------


def contact_form(account, **overrides):
    data = {"account": account.pk, "name": "Li Na", "email": "li.na@example.cn", "language": "en"}
    data.update(overrides)
    return data


def test_contacts_follow_account_visibility(client, setup):
    mine = ContactFactory(account=setup["mine"])
    theirs = ContactFactory(account=setup["theirs"])
    client.force_login(setup["owner"])
    response = client.get(reverse("customers:contact-list"))
    assert response.status_code == 200
    assert {c.pk for c in response.context["page"].object_list} == {mine.pk}
    assert client.get(theirs.get_absolute_url()).status_code == 404
    assert client.get(mine.get_absolute_url()).status_code == 200
    client.force_login(user_with("service"))
    response = client.get(reverse("customers:contact-list"))
    assert {c.pk for c in response.context["page"].object_list} == {mine.pk, theirs.pk}


def test_create_contact_on_own_account(client, setup):
    client.force_login(setup["owner"])
    response = client.post(reverse("customers:contact-create"), contact_form(setup["mine"]))
    assert response.status_code == 302
    contact = Contact.objects.get()
    assert contact.account == setup["mine"]


def test_create_contact_on_someone_elses_account_is_refused(client, setup):
    client.force_login(setup["owner"])
    response = client.post(reverse("customers:contact-create"), contact_form(setup["theirs"]))
    assert response.status_code == 400
    assert "account" in response.context["form"].errors
    assert not Contact.objects.exists()


def test_create_contact_bad_input(client, setup):
    client.force_login(setup["owner"])
    response = client.post(
        reverse("customers:contact-create"), contact_form(setup["mine"], name="", email="x@")
    )
    assert response.status_code == 400
    assert {"name", "email"} <= set(response.context["form"].errors)
    assert not Contact.objects.exists()


@pytest.mark.parametrize("role", READ_ONLY)
def test_create_contact_refused_for_read_only_roles(client, setup, role):
    client.force_login(user_with(role))
    url = reverse("customers:contact-create")
    assert client.get(url).status_code == 403
    assert client.post(url, contact_form(setup["mine"])).status_code == 403
    assert not Contact.objects.exists()


def test_edit_contact(client, setup):
    contact = ContactFactory(account=setup["mine"], name="Old Name")
    client.force_login(setup["owner"])
    url = reverse("customers:contact-edit", args=[contact.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, contact_form(setup["mine"], name="New Name"))
    assert response.status_code == 302
    assert Contact.objects.get(pk=contact.pk).name == "New Name"
    client.force_login(setup["other"])
    assert client.post(url, contact_form(setup["mine"], name="Hijack")).status_code == 404
    assert Contact.objects.get(pk=contact.pk).name == "New Name"


def test_account_page_lists_only_the_leads_the_user_may_see(client, setup):
    from leads.tests.factories import LeadFactory

    visible = LeadFactory(owner=setup["owner"], account=setup["mine"], name="Visible Lead Person")
    hidden = LeadFactory(owner=setup["other"], account=setup["mine"], name="Hidden Lead Person")
    client.force_login(setup["owner"])
    response = client.get(setup["mine"].get_absolute_url())
    assert [lead.pk for lead in response.context["leads"]] == [visible.pk]
    assert "Hidden Lead Person" not in text(response)
    # finance sees the account but no lead at all
    client.force_login(user_with("finance"))
    response = client.get(setup["mine"].get_absolute_url())
    assert response.status_code == 200
    assert list(response.context["leads"]) == []
    assert "Visible Lead Person" not in text(response)
    # marketing sees every lead of the account
    client.force_login(user_with("marketing"))
    response = client.get(setup["mine"].get_absolute_url())
    assert {lead.pk for lead in response.context["leads"]} == {visible.pk, hidden.pk}
