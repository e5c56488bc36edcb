"""Products and prices from CSV/XLSX (catalog.importers)."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from catalog.models import Product
from catalog.tests.factories import ProductFactory
from ltc.imports import get_importer, template_csv, template_xlsx
from ltc.tests.importing import by_line, csv_file, run, xlsx_file
from roles.tests.factories import user_with

pytestmark = pytest.mark.django_db


@pytest.fixture
def support():
    return user_with("sales_support")


def test_good_products_with_prices(support):
    text = (
        "code,name,unit,price,currency,tax_rate,active\n"
        'HX-200,CNC HX-200,台,"286,000.00",CNY,13,是\n'
        "SVC-Y1,Service plan,year,12000,USD,6,0\n"
        "P-3,Plain,,9.9,,,\n"
    )
    report = run("products", support, csv_file(text))
    assert report.errors == [] and report.created == 3
    hx = Product.objects.get(code="HX-200")
    assert (hx.price, hx.currency, hx.tax_rate, hx.unit, hx.active) == (
        Decimal("286000.00"),
        "CNY",
        Decimal("13.00"),
        "台",
        True,
    )
    assert not Product.objects.get(code="SVC-Y1").active
    plain = Product.objects.get(code="P-3")
    assert (plain.unit, plain.currency, plain.tax_rate) == ("pcs", "CNY", Decimal("13.00"))


BAD = (
    "code,name,price,currency,tax_rate\n"
    "OK-1,Fine,10,CNY,13\n"  # 2
    "TAKEN,Existing code,10,,\n"  # 3
    "NEG,Negative,-5,,\n"  # 4
    "TAX,Tax too high,5,,130\n"  # 5
    "CUR,Odd currency,5,XYZ,\n"  # 6
    "OK-1,Repeated code,10,,\n"  # 7
    "NOPRICE,No price,,,\n"  # 8
    "FRAC,Too precise,1.005,,\n"  # 9
)


def test_bad_rows_in_both_modes(support):
    ProductFactory(code="TAKEN")
    report = run("products", support, csv_file(BAD))
    lines = by_line(report)
    assert sorted(lines) == [3, 4, 5, 6, 7, 8, 9]
    assert "exists already" in lines[3]
    assert "cannot be below 0" in lines[4]
    assert "too large" in lines[5]
    assert "XYZ" in lines[6]
    assert "Duplicate of line 2" in lines[7]
    assert "required" in lines[8]
    assert "2 decimal places" in lines[9]
    assert Product.objects.count() == 1
    report = run("products", support, csv_file(BAD), only_good_rows=True)
    assert report.created == 1
    assert set(Product.objects.values_list("code", flat=True)) == {"TAKEN", "OK-1"}


def test_gbk_chinese_headers(support):
    text = "产品编码,产品名称,单价,税率\nA-1,机床,100.5,9\n"
    report = run("products", support, csv_file(text, encoding="gbk"))
    assert report.errors == []
    product = Product.objects.get()
    assert (product.name, product.price, product.tax_rate) == (
        "机床",
        Decimal("100.50"),
        Decimal("9.00"),
    )


def test_the_templates_import_as_they_are(support):
    """The downloadable templates' example rows are good rows; the CSV's allowed-values
    lines (starting with #) are skipped."""
    importer = get_importer("products")
    report = run("products", support, csv_file(template_csv(importer).decode("utf-8")))
    assert report.errors == [] and report.created == 2
    Product.objects.all().delete()
    from django.core.files.uploadedfile import SimpleUploadedFile

    report = run("products", support, SimpleUploadedFile("t.xlsx", template_xlsx(importer)))
    assert report.errors == [] and report.created == 2


def test_xlsx_products(support):
    report = run("products", support, xlsx_file([["code", "name", "price"], ["X", "Y", 12]]))
    assert report.created == 1 and Product.objects.get().price == Decimal("12.00")


@pytest.mark.parametrize("role", ["sales", "marketing", "finance", "service"])
def test_other_roles_may_not_import_products(role):
    with pytest.raises(PermissionDenied):
        run("products", user_with(role), csv_file("code,name,price\nA,B,1\n"))
    assert not Product.objects.exists()
