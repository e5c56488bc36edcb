"""Opening receivables (billing.importers): open invoices with their balances, numbered and
marked as opening, seen by AR aging, DSO, dunning and the KPI receivables."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from billing import dunning, reports
from billing.models import Invoice, InvoiceStatus, NumberCounter
from billing.tests.factories import finance_user, pay
from customers.tests.factories import AccountFactory
from ltc.tests.importing import by_line, csv_file, run, xlsx_file

pytestmark = pytest.mark.django_db


def days_ago(n: int) -> str:
    return (timezone.localdate() - datetime.timedelta(days=n)).isoformat()


@pytest.fixture
def finance():
    return finance_user()


@pytest.fixture
def acme():
    return AccountFactory(name="Acme", tax_id="TAX-1")


def opening_file():
    return csv_file(
        "number,account,account_tax_id,currency,issue_date,due_date,total,balance,notes\n"
        f'HD-0815,Acme,,CNY,{days_ago(100)},{days_ago(70)},"113,000.00",56500,first half paid\n'
        f",,TAX-1,CNY,{days_ago(10)},{days_ago(-20)},1000,,\n"
        f",Acme,,USD,{days_ago(5)},{days_ago(-25)},800,300,\n"
    )


def test_open_invoices_are_issued_with_their_balances(finance, acme):
    report = run("opening-invoices", finance, opening_file())
    assert report.errors == [] and report.created == 3
    old = Invoice.objects.get(number="HD-0815")  # the old system's number is kept
    assert old.opening and old.opening_balance == Decimal("56500.00")
    assert (old.total, old.amount_paid, old.balance) == (
        Decimal("113000.00"),
        Decimal("56500.00"),
        Decimal("56500.00"),
    )
    assert old.status == InvoiceStatus.OVERDUE  # past due with a balance
    fresh = Invoice.objects.filter(number__startswith="OPN-").order_by("number")
    assert [i.number[-6:] for i in fresh] == ["000001", "000002"]
    assert [(i.status, i.balance) for i in fresh] == [
        (InvoiceStatus.ISSUED, Decimal("1000.00")),
        (InvoiceStatus.PARTIALLY_PAID, Decimal("300.00")),
    ]
    assert NumberCounter.objects.get(series="OPN", year=fresh[0].issue_date.year).last == 2
    line = old.lines.get()
    assert line.total == old.total and "HD-0815" in line.description


def test_aging_dso_dunning_and_payments_see_opening_invoices(finance, acme, settings):
    run("opening-invoices", finance, opening_file())
    aging = reports.ar_aging()
    cny = next(t for t in aging["totals"] if t["currency"] == "CNY")
    assert cny["total"] == Decimal("57500.00") and cny["d61_90"] == Decimal("56500.00")
    dso = {row["currency"]: row for row in reports.dso()}
    assert dso["CNY"]["open_receivables"] == Decimal("57500.00")
    settings.LTC = {**settings.LTC, "DUNNING_DAYS": [7, 30, 60]}
    assert dunning.send_dunning() == 1
    old = Invoice.objects.get(number="HD-0815")
    assert old.dunning.get().days == 60
    pay(old, "56500.00")
    old.refresh_from_db()
    assert (old.status, old.balance) == (InvoiceStatus.PAID, Decimal("0.00"))


def test_kpi_receivables_start_at_the_opening_balance(finance, acme):
    from kpis.metrics import receivables

    run("opening-invoices", finance, opening_file())
    today = timezone.localdate()
    rows = [r for r in receivables(today, today) if r.currency == "CNY"]
    assert sum(r.num for r in rows) == Decimal("57500.00")


BAD = (
    "number,account,currency,issue_date,due_date,total,balance\n"
    f"OK-1,Acme,CNY,{days_ago(3)},{days_ago(-27)},100,100\n"  # 2
    f"INV-2026-000001,Acme,CNY,{days_ago(3)},{days_ago(-27)},100,\n"  # 3: the CRM's series
    f"OK-1,Acme,CNY,{days_ago(3)},{days_ago(-27)},100,\n"  # 4: repeated number
    f"B-1,Acme,CNY,{days_ago(3)},{days_ago(-27)},100,150\n"  # 5: balance above total
    f"B-2,Acme,CNY,{days_ago(-3)},{days_ago(-27)},100,\n"  # 6: issued in the future
    f"B-3,Acme,CNY,{days_ago(3)},{days_ago(5)},100,\n"  # 7: due before issued
    f"B-4,Nobody,CNY,{days_ago(3)},{days_ago(-27)},100,\n"  # 8: unknown account
    f"B-5,Acme,CNY,{days_ago(3)},{days_ago(-27)},100,0\n"  # 9: nothing open
    "B-6,Acme,CNY,,,100,\n"  # 10: no dates
)


def test_bad_rows_in_both_modes(finance, acme):
    report = run("opening-invoices", finance, csv_file(BAD))
    lines = by_line(report)
    assert sorted(lines) == [3, 4, 5, 6, 7, 8, 9, 10]
    assert "own invoice series" in lines[3]
    assert "Duplicate of line 2" in lines[4]
    assert "larger than the total" in lines[5]
    assert "future" in lines[6]
    assert "before the issue date" in lines[7]
    assert "No account “Nobody”" in lines[8]
    assert "balance above zero" in lines[9]
    assert "Issue date is required" in lines[10] and "Due date is required" in lines[10]
    assert not Invoice.objects.exists()
    report = run("opening-invoices", finance, csv_file(BAD), only_good_rows=True)
    assert report.created == 1 and Invoice.objects.get().number == "OK-1"


def test_kept_numbers_of_the_opening_series_move_its_counter(finance, acme):
    year = timezone.localdate().year
    text = (
        "number,account,issue_date,due_date,total\n"
        f"OPN-{year}-000007,Acme,{days_ago(1)},{days_ago(-29)},10\n"
        f",Acme,{days_ago(1)},{days_ago(-29)},10\n"
    )
    report = run("opening-invoices", finance, csv_file(text))
    assert report.errors == []
    assert set(Invoice.objects.values_list("number", flat=True)) == {
        f"OPN-{year}-000007",
        f"OPN-{year}-000008",
    }


def test_gbk_chinese_headers_and_xlsx(finance, acme):
    text = (
        "发票号码,客户名称,开票日期,到期日,价税合计,未收金额\n"
        f"A-9,Acme,{days_ago(2)},{days_ago(-28)},￥2000,500\n"
    )
    report = run("opening-invoices", finance, csv_file(text, encoding="gbk"))
    assert report.errors == []
    assert Invoice.objects.get(number="A-9").balance == Decimal("500.00")
    report = run(
        "opening-invoices",
        finance,
        xlsx_file(
            [
                ["Number", "Account", "Issue date", "Due date", "Total"],
                [
                    "X-1",
                    "Acme",
                    timezone.localdate() - datetime.timedelta(days=1),
                    timezone.localdate() + datetime.timedelta(days=30),
                    99.5,
                ],
            ]
        ),
    )
    assert report.errors == []
    assert Invoice.objects.get(number="X-1").balance == Decimal("99.50")


@pytest.mark.parametrize("role", ["sales", "marketing", "manager", "operations"])
def test_only_finance_imports_opening_receivables(role, acme):
    from roles.tests.factories import user_with

    with pytest.raises(PermissionDenied):
        run("opening-invoices", user_with(role), opening_file())
    assert not Invoice.objects.exists()


def test_the_invoice_pages_mark_an_opening_invoice(client, finance, acme):
    run("opening-invoices", finance, opening_file())
    client.force_login(finance)
    old = Invoice.objects.get(number="HD-0815")
    assert 'data-testid="invoice-opening"' in client.get(old.get_absolute_url()).content.decode()
    listing = client.get("/billing/invoices/").content.decode()
    assert listing.count('data-testid="invoice-opening"') == 3
