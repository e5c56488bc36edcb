"""Lead files that would take a worker down are refused before they can: the issue's
attacks (a zip bomb of shared strings, millions of empty rows, a huge cell, an oversize
CSV), each made small here, get a clear refusal and write nothing. The upload returns at once
and the check runs as a Celery task whose progress the page shows."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from leads import importer
from leads.importer import import_leads
from leads.models import Lead, LeadImport
from roles.tests.factories import user_with

pytestmark = pytest.mark.django_db


@pytest.fixture
def marketing():
    return user_with("marketing")


@pytest.fixture
def limits(settings):
    def set_limits(**values):
        settings.LTC = {**settings.LTC, **values}

    return set_limits


@pytest.fixture
def no_parsing(monkeypatch):
    """Fails the test if openpyxl is asked to parse the workbook."""

    def refuse(*args, **kwargs):
        raise AssertionError("the workbook was parsed")

    monkeypatch.setattr("openpyxl.load_workbook", refuse)


def _workbook(rows) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _replace_part(xlsx: bytes, part: str, content: bytes) -> bytes:
    """The workbook with one part's content replaced (how an attacker edits the zip)."""
    source = zipfile.ZipFile(io.BytesIO(xlsx))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = content if item.filename == part else source.read(item.filename)
            target.writestr(item.filename, data)
        if part not in source.namelist():
            target.writestr(part, content)
    return out.getvalue()


def _sheet_xml(rows_xml: str) -> bytes:
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f"<sheetData>{rows_xml}</sheetData></worksheet>"
    ).encode()


def _upload(data: bytes, name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data)


def _refusal(report) -> str:
    assert report.created == 0
    assert len(report.errors) == 1 and report.errors[0].row == 1
    return report.errors[0].reasons[0]


def test_zip_bomb_of_shared_strings_is_refused_before_parsing(marketing, no_parsing):
    # 20 MB of one repeated letter compresses about a thousand times.
    bomb = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" '
        'uniqueCount="1"><si><t>' + "A" * (20 * 1024 * 1024) + "</t></si></sst>"
    ).encode()
    data = _replace_part(_workbook([["name", "email"]]), "xl/sharedStrings.xml", bomb)
    assert len(data) < 200 * 1024
    report = import_leads(file=_upload(data, "bomb.xlsx"), user=marketing)
    assert "compression bomb" in _refusal(report)
    assert not Lead.objects.exists()


def test_empty_rows_stop_at_the_default_line_cap(marketing):
    # Reading stops at the cap, so three million empty rows cost what 100,000 do; the file
    # here has 120,000 to keep the test small.
    rows = "".join(f'<row r="{n}"/>' for n in range(2, 120_002))
    sheet = _sheet_xml('<row r="1"><c r="A1" t="inlineStr"><is><t>name</t></is></c></row>' + rows)
    data = _replace_part(_workbook([["name"]]), "xl/worksheets/sheet1.xml", sheet)
    seen = []
    report = import_leads(
        file=_upload(data, "empty.xlsx"),
        user=marketing,
        progress=lambda checked, total: seen.append(checked),
    )
    assert "more than 100000 lines (blank ones included)" in _refusal(report)
    assert max(seen) <= 100_000  # refused at the cap, before the end of the file
    assert not Lead.objects.exists()


def test_blank_rows_count_towards_the_line_cap(marketing, limits):
    limits(IMPORT_MAX_SCANNED_ROWS=1000)
    rows = "".join(f'<row r="{n}"/>' for n in range(3, 20_000))
    sheet = _sheet_xml(
        '<row r="1"><c r="A1" t="inlineStr"><is><t>name</t></is></c>'
        '<c r="B1" t="inlineStr"><is><t>email</t></is></c></row>'
        '<row r="2"><c r="A2" t="inlineStr"><is><t>Wang</t></is></c>'
        '<c r="B2" t="inlineStr"><is><t>w@example.com</t></is></c></row>' + rows
    )
    data = _replace_part(_workbook([["name"]]), "xl/worksheets/sheet1.xml", sheet)
    seen = []
    report = import_leads(
        file=_upload(data, "blank.xlsx"),
        user=marketing,
        progress=lambda checked, total: seen.append(checked),
    )
    assert "more than 1000 lines" in _refusal(report)
    assert max(seen) <= 1000  # reading stopped at the cap, not at the end of the file
    assert not Lead.objects.exists()


def test_a_huge_cell_is_refused(marketing, limits):
    limits(IMPORT_MAX_CELL_CHARS=1000)
    xlsx = _workbook([["name", "email"], ["x" * 5000, "a@example.com"]])
    report = import_leads(file=_upload(xlsx, "cell.xlsx"), user=marketing)
    assert "longer than 1000 characters" in _refusal(report)
    csv = "name,email\n" + "y" * 200_000 + ",a@example.com\n"
    report = import_leads(file=_upload(csv.encode(), "cell.csv"), user=marketing)
    assert "longer than" in _refusal(report)
    assert not Lead.objects.exists()


