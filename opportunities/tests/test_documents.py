"""The quote document: printable page, PDF (Chinese rendered with a CJK font), and `send`
emailing the PDF to the contact."""

from __future__ import annotations

import re
import shutil
import subprocess
import zlib

import pytest
from django.core import mail
from django.test import Client
from rest_framework.test import APIClient

from customers.tests.factories import ContactFactory
from ltc.transitions import run
from opportunities.tests.factories import OpportunityFactory, quote_in
from roles.tests.factories import user_with

pytestmark = pytest.mark.django_db
FONT = rb"/BaseFont\s*/([A-Za-z0-9+\-_]+)"


def embedded_fonts(pdf: bytes) -> set[str]:
    names = set(re.findall(FONT, pdf))
    for match in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.S):
        try:
            names |= set(re.findall(FONT, zlib.decompress(match.group(1))))
        except zlib.error:
            continue
    return {n.decode() for n in names}


@pytest.fixture
def chinese_quote():
    if (
        not shutil.which("fc-list")
        or not subprocess.run(
            ["fc-list", ":lang=zh"], capture_output=True, text=True
        ).stdout.strip()
    ):
        pytest.skip("needs a CJK font for Chinese PDFs: apt-get install fonts-noto-cjk")
    sales = user_with("sales")
    contact = ContactFactory(name="王经理", email="wang@minghui.example.cn")
    opp = OpportunityFactory(
        owner=sales, name="华东工厂 MES 项目", account=contact.account, contact=contact
    )
    return sales, quote_in("approved", opportunity=opp)


def test_pdf_from_the_page_and_the_api_embeds_a_cjk_font(chinese_quote):
    sales, quote = chinese_quote
    client = Client()
    client.force_login(sales)
    page = client.get(quote.get_absolute_url(), {"format": "pdf"})
    assert page.status_code == 200 and page["Content-Type"] == "application/pdf"
    assert page.content.startswith(b"%PDF")
    assert any("CJK" in name for name in embedded_fonts(page.content)), embedded_fonts(page.content)
    api = APIClient()
    api.force_authenticate(sales)
    response = api.get(f"/api/v1/quotes/{quote.pk}/pdf/")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert APIClient().get(f"/api/v1/quotes/{quote.pk}/pdf/").status_code in (401, 403)
    stranger = APIClient()
    stranger.force_authenticate(user_with("sales"))
    assert stranger.get(f"/api/v1/quotes/{quote.pk}/pdf/").status_code == 404


def test_send_emails_the_pdf_to_the_contact(chinese_quote, django_capture_on_commit_callbacks):
    sales, quote = chinese_quote
    with django_capture_on_commit_callbacks(execute=True):
        quote = run(obj=quote, name="send", user=sales)
    assert quote.status == "sent"
    (message,) = mail.outbox
    assert message.to == ["wang@minghui.example.cn"]
    assert quote.number in message.subject
    (name, content, mimetype) = message.attachments[0]
    assert name == f"{quote.number}.pdf" and mimetype == "application/pdf"
    assert content.startswith(b"%PDF")


def test_send_without_a_contact_email_still_sends(django_capture_on_commit_callbacks):
    sales = user_with("sales")
    quote = quote_in("approved", opportunity=OpportunityFactory(owner=sales))
    with django_capture_on_commit_callbacks(execute=True):
        quote = run(obj=quote, name="send", user=sales)
    assert quote.status == "sent" and mail.outbox == []
