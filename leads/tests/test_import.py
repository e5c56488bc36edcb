"""Lead import from CSV/XLSX: every bad row reported, nothing created from a bad file by
default, duplicates flagged against the database and within the file."""

import datetime
import io
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from leads.importer import import_leads
from leads.models import Lead, LeadSource
from leads.phones import phone_key
from leads.scoring import lead_score
from leads.selectors import lead_list
from leads.tests.factories import LeadFactory
from notifications.models import Notification
from roles.tests.factories import user_with

pytestmark = pytest.mark.django_db

HEADER = "name,company,title,email,phone,source,budget,currency,expected_close_date,owner\n"


def csv_file(text: str, name="leads.csv", encoding="utf-8") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode(encoding), content_type="text/csv")


def xlsx_file(rows, name="leads.xlsx") -> SimpleUploadedFile:
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


def errors_by_line(report) -> dict[int, list[str]]:
    return {e.row: e.reasons for e in report.errors}


@pytest.fixture
def marketing():
    return user_with("marketing", username="mkt")


@pytest.fixture
def rep():
    return user_with("sales", username="rep.li")


MIXED = HEADER + (
    "Wang Wei,Acme,CTO,wang@acme.cn,13800000001,web,1000,CNY,2026-12-01,\n"  # 2 good
    ",NoName Co,,noname@x.cn,,,,,,\n"  # 3 no name
    "Bad Mail,Beta,,not-an-email,,,-5,,,\n"  # 4 bad email + negative budget
    "\n"  # 5 blank line: skipped, still counted as a line
    "Li Na,Gamma,,li@gamma.cn,,,,,2026-13-45,\n"  # 6 bad date
    'Zhao Lei,Delta,,,+86 139 0000 0002,referral,"12,500.50",usd,2026/11/30,\n'  # 7 good
    "Sun Yu,Epsilon,,sun@eps.cn,,radio,,XYZ,,nobody\n"  # 8 source, currency, owner
    "No Contact,Zeta,,,,,,,,\n"  # 9 neither email nor phone
)


def test_bad_rows_create_nothing_and_every_bad_row_is_reported(marketing):
    report = import_leads(file=csv_file(MIXED), user=marketing)

    assert Lead.objects.count() == 0
    assert report.created == 0
    assert report.total == 7
    assert report.good == 2
    errors = errors_by_line(report)
    assert sorted(errors) == [3, 4, 6, 8, 9]
    assert errors[3] == ["Name is required."]
    assert any("not a valid email" in r for r in errors[4])
    assert "Budget cannot be negative." in errors[4]
    assert len(errors[4]) == 2
    assert errors[6] == ["“2026-13-45” is not a date: use YYYY-MM-DD or YYYY/MM/DD."]
    assert len(errors[8]) == 3
    assert any("Unknown source “radio”" in r for r in errors[8])
    assert any("Unknown currency “XYZ”" in r for r in errors[8])
    assert any("“nobody” is not an active salesperson" in r for r in errors[8])
    assert errors[9] == ["Give an email or a phone number."]
    assert report.duplicates == 0


def test_only_good_rows_imports_the_good_ones(marketing):
    report = import_leads(file=csv_file(MIXED), user=marketing, only_good_rows=True)

    assert report.created == 2
    assert len(report.errors) == 5
    wang = Lead.objects.get(email="wang@acme.cn")
    assert (wang.name, wang.company, wang.title, wang.source) == ("Wang Wei", "Acme", "CTO", "web")
    assert wang.budget == Decimal("1000.00")
    assert wang.expected_close_date == datetime.date(2026, 12, 1)
    assert wang.created_by == marketing
    assert wang.owner is None
    assert wang.status == "new"
    assert wang.score == lead_score(wang, activity_count=0) > 0
    zhao = Lead.objects.get(name="Zhao Lei")
    assert zhao.budget == Decimal("12500.50")
    assert zhao.currency == "USD"
    assert zhao.expected_close_date == datetime.date(2026, 11, 30)
    assert zhao.phone_key == "13900000002"


def test_source_defaults_to_import_and_accepts_labels(marketing):
    text = HEADER + "A,,,a@x.cn,,,,,,\nB,,,b@x.cn,,Cold call,,,,\nC,,,c@x.cn,,COLD_CALL,,,,\n"
    report = import_leads(file=csv_file(text), user=marketing)
    assert report.created == 3, report.errors
    sources = dict(Lead.objects.values_list("name", "source"))
    assert sources == {"A": LeadSource.IMPORT, "B": "cold_call", "C": "cold_call"}


