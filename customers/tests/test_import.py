"""Accounts and contacts from CSV/XLSX (customers.importers): good files, bad rows in both
modes, GBK with Chinese headers, roles, and contacts matched to their account."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from customers.models import Account, Contact
from customers.tests.factories import AccountFactory, ContactFactory
from ltc.tests.importing import by_line, csv_file, run, xlsx_file
from roles.tests.factories import TeamFactory, user_with

pytestmark = pytest.mark.django_db


@pytest.fixture
def marketing():
    return user_with("marketing", username="mkt")


@pytest.fixture
def rep():
    return user_with("sales", username="rep.li")


ACCOUNTS = (
    "name,industry,website,email,tax_id,owner,credit_limit,currency,notes\n"
    "Acme Machinery,manufacturing,acme.example.com,info@acme.example.com,TAX-1,rep.li,"
    '"50,000.00",CNY,\n'
    "Beta Retail,Retail and e-commerce,,,TAX-2,,,USD,'=not a formula\n"
)


def test_good_accounts_are_created_with_their_values(marketing, rep):
    report = run("accounts", marketing, csv_file(ACCOUNTS))
    assert (report.total, report.created, report.errors) == (2, 2, [])
    acme = Account.objects.get(name="Acme Machinery")
    assert acme.owner == rep and acme.industry == "manufacturing"
    assert acme.website == "https://acme.example.com"
    assert acme.credit_limit == Decimal("50000.00") and acme.currency == "CNY"
    beta = Account.objects.get(name="Beta Retail")
    # Label of the choice accepted; blank owner: the importer; export's formula guard removed.
    assert beta.industry == "retail" and beta.owner == marketing and beta.currency == "USD"
    assert beta.notes == "=not a formula"


BAD = (
    "name,industry,email,tax_id,owner\n"
    "Good One,,,T-10,\n"  # 2
    ",,,,\n"  # blank line: skipped, not reported
    "Existing Co,,,,\n"  # 4: name in the database (any case)
    "Bad Mail,,not-an-email,,\n"  # 5
    "Odd Industry,mining,,,\n"  # 6
    "Good Two,,,T-10,\n"  # 7: tax ID repeats line 2
    "Nobody's,,,,ghost\n"  # 8: unknown owner
    ",retail,,,\n"  # 9: no name
)


def test_bad_rows_create_nothing_and_each_is_reported(marketing):
    AccountFactory(name="EXISTING CO")
    report = run("accounts", marketing, csv_file(BAD))
    assert report.created == 0 and Account.objects.count() == 1
    lines = by_line(report)
    assert sorted(lines) == [4, 5, 6, 7, 8, 9]
    assert "exists already" in lines[4]
    assert "not a valid email" in lines[5]
    assert "mining" in lines[6] and "manufacturing" in lines[6]
    assert "Duplicate of line 2 (same tax ID)" in lines[7]
    assert "ghost" in lines[8]
    assert "Name is required" in lines[9]
    assert report.duplicates == 2


def test_only_good_rows_creates_the_good_ones(marketing):
    AccountFactory(name="EXISTING CO")
    report = run("accounts", marketing, csv_file(BAD), only_good_rows=True)
    assert report.created == 1 and report.bad == 6
    assert set(Account.objects.values_list("name", flat=True)) == {"EXISTING CO", "Good One"}


def test_gbk_csv_with_chinese_headers(marketing, rep):
    text = (
        "客户名称,行业,税号,负责人,信用额度,币种\n"
        "上海华东机械有限公司,制造业,91310000X,rep.li,￥1000,CNY\n"
    )
    report = run("accounts", marketing, csv_file(text, encoding="gbk"))
    assert report.errors == [] and report.created == 1
    account = Account.objects.get()
    assert (account.name, account.industry, account.tax_id, account.owner) == (
        "上海华东机械有限公司",
        "manufacturing",
        "91310000X",
        rep,
    )
    assert account.credit_limit == Decimal("1000.00")


def test_xlsx_accounts(marketing):
    report = run(
        "accounts",
        marketing,
        xlsx_file([["Name", "Tax ID", "Credit limit"], ["Gamma", 12345, 2500.5]]),
    )
    assert report.errors == []
    account = Account.objects.get()
    assert account.tax_id == "12345" and account.credit_limit == Decimal("2500.50")


def test_sales_owns_what_it_imports_and_may_not_give_accounts_away(rep):
    other = user_with("sales", username="rep.wang")
    text = "name,owner\nMine,\nTheirs,rep.wang\n"
    report = run("accounts", rep, csv_file(text))
    assert by_line(report) == {3: "You may not give accounts to “rep.wang”."}
    assert not Account.objects.exists()
    team = TeamFactory(lead=rep)
    team.members.add(other)
    rep = type(rep).objects.get(pk=rep.pk)  # team membership is cached per user object
    report = run("accounts", rep, csv_file(text))
    assert report.created == 2
    assert Account.objects.get(name="Mine").owner == rep
    assert Account.objects.get(name="Theirs").owner == other


@pytest.mark.parametrize("role", ["service", "finance", "operations", "sales_support"])
def test_roles_that_may_not_import_customers_are_refused(role):
    with pytest.raises(PermissionDenied):
        run("accounts", user_with(role), csv_file("name\nX\n"))
    with pytest.raises(PermissionDenied):
        run("contacts", user_with(role), csv_file("account,name\nX,Y\n"))
    assert not Account.objects.exists()


# --- contacts ------------------------------------------------------------------------------


def test_contacts_match_their_account_by_name_or_tax_id(marketing):
    acme = AccountFactory(name="Acme Machinery", tax_id="TAX-1")
    beta = AccountFactory(name="Beta Retail", tax_id="TAX-2")
    text = (
        "account,account_tax_id,name,email,is_primary,is_billing,language\n"
        "acme machinery,,Wang Wei,wang@acme.example.com,是,否,zh-hans\n"
        ",TAX-2,Anna Smith,anna@beta.example.com,0,yes,en\n"
    )
    report = run("contacts", marketing, csv_file(text))
    assert report.errors == [] and report.created == 2
    wang = Contact.objects.get(name="Wang Wei")
    anna = Contact.objects.get(name="Anna Smith")
    assert wang.account == acme and wang.is_primary and not wang.is_billing
    assert anna.account == beta and anna.is_billing and anna.language == "en"


def test_a_contact_whose_account_cannot_be_matched_is_a_bad_row(marketing):
    AccountFactory(name="Twin", tax_id="T-A")
    AccountFactory(name="Twin", tax_id="T-B")
    acme = AccountFactory(name="Acme", tax_id="TAX-1")
    ContactFactory(account=acme, name="Old Friend", email="old@acme.example.com")
    text = (
        "客户名称,客户税号,姓名,邮箱\n"
        "Nowhere Ltd,,Li Lei,li@example.com\n"  # 2: no such account
        "Twin,,Han Meimei,han@example.com\n"  # 3: two accounts so named
        "Acme,TAX-9,Zhang San,zhang@example.com\n"  # 4: tax ID unknown
        "Beta,TAX-1,Zhao Si,zhao@example.com\n"  # 5: tax ID is another account's
        ",,No Account,na@example.com\n"  # 6: neither
        "Acme,,Old Friend,OLD@acme.example.com\n"  # 7: exists already
        "Twin,T-B,Good Person,good@example.com\n"  # 8: good, tax ID settles it
    )
    report = run("contacts", marketing, csv_file(text, encoding="gbk"))
    lines = by_line(report)
    assert sorted(lines) == [2, 3, 4, 5, 6, 7]
    assert "No account “Nowhere Ltd”" in lines[2]
    assert "Several accounts are named “Twin”" in lines[3]
    assert "No account “TAX-9”" in lines[4]
    assert "is “Acme”, not “Beta”" in lines[5]
    assert "Give the account's name or tax ID" in lines[6]
    assert "exists already" in lines[7]
    assert Contact.objects.count() == 1  # all or nothing
    report = run("contacts", marketing, csv_file(text, encoding="gbk"), only_good_rows=True)
    assert report.created == 1
    assert Contact.objects.get(name="Good Person").account.tax_id == "T-B"


def test_sales_adds_contacts_only_to_accounts_it_sees(rep):
    mine = AccountFactory(name="Mine", owner=rep)
    AccountFactory(name="Someone Else's", owner=user_with("sales"))
    text = "account,name\nMine,A Person\nSomeone Else's,B Person\n"
    report = run("contacts", rep, csv_file(text), only_good_rows=True)
    # The other account is not visible: reported as not found, its name not confirmed.
    assert by_line(report) == {
        3: "No account “Someone Else's” found among the accounts you may see."
    }
    assert list(Contact.objects.values_list("account", flat=True)) == [mine.pk]
