"""Custom fields in the import templates and the imports: the templates carry a column per
field the user may fill, headed by its label in the user's language (required ones marked);
a filled template imports with its values; a required field is refused on every row even
when the file has no column for it, as the form refuses it."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import translation
from openpyxl import load_workbook

from customers.models import Account
from customfields.models import FieldType
from customfields.tests.factories import define
from leads.importer import import_leads
from leads.models import Lead
from ltc.tests.importing import by_line, csv_file, run, xlsx_file
from roles.tests.factories import user_with

pytestmark = pytest.mark.django_db


@pytest.fixture
def fields():
    return {
        "tier": define("account", "tier", FieldType.CHOICE, label_en="Tier", label_zh="客户等级",
                       choices=["A", "B"]),
        "volume": define("account", "volume", FieldType.MONEY, label_en="Annual volume",
                         label_zh="年采购额"),
        "rating": define("account", "rating", FieldType.INTEGER, label_en="Rating",
                         label_zh="评级", edit_roles=["manager"]),
        "margin": define("account", "margin", FieldType.TEXT, label_en="Secret margin",
                         label_zh="毛利", view_roles=["manager"]),
    }  # fmt: skip


def browser(user, language="en") -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(user)
    return client


def csv_rows(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


@pytest.mark.parametrize(
    "language,tier,volume,currency",
    [("en", "Tier", "Annual volume", "Annual volume currency"),
     ("zh-hans", "客户等级", "年采购额", "年采购额币种")],
)  # fmt: skip
def test_the_template_has_a_column_per_field_the_user_may_fill(fields, language, tier, volume,
                                                               currency):  # fmt: skip
    client = browser(user_with("marketing"), language)
    answer = client.get("/imports/accounts/template.csv")
    assert answer.status_code == 200
    rows = csv_rows(answer.content)
    header = rows[0]
    assert header[0].startswith("name") and header[-3:] == [tier, volume, currency]
    assert not any(h.startswith(("Rating", "评级", "Secret", "毛利")) for h in header)
    help_lines = " ".join(r[0] for r in rows if r and r[0].startswith("#"))
    assert "A, B" in help_lines  # the allowed values of the choice
    page = client.get("/imports/accounts/").content.decode()
    assert tier in page

    book = load_workbook(io.BytesIO(client.get("/imports/accounts/template.xlsx").content))
    first = [c.value for c in next(book.worksheets[0].iter_rows(max_row=1))]
    assert tier in first and volume in first


def test_a_manager_gets_every_field_and_a_required_one_is_marked(fields):
    define("account", "region", FieldType.TEXT, label_en="Region", required=True)
    header = csv_rows(
        browser(user_with("marketing", "manager")).get("/imports/accounts/template.csv").content
    )[0]
    assert {"Tier", "Rating", "Secret margin", "Region*"} <= set(header)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_a_filled_template_imports_with_its_values(fields, fmt, language):
    marketing = user_with("marketing")
    client = browser(marketing, language)
    header = csv_rows(client.get("/imports/accounts/template.csv").content)[0]
    row = [""] * len(header)
    row[0] = "华东机械"
    row[-3:] = ["B", "80000", "USD"]
    if fmt == "csv":
        buffer = io.StringIO()
        csv.writer(buffer).writerows([header, row])
        upload = csv_file(buffer.getvalue())
    else:
        upload = xlsx_file([header, row])
    with translation.override(language):
        report = run("accounts", marketing, upload)
    assert report.errors == [], report.errors
    assert Account.objects.get().custom == {
        "tier": "B",
        "volume": {"amount": "80000.00", "currency": "USD"},
    }


def test_the_label_in_either_language_is_accepted(fields):
    marketing = user_with("marketing")
    text = "name,客户等级\nAcme,A\n"
    with translation.override("en"):
        report = run("accounts", marketing, csv_file(text))
    assert report.errors == [], report.errors
    assert Account.objects.get().custom["tier"] == "A"


def test_a_required_field_is_refused_on_each_row_without_its_column(fields):
    define("account", "region", FieldType.TEXT, label_en="Region", label_zh="区域", required=True)
    marketing = user_with("marketing")
    report = run("accounts", marketing, csv_file("name,Tier\nAcme,A\nGlobex,B\n"))
    assert report.created == 0 and not Account.objects.exists()
    lines = by_line(report)
    assert lines[2] == "Region is required." and lines[3] == "Region is required."

    report = run("accounts", marketing, csv_file("name,Region\nAcme,East\nGlobex,\n"))
    assert report.created == 0
    assert by_line(report) == {3: "Region is required."}

    report = run("accounts", marketing, csv_file("name,区域\nAcme,East\n"))
    assert report.errors == [] and Account.objects.get().custom == {"region": "East"}


def test_a_required_field_the_importer_may_not_edit_is_not_asked_of_them(fields):
    define("account", "audit", FieldType.TEXT, required=True, edit_roles=["manager"])
    report = run("accounts", user_with("marketing"), csv_file("name\nAcme\n"))
    assert report.errors == [] and Account.objects.count() == 1
    report = run("accounts", user_with("marketing", "manager"), csv_file("name\nGlobex\n"))
    assert report.created == 0 and "Audit is required." in str(report.errors)


def test_a_required_lead_field_is_refused_without_its_column():
    define("lead", "industry", FieldType.TEXT, label_en="Industry", required=True)
    marketing = user_with("marketing")
    text = "name,email\nLiu,liu@example.cn\nWang,wang@example.cn\n"
    report = import_leads(file=SimpleUploadedFile("l.csv", text.encode()), user=marketing)
    assert report.created == 0 and not Lead.objects.exists()
    assert {e.row for e in report.errors} == {2, 3}
    assert all("Industry is required." in e.reasons for e in report.errors)


def test_the_lead_import_page_lists_the_custom_columns():
    define("lead", "industry", FieldType.TEXT, label_en="Industry", label_zh="行业", required=True)
    define("lead", "margin", FieldType.TEXT, label_en="Secret margin", edit_roles=["manager"])
    page = browser(user_with("marketing"), "zh-hans").get("/leads/import/").content.decode()
    assert 'data-testid="custom-column">行业*<' in page and "Secret margin" not in page