def test_duplicates_against_the_database_and_within_the_file(marketing):
    existing = LeadFactory(email="Dup@Example.com", phone="+86 138 0000 1111", company="Acme Ltd")
    text = HEADER + (
        "One,New Co 1,,DUP@example.com,,,,,,\n"  # 2 email, case-insensitive
        "Two,New Co 2,,two@x.cn,138-0000-1111,,,,,\n"  # 3 phone, other formatting
        "Three,  acme LTD ,,three@x.cn,,,,,,\n"  # 4 company, case and spaces
        "Four,Solo Co,,four@x.cn,010-6000 0001,,,,,\n"  # 5 good
        "Five,Other Co,,FOUR@x.cn,,,,,,\n"  # 6 email of line 5
        "Six,Another Co,,six@x.cn,+86 10 6000 0001,,,,,\n"  # 7 phone of line 5
        "Seven,solo co,,seven@x.cn,,,,,,\n"  # 8 company of line 5
    )
    report = import_leads(file=csv_file(text), user=marketing)

    errors = errors_by_line(report)
    assert sorted(errors) == [2, 3, 4, 6, 7, 8]
    assert errors[2] == [f"Duplicate of lead #{existing.pk} (same email)."]
    assert errors[3] == [f"Duplicate of lead #{existing.pk} (same phone)."]
    assert errors[4] == [f"Duplicate of lead #{existing.pk} (same company name)."]
    assert errors[6] == ["Duplicate of line 5 (same email)."]
    assert errors[7] == ["Duplicate of line 5 (same phone)."]
    assert errors[8] == ["Duplicate of line 5 (same company name)."]
    assert report.duplicates == 6
    assert all(e.duplicate for e in report.errors)
    assert report.good == 1
    assert Lead.objects.count() == 1

    report = import_leads(file=csv_file(text), user=marketing, only_good_rows=True)
    assert report.created == 1
    assert Lead.objects.filter(name="Four").exists()


def test_a_row_can_be_both_invalid_and_duplicate(marketing):
    LeadFactory(email="dup@x.cn")
    report = import_leads(file=csv_file(HEADER + ",,,dup@x.cn,,,,,,\n"), user=marketing)
    (error,) = report.errors
    assert error.row == 2
    assert error.reasons[0] == "Name is required."
    assert error.reasons[1].startswith("Duplicate of lead #")
    assert report.duplicates == 1


def test_xlsx_with_numbers_and_dates(marketing):
    upload = xlsx_file(
        [
            ["Name", "Company", "Email", "Phone", "Budget", "Expected close date", "Notes"],
            ["Chen Jie", "Omega", "chen@omega.cn", 13812345678, 250000, datetime.date(2027, 1, 15)],
            [None, None, None, None, None, None, None],
            ["Bad", "Psi", "bad@@psi", None, "lots", None, "x"],
            ["Hu Bo", "Chi", None, "021-5555 0000", 99.5, datetime.datetime(2027, 2, 1), "ok"],
        ]
    )
    report = import_leads(file=upload, user=marketing)
    assert report.total == 3
    assert errors_by_line(report).keys() == {4}
    assert len(report.errors[0].reasons) == 2
    assert Lead.objects.count() == 0

    upload.seek(0)
    report = import_leads(file=upload, user=marketing, only_good_rows=True)
    assert report.created == 2
    chen = Lead.objects.get(name="Chen Jie")
    assert chen.phone == "13812345678"  # not "13812345678.0"
    assert chen.budget == Decimal("250000.00")
    assert chen.expected_close_date == datetime.date(2027, 1, 15)
    hu = Lead.objects.get(name="Hu Bo")
    assert hu.budget == Decimal("99.50")
    assert hu.expected_close_date == datetime.date(2027, 2, 1)
    assert hu.notes == "ok"


def test_xlsx_line_numbers_are_sheet_rows(marketing):
    upload = xlsx_file(
        [[None], [None], ["姓名", "邮箱"], ["A", "a@x.cn"], [None, None], ["", "b@x.cn"]]
    )
    report = import_leads(file=upload, user=marketing)
    assert errors_by_line(report) == {6: ["Name is required."]}
    assert report.total == 2


def test_a_file_with_only_a_header_is_reported(marketing):
    report = import_leads(file=csv_file(HEADER), user=marketing)
    assert report.total == 0 and report.created == 0
    assert errors_by_line(report) == {1: ["The file has no data rows."]}


def test_gbk_csv_with_chinese_headers(marketing, rep):
    text = (
        "姓名,公司,职位,邮箱,电话,来源,预算,预计成交日期,负责人,备注\n"
        "张伟,华为技术有限公司,采购经理,zhang@huawei.cn,138 0013 8000,"
        "转介绍,50000,2026/12/31,rep.li,重点客户\n"
        "李娜,,,,,网站,,,,\n"
    )
    upload = csv_file(text, encoding="gbk")
    report = import_leads(file=upload, user=marketing)
    assert errors_by_line(report) == {3: ["Give an email or a phone number."]}

    report = import_leads(file=upload, user=marketing, only_good_rows=True)
    assert report.created == 1
    lead = Lead.objects.get()
    assert (lead.name, lead.company, lead.title) == ("张伟", "华为技术有限公司", "采购经理")
    assert lead.source == LeadSource.REFERRAL
    assert lead.budget == Decimal("50000.00")
    assert lead.notes == "重点客户"
    assert lead.owner == rep


def test_utf8_bom_and_semicolons(marketing):
    text = "\ufeffName;Email;Phone\nÅsa Öberg;asa@example.se;\n"
    report = import_leads(file=csv_file(text), user=marketing)
    assert report.created == 1, report.errors
    assert Lead.objects.get().name == "Åsa Öberg"


