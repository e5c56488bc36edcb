"""Open opportunities from CSV/XLSX (opportunities.importers)."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from customers.tests.factories import AccountFactory, ContactFactory
from ltc.tests.importing import by_line, csv_file, run, xlsx_file
from opportunities.models import Opportunity
from roles.tests.factories import user_with

pytestmark = pytest.mark.django_db


@pytest.fixture
def rep():
    return user_with("sales", username="rep.li")


def test_open_deals_with_stage_contact_and_owner(rep):
    acme = AccountFactory(name="Acme", tax_id="TAX-1", owner=rep)
    wang = ContactFactory(account=acme, name="Wang Wei")
    text = (
        "name,account,account_tax_id,contact,stage,amount,currency,expected_close_date,"
        "probability,source,next_step\n"
        'Acme CNC,Acme,,wang wei,proposal,"572,000.00",CNY,2026-12-20,,referral,demo\n'
        "Acme service,,TAX-1,,Negotiation,12000,USD,2027/1/15,80,web,\n"
    )
    report = run("opportunities", rep, csv_file(text))
    assert report.errors == [] and report.created == 2
    cnc = Opportunity.objects.get(name="Acme CNC")
    assert (cnc.account, cnc.contact, cnc.stage, cnc.probability, cnc.owner) == (
        acme,
        wang,
        "proposal",
        50,
        rep,
    )
    assert cnc.amount == Decimal("572000.00") and cnc.source == "referral"
    service = Opportunity.objects.get(name="Acme service")
    assert (service.stage, service.probability, service.currency) == ("negotiation", 80, "USD")
    assert str(service.expected_close_date) == "2027-01-15"


def test_bad_rows_create_nothing_then_only_the_good_ones(rep):
    acme = AccountFactory(name="Acme", owner=rep)
    AccountFactory(name="Hidden", owner=user_with("sales"))
    text = (
        "商机名称,客户名称,联系人,阶段,金额,负责人\n"
        "Good,Acme,,qualification,100,\n"  # 2
        "Won already,Acme,,won,100,\n"  # 3
        "Hidden deal,Hidden,,,100,\n"  # 4: account not visible to the importer
        "No contact,Acme,Nobody,,100,\n"  # 5
        "Bad amount,Acme,,,abc,\n"  # 6
        "Other owner,Acme,,,100,rep.wang\n"  # 7: not on the importer's team
        ",Acme,,,100,\n"  # 8: no name
    )
    user_with("sales", username="rep.wang")
    report = run("opportunities", rep, csv_file(text, encoding="gbk"))
    lines = by_line(report)
    assert sorted(lines) == [3, 4, 5, 6, 7, 8]
    assert "Only open opportunities" in lines[3]
    assert "No account “Hidden”" in lines[4]
    assert "no contact named “Nobody”" in lines[5]
    assert "not a number" in lines[6]
    assert "rep.wang" in lines[7]
    assert "required" in lines[8]
    assert not Opportunity.objects.exists()
    report = run("opportunities", rep, csv_file(text, encoding="gbk"), only_good_rows=True)
    assert report.created == 1
    assert Opportunity.objects.get().account == acme


def test_xlsx_deals(rep):
    AccountFactory(name="Acme", owner=rep)
    report = run(
        "opportunities",
        rep,
        xlsx_file([["Name", "Account", "Amount"], ["Deal", "Acme", 1500.25]]),
    )
    assert report.errors == []
    assert Opportunity.objects.get().amount == Decimal("1500.25")


@pytest.mark.parametrize("role", ["marketing", "finance", "sales_support", "service"])
def test_other_roles_may_not_import_deals(role):
    AccountFactory(name="Acme")
    with pytest.raises(PermissionDenied):
        run("opportunities", user_with(role), csv_file("name,account\nD,Acme\n"))
    assert not Opportunity.objects.exists()