def test_a_huge_incompressible_cell_is_refused_by_expanded_size(marketing, limits, no_parsing):
    import random

    limits(UPLOAD_MAX_EXPANDED_BYTES=2 * 1024 * 1024)
    noise = "".join(random.Random(7).choices("abcdefghijklmnopqrstuvwxyz0123456789", k=3_000_000))
    sheet = _sheet_xml(f'<row r="1"><c r="A1" t="inlineStr"><is><t>{noise}</t></is></c></row>')
    data = _replace_part(_workbook([["name"]]), "xl/worksheets/sheet1.xml", sheet)
    report = import_leads(file=_upload(data, "noise.xlsx"), user=marketing)
    assert "expands to" in _refusal(report)


def test_oversize_csv_is_refused_by_the_page_and_the_importer(client, marketing, limits):
    limits(UPLOAD_MAX_BYTES=100 * 1024)
    data = ("name,email\n" + "Wang Wei,wang@example.com\n" * 6000).encode()
    assert len(data) > 100 * 1024
    client.force_login(marketing)
    response = client.post(reverse("leads:import"), {"file": _upload(data, "big.csv")})
    assert response.status_code == 400
    assert "a file may be at most 100.0\xa0KB" in response.content.decode()
    assert not LeadImport.objects.exists() and not Lead.objects.exists()
    report = import_leads(file=_upload(data, "big.csv"), user=marketing)
    assert "at most" in _refusal(report)


def test_the_page_refuses_a_zip_bomb_at_upload(client, marketing):
    bomb = b"<sst>" + b"A" * (20 * 1024 * 1024) + b"</sst>"
    data = _replace_part(_workbook([["name", "email"]]), "xl/sharedStrings.xml", bomb)
    client.force_login(marketing)
    response = client.post(reverse("leads:import"), {"file": _upload(data, "bomb.xlsx")})
    assert response.status_code == 400
    assert "compression bomb" in response.content.decode()
    assert not LeadImport.objects.exists()


def test_csv_is_read_as_a_stream(marketing):
    """The importer never asks the upload for all its bytes at once."""
    data = ("name,email\n" + "".join(f"N{i},n{i}@example.com\n" for i in range(3000))).encode()
    reads = []

    class Recording(io.BytesIO):
        def read(self, size=-1):
            reads.append(size)
            return super().read(size)

        def read1(self, size=-1):
            reads.append(size)
            return super().read1(size)

    upload = Recording(data)
    upload.name = "stream.csv"
    report = import_leads(file=upload, user=marketing)
    assert report.created == 3000
    assert all(size is not None and 0 <= size <= 64 * 1024 for size in reads), reads


def test_upload_returns_at_once_and_the_task_reports_progress(
    client, marketing, django_capture_on_commit_callbacks
):
    data = ("name,email\n" + "".join(f"N{i},n{i}@example.com\n" for i in range(1200))).encode()
    client.force_login(marketing)
    with django_capture_on_commit_callbacks() as queued:
        response = client.post(reverse("leads:import"), {"file": _upload(data, "ok.csv")})
    job = LeadImport.objects.get()
    assert response.status_code == 302 and response["Location"] == job.get_absolute_url()
    assert job.started_at is None and not Lead.objects.exists()  # nothing checked yet
    page = client.get(job.get_absolute_url())
    assert page.status_code == 200 and 'data-testid="import-progress"' in page.content.decode()
    assert 'hx-trigger="every 1s"' in page.content.decode()

    for callback in queued:  # the worker picks the task up
        callback()
    job.refresh_from_db()
    assert job.finished_at is not None and job.rows_checked == job.rows_total == 1201
    assert Lead.objects.count() == 1200
    assert not job.file  # the stored upload is deleted once read
    poll = client.get(job.get_absolute_url(), HTTP_HX_REQUEST="true")
    body = poll.content.decode()
    assert poll.status_code == 200 and 'data-testid="import-report"' in body
    assert "hx-trigger" not in body  # polling stops with the report


def test_progress_is_recorded_while_rows_are_checked(marketing, monkeypatch):
    job = LeadImport.objects.create(
        user=marketing,
        file=SimpleUploadedFile(
            "p.csv",
            ("name,email\n" + "".join(f"N{i},n{i}@x.example\n" for i in range(1500))).encode(),
        ),
        file_name="p.csv",
    )
    seen = []
    real_update = LeadImport.objects.filter

    def spy(*args, **kwargs):
        qs = real_update(*args, **kwargs)
        row = qs.values("rows_checked", "rows_total").first()
        if row:
            seen.append((row["rows_checked"], row["rows_total"]))
        return qs

    monkeypatch.setattr(LeadImport.objects, "filter", spy)
    importer.lead_import_run(job_id=job.pk)
    checked = sorted({c for c, _t in seen if c})
    assert checked[:3] == [500, 1000, 1500]  # reported every 500 lines while reading


def test_only_the_uploader_sees_the_job(client, marketing):
    job = LeadImport.objects.create(user=marketing, file_name="a.csv", file="x.csv")
    client.force_login(user_with("marketing"))
    assert client.get(job.get_absolute_url()).status_code == 404
