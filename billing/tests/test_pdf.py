"""The invoice and statement PDFs render, Chinese included (needs a CJK font: Debian's
fonts-noto-cjk, installed by .ci/run)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import zlib

import pytest
from rest_framework.test import APIClient

from billing.tests.factories import issued_invoice
from customers.tests.factories import AccountFactory
from roles.tests.factories import user_with

pytestmark = pytest.mark.django_db


def cjk_font_installed() -> bool:
    if not shutil.which("fc-list"):
        return False
    out = subprocess.run(["fc-list", ":lang=zh"], capture_output=True, text=True).stdout
    return bool(out.strip())


@pytest.fixture
def require_cjk_font():
    if cjk_font_installed():
        return
    reason = "needs a CJK font for Chinese PDFs: apt-get install fonts-noto-cjk (see .ci/run)"
    if os.environ.get("LTC_REQUIRE_SERVICES") == "1":
        pytest.fail(reason)
    pytest.skip(reason)


FONT = rb"/BaseFont\s*/([A-Za-z0-9+\-_]+)"


def embedded_fonts(pdf: bytes) -> set[str]:
    """The font names of the PDF, including those inside compressed object streams."""
    names = set(re.findall(FONT, pdf))
    for match in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.S):
        try:
            names |= set(re.findall(FONT, zlib.decompress(match.group(1))))
        except zlib.error:
            continue
    return {n.decode() for n in names}


def test_invoice_pdf_embeds_a_cjk_font_for_chinese(require_cjk_font):
    finance = user_with("finance")
    account = AccountFactory(name="上海示例科技有限公司")
    invoice = issued_invoice(
        user=finance,
        account=account,
        lines=[
            {"description": "软件许可证", "quantity": "1", "unit_price": "100.00", "tax_rate": "13"}
        ],
    )
    response = APIClient()
    response.force_authenticate(finance)
    pdf = response.get(f"/api/v1/invoices/{invoice.pk}/pdf/")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    content = pdf.content
    assert content[:4] == b"%PDF"
    fonts = embedded_fonts(content)
    assert any("CJK" in f for f in fonts), fonts


def test_statement_pdf_and_only_finance(require_cjk_font):
    finance = user_with("finance")
    invoice = issued_invoice(user=finance)
    client = APIClient()
    client.force_authenticate(finance)
    response = client.get(f"/api/v1/statements/{invoice.account_id}/")
    assert response.status_code == 200 and response.content[:4] == b"%PDF"
    sales = APIClient()
    sales.force_authenticate(user_with("sales"))
    assert sales.get(f"/api/v1/statements/{invoice.account_id}/").status_code == 403
