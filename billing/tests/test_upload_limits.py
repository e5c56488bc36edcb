"""Bank statements and contract attachments share the upload limits (ltc/uploads.py)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from billing.models import BankStatement, BankStatementLine
from roles.tests.factories import user_with

pytestmark = pytest.mark.django_db

HEADER = "date,amount,reference,payer\n"


@pytest.fixture
def finance():
    api = APIClient()
    api.force_authenticate(user_with("finance"))
    return api


@pytest.fixture
def limits(settings):
    def set_limits(**values):
        settings.LTC = {**settings.LTC, **values}

    return set_limits


def _post(api, content: bytes):
    upload = SimpleUploadedFile("statement.csv", content, content_type="text/csv")
    return api.post(
        "/api/v1/bank-statements/", {"file": upload, "currency": "CNY"}, format="multipart"
    )


def test_oversize_statement_file_and_text_are_refused(finance, limits):
    limits(UPLOAD_MAX_BYTES=50 * 1024)
    content = HEADER + "2026-01-05,100.00,REF,Payer Ltd\n" * 3000
    response = _post(finance, content.encode())
    assert response.status_code == 400
    assert "at most 50.0\xa0KB" in response.json()["file"][0]
    response = finance.post(
        "/api/v1/bank-statements/", {"csv": content, "currency": "CNY"}, format="json"
    )
    assert response.status_code == 400 and "csv" in response.json()
    assert not BankStatement.objects.exists()


def test_blank_lines_count_towards_the_line_cap(finance, limits):
    limits(IMPORT_MAX_SCANNED_ROWS=1000)
    content = HEADER + "2026-01-05,100.00,REF,Payer Ltd\n" + "\n" * 5000
    response = _post(finance, content.encode())
    assert response.status_code == 400
    assert "More than 1000 lines" in response.json()["file"][0]
    assert not BankStatementLine.objects.exists()


def test_a_huge_cell_is_refused(finance, limits):
    limits(IMPORT_MAX_CELL_CHARS=500)
    content = HEADER + "2026-01-05,100.00," + "R" * 5000 + ",Payer\n"
    response = _post(finance, content.encode())
    assert response.status_code == 400
    assert "longer than 500 characters" in response.json()["file"][0]
    assert not BankStatement.objects.exists()


def test_the_review_page_refuses_an_oversize_file(client, limits):
    limits(UPLOAD_MAX_BYTES=10 * 1024)
    client.force_login(user_with("finance"))
    content = (HEADER + "2026-01-05,100.00,REF,Payer Ltd\n" * 1000).encode()
    upload = SimpleUploadedFile("s.csv", content, content_type="text/csv")
    response = client.post("/billing/bank/", {"file": upload, "currency": "CNY"})
    assert "a file may be at most 10.0\xa0KB" in response.content.decode()
    assert not BankStatement.objects.exists()


def test_oversize_contract_attachment_is_refused(limits):
    from contracts.models import ContractAttachment
    from contracts.tests.factories import draft_contract

    limits(UPLOAD_MAX_BYTES=1024)
    contract = draft_contract()
    api = APIClient()
    api.force_authenticate(contract.owner)
    upload = SimpleUploadedFile("big.pdf", b"%PDF" + b"x" * 4096, content_type="application/pdf")
    response = api.post(
        f"/api/v1/contracts/{contract.pk}/attachments/", {"file": upload}, format="multipart"
    )
    assert response.status_code == 400 and "file" in response.json()
    assert not ContractAttachment.objects.exists()