def test_owner_column_grants_object_permissions_and_notifies(
    marketing, rep, django_capture_on_commit_callbacks
):
    text = HEADER + "A,,,a@x.cn,,,,,,rep.li\nB,,,b@x.cn,,,,,,REP.LI\nC,,,c@x.cn,,,,,,\n"
    with django_capture_on_commit_callbacks(execute=True):
        report = import_leads(file=csv_file(text), user=marketing)
    assert report.created == 3
    a = Lead.objects.get(name="A")
    assert a.owner == rep and a.assigned_at is not None
    assert rep.has_perm("leads.view_lead", a) and rep.has_perm("leads.change_lead", a)
    assert set(lead_list(user=rep).values_list("name", flat=True)) == {"A", "B"}
    assert Lead.objects.get(name="C").owner is None
    (note,) = Notification.objects.filter(recipient=rep)
    assert note.title == "2 imported leads assigned to you"


def test_sales_import_owns_its_leads_and_may_not_assign_others(rep):
    other = user_with("sales", username="rep.wu")
    text = HEADER + "Mine,,,m@x.cn,,,,,,\nTheirs,,,t@x.cn,,,,,,rep.wu\n"
    report = import_leads(file=csv_file(text), user=rep)
    assert errors_by_line(report) == {3: ["Only marketing assigns leads to other salespeople."]}
    report = import_leads(file=csv_file(text), user=rep, only_good_rows=True)
    mine = Lead.objects.get()
    assert mine.owner == rep
    assert not Lead.objects.filter(owner=other).exists()


@pytest.mark.parametrize("role", ["manager", "finance", "service", "operations", None])
def test_roles_that_may_not_import_are_refused(role):
    user = user_with(role) if role else user_with()
    with pytest.raises(PermissionDenied):
        import_leads(file=csv_file(HEADER + "A,,,a@x.cn,,,,,,\n"), user=user)
    assert Lead.objects.count() == 0


def test_header_problems_are_reported_on_line_1(marketing):
    report = import_leads(file=csv_file("company,city\nAcme,Beijing\n"), user=marketing)
    assert report.total == 1
    (error,) = report.errors
    assert error.row == 1
    assert len(error.reasons) == 2  # no name column; neither email nor phone column
    report = import_leads(file=csv_file("name,email,e-mail\nA,a@x.cn,\n"), user=marketing)
    assert report.errors[0].row == 1 and "Two columns" in report.errors[0].reasons[0]


@pytest.mark.parametrize(
    "content,name",
    [(b"", "empty.csv"), (b"PK\x03\x04garbage", "broken.xlsx"), (b"\xd0\xcf\x11\xe0", "old.xls")],
)
def test_unreadable_files_are_reported_not_raised(marketing, content, name):
    report = import_leads(file=SimpleUploadedFile(name, content), user=marketing)
    assert report.created == 0
    assert report.errors[0].row == 1 and report.errors[0].reasons
    assert Lead.objects.count() == 0


def test_import_runs_a_bounded_number_of_queries(marketing, rep):
    def run(rows):
        lines = "".join(f"P{i},Co {rows}-{i},,p{rows}-{i}@x.cn,,,,,,rep.li\n" for i in range(rows))
        with CaptureQueriesContext(connection) as ctx:
            report = import_leads(file=csv_file(HEADER + lines), user=marketing)
        assert report.created == rows
        return len(ctx.captured_queries)

    run(5)  # warm the per-process caches (content types, the user's roles)
    small, large = run(20), run(400)
    if connection.vendor == "postgresql":
        assert small == large
    else:  # SQLite caps the parameters of one INSERT: a few more batches, never one per row
        assert large < 400 / 10


def test_view_shows_the_report(client, marketing):
    client.force_login(marketing)
    url = reverse("leads:import")
    assert client.get(url).status_code == 200

    response = client.post(url, {"file": csv_file(MIXED)})
    assert response.status_code == 400
    body = response.content.decode()
    assert "Name is required." in body
    assert "Budget cannot be negative." in body
    assert Lead.objects.count() == 0

    response = client.post(url, {"file": csv_file(MIXED), "only_good_rows": "on"})
    assert response.status_code == 200
    assert Lead.objects.count() == 2


def test_view_refuses_other_roles(client):
    client.force_login(user_with("finance"))
    response = client.post(reverse("leads:import"), {"file": csv_file(MIXED)})
    assert response.status_code == 403
    assert Lead.objects.count() == 0


SEPARATORS = " -+()./"


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.lists(
        st.sampled_from("0123456789") | st.sampled_from(SEPARATORS), min_size=0, max_size=30
    ).map("".join),
    st.sampled_from(["", "+86 ", "0086", "86", "0"]),
)
def test_database_phone_key_matches_python(body, prefix):
    phone = (prefix + body)[:40]
    lead = LeadFactory(phone=phone)
    lead.refresh_from_db()
    assert lead.phone_key == phone_key(phone)
    lead.delete()
