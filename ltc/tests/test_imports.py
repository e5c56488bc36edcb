"""The shared import flow (ltc.imports): upload page → background job with progress → report,
the API, templates, size limits and roles, for every entity."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook
from rest_framework.test import APIClient

from catalog.models import Product
from customers.models import Account
from ltc.imports import get_importer, registry, run_import
from ltc.models import ImportJob
from roles.tests.factories import user_with

pytestmark = pytest.mark.django_db

ENTITIES = {
    "accounts": "marketing",
    "contacts": "marketing",
    "products": "sales_support",
    "opportunities": "sales",
    "opening-invoices": "finance",
}
# A role that may not import each entity (DESIGN.md roles; the policies name them).
REFUSED = {
    "accounts": "finance",
    "contacts": "service",
    "products": "sales",
    "opportunities": "marketing",
    "opening-invoices": "sales",
}


def test_every_entity_has_an_importer():
    assert set(registry()) == set(ENTITIES)


def upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data)


def test_upload_runs_the_job_and_the_page_shows_the_report(
    client, django_capture_on_commit_callbacks
):
    user = user_with("sales_support")
    client.force_login(user)
    data = "产品编码,产品名称,单价\nA-1,Lathe,100\nA-2,Drill,abc\n".encode("gbk")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("import-upload", args=["products"]), {"file": upload("p.csv", data)}
        )
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response.url == job.get_absolute_url()
    job.refresh_from_db()
    assert (job.entity, job.finished, job.rows_checked, job.rows_total) == (
        "products",
        True,
        3,
        3,
    )
    assert not job.file  # the upload is deleted once read
    page = client.get(job.get_absolute_url())
    assert page.status_code == 400  # a refused file: nothing created
    html = page.content.decode()
    assert 'data-testid="import-report"' in html and "abc" in html
    assert not Product.objects.exists()
    # htmx polls get the fragment, always 200
    fragment = client.get(job.get_absolute_url(), HTTP_HX_REQUEST="true")
    assert fragment.status_code == 200 and "<html" not in fragment.content.decode()


def test_a_running_job_shows_progress_and_polls(client):
    user = user_with("marketing")
    job = ImportJob.objects.create(
        entity="accounts", user=user, file_name="a.csv", rows_checked=500, rows_total=2000
    )
    client.force_login(user)
    html = client.get(job.get_absolute_url(), HTTP_HX_REQUEST="true").content.decode()
    assert 'hx-trigger="every 1s"' in html and 'aria-valuenow="25"' in html
    assert "500 of 2000 rows checked" in html


def test_only_the_uploader_sees_a_job(client):
    job = ImportJob.objects.create(entity="accounts", user=user_with("marketing"))
    client.force_login(user_with("marketing"))
    assert client.get(job.get_absolute_url()).status_code == 404


@pytest.mark.parametrize("entity", sorted(ENTITIES))
def test_wrong_roles_get_403_in_page_template_and_api(client, entity):
    user = user_with(REFUSED[entity])
    client.force_login(user)
    assert client.get(reverse("import-upload", args=[entity])).status_code == 403
    data = {"file": upload("x.csv", b"name\nX\n")}
    assert client.post(reverse("import-upload", args=[entity]), data).status_code == 403
    assert client.get(reverse("import-template", args=[entity, "csv"])).status_code == 403
    api = APIClient()
    api.force_authenticate(user)
    response = api.post(
        "/api/v1/imports/",
        {"entity": entity, "file": upload("x.csv", b"name\nX\n")},
        format="multipart",
    )
    assert response.status_code == 403
    assert not ImportJob.objects.exists()


@pytest.mark.parametrize("entity", sorted(ENTITIES))
def test_templates_in_csv_and_xlsx(client, entity):
    client.force_login(user_with(ENTITIES[entity]))
    csv_text = client.get(reverse("import-template", args=[entity, "csv"])).content
    header = csv_text.decode("utf-8-sig").splitlines()[0]
    assert header.split(",")[0].rstrip("*") in {"name", "account", "code", "number"}
    assert "# " in csv_text.decode("utf-8-sig")  # the allowed values follow the examples
    response = client.get(reverse("import-template", args=[entity, "xlsx"]))
    book = load_workbook(io.BytesIO(response.content))
    examples, allowed = book.worksheets
    assert examples.max_row >= 3  # header and example rows
    assert [c.value for c in next(allowed.iter_rows(max_row=1))] == [
        "Column",
        "Required",
        "Allowed values",
    ]
    assert client.get(reverse("import-template", args=[entity, "pdf"])).status_code == 404


@pytest.mark.parametrize("entity", sorted(ENTITIES))
def test_the_page_and_the_importer_refuse_a_file_over_the_size_limit(client, settings, entity):
    settings.LTC = {**settings.LTC, "UPLOAD_MAX_BYTES": 1024}
    user = user_with(ENTITIES[entity])
    client.force_login(user)
    data = ("name\n" + "Acme Machinery Ltd\n" * 200).encode()
    response = client.post(
        reverse("import-upload", args=[entity]), {"file": upload("big.csv", data)}
    )
    assert response.status_code == 400
    assert "a file may be at most 1.0\xa0KB" in response.content.decode()
    assert not ImportJob.objects.exists() and not Account.objects.exists()
    # The task's own check, for a file that reached it another way.
    report = run_import(get_importer(entity), file=upload("big.csv", data), user=user)
    assert report.created == 0
    assert [e.row for e in report.errors] == [1]
    assert "a file may be at most 1.0\xa0KB" in report.errors[0].reasons[0]


def test_api_queues_the_job_and_reports(settings, django_capture_on_commit_callbacks):
    api = APIClient()
    api.force_authenticate(user_with("marketing"))
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(
            "/api/v1/imports/",
            {"entity": "accounts", "file": upload("a.csv", b"name,tax_id\nAcme,T1\nBeta,T1\n")},
            format="multipart",
        )
    assert response.status_code == 202
    job = api.get(f"/api/v1/imports/{response.json()['id']}/").json()
    assert job["status"] == "finished" and job["percent"] == 100
    assert job["report"]["created"] == 0
    assert job["report"]["errors"] == [
        {"row": 3, "reasons": ["Duplicate of line 2 (same tax ID)."], "duplicate": True}
    ]
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(
            "/api/v1/imports/",
            {
                "entity": "accounts",
                "file": upload("a.csv", b"name,tax_id\nAcme,T1\nBeta,T1\n"),
                "only_good_rows": "true",
            },
            format="multipart",
        )
    assert api.get(f"/api/v1/imports/{response.json()['id']}/").json()["report"]["created"] == 1
    assert [j["entity"] for j in api.get("/api/v1/imports/").json()["results"]] == [
        "accounts",
        "accounts",
    ]


def test_api_bad_input_is_400_and_creates_no_job(settings):
    settings.LTC = {**settings.LTC, "UPLOAD_MAX_BYTES": 1024}
    api = APIClient()
    api.force_authenticate(user_with("marketing"))
    response = api.post(
        "/api/v1/imports/",
        {"entity": "accounts", "file": upload("big.csv", b"name\n" + b"Acme\n" * 400)},
        format="multipart",
    )
    assert response.status_code == 400 and "at most 1.0" in str(response.json()["file"])
    response = api.post(
        "/api/v1/imports/",
        {"entity": "planets", "file": upload("a.csv", b"name\nX\n")},
        format="multipart",
    )
    assert response.status_code == 400 and "entity" in response.json()
    assert not ImportJob.objects.exists()
