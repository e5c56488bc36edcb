"""The documents a Chinese customer accepts: quote, contract, invoice and statement PDFs carry
the company header; amounts with ¥ and thousands separators, the total in 大写; the tax amount
labelled 税额; invoice lines in the document's language; each document in zh-hans or English
whatever the reader's UI language (text extracted with pypdf)."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from billing import services as billing
from billing.models import InvoiceLine
from billing.tests.factories import issued_invoice, pay
from billing.tests.test_pdf import require_cjk_font  # noqa: F401 (fixture)
from company.models import CompanyProfile
from contracts.tests.factories import contract_in
from customers.tests.factories import AccountFactory, ContactFactory
from opportunities.models import Quote
from opportunities.tests.factories import OpportunityFactory, QuoteFactory, add_line, quote_in
from roles.tests.factories import user_with

pytestmark = pytest.mark.django_db


def text_of(pdf: bytes) -> str:
    assert pdf[:4] == b"%PDF"
    reader = PdfReader(io.BytesIO(pdf))
    # Extracted CJK text may carry spaces or line breaks between glyphs.
    return "".join("".join(page.extract_text().split()) for page in reader.pages)


@pytest.fixture
def company():
    return CompanyProfile.objects.create(
        pk=1,
        legal_name="杭州云栈软件有限公司",
        english_name="Hangzhou Yunzhan Software Co., Ltd.",
        tax_id="91110108551385082Q",
        phone="0571-8888 6666",
        bank_name="中国工商银行杭州分行",
        bank_account="1202 0210 0900 1234 567",
        quote_terms="预付30%，验收后付清。",
    )


def client_for(user, language="en") -> Client:
    client = Client()
    client.force_login(user)
    client.cookies["django_language"] = language
    return client


def test_quote_pdf_in_chinese_from_an_english_ui(company, require_cjk_font):  # noqa: F811
    sales = user_with("sales")
    contact = ContactFactory(name="王经理")
    opp = OpportunityFactory(owner=sales, account=contact.account, contact=contact)
    quote = QuoteFactory(opportunity=opp)
    add_line(quote, quantity="10", unit_price="1234.50", tax_rate="13")
    Quote.objects.filter(pk=quote.pk).update(status="approved")
    quote.refresh_from_db()
    client = client_for(sales, "en")
    response = client.get(quote.get_absolute_url(), {"format": "pdf", "lang": "zh-hans"})
    assert response.status_code == 200
    text = text_of(response.content)
    assert "杭州云栈软件有限公司" in text and "91110108551385082Q" in text
    assert "税额" in text and "税率" not in text.split("税额")[0][-3:]
    assert "¥12,345.00" in text  # the subtotal, with thousands separators
    # total 12,345.00 + 13 % = 13,949.85
    assert quote.total == Decimal("13949.85")
    assert "壹万叁仟玖佰肆拾玖元捌角伍分" in text
    assert "报价单" in text and "有效期至" in text and "预付30%" in text
    english = text_of(client.get(quote.get_absolute_url(), {"format": "pdf", "lang": "en"}).content)
    assert "Hangzhou Yunzhan Software Co., Ltd.".replace(" ", "") in english
    assert "Taxamount" in english and "Quotation" in english and "validuntil" in english


def test_the_page_offers_both_languages(company):
    sales = user_with("sales")
    opp = OpportunityFactory(owner=sales)
    quote = quote_in("approved", opportunity=opp)
    page = client_for(sales, "zh-hans").get(quote.get_absolute_url()).content.decode()
    assert "lang=zh-hans" in page and "lang=en" in page


def test_a_bad_language_falls_back_to_the_readers(company, require_cjk_font):  # noqa: F811
    finance = user_with("finance")
    invoice = issued_invoice(user=finance)
    client = client_for(finance, "en")
    url = reverse("billing:invoice-pdf", args=[invoice.pk])
    text = text_of(client.get(url, {"lang": "xx"}).content)
    assert "Taxamount" in text


def milestone_invoice(contract):
    milestone = contract.milestones.get()
    return billing.invoice_draft_from_milestone(milestone=milestone)


def test_invoice_lines_are_in_the_documents_language(company, require_cjk_font):  # noqa: F811
    from django.utils import translation

    finance = user_with("finance")
    contract = contract_in("signed", unit_price="20000.00")
    # drafted while a Chinese reader was active: the line is still written per document
    with translation.override("zh-hans"):
        invoice = milestone_invoice(contract)
    line = invoice.lines.get()
    assert line.milestone_text["contract"] == str(contract.number or contract.pk)
    client = client_for(finance, "zh-hans")
    url = reverse("billing:invoice-pdf", args=[invoice.pk])
    english = text_of(client.get(url, {"lang": "en"}).content)
    chinese = text_of(client.get(url, {"lang": "zh-hans"}).content)
    assert "ofcontract" in english and "合同" not in english.split("Description")[1][:80]
    assert "ofcontract" not in chinese and "的Allonsigning" in chinese
    assert "¥20,000.00" in chinese and "贰万元整" in chinese


def test_a_partly_paid_invoice_is_not_labelled_paid_in_full(company, require_cjk_font):  # noqa: F811
    finance = user_with("finance")
    invoice = issued_invoice(user=finance)  # 1,130.00
    pay(invoice, "100.00", user=finance)
    client = client_for(finance, "en")
    url = reverse("billing:invoice-pdf", args=[invoice.pk])
    chinese = text_of(client.get(url, {"lang": "zh-hans"}).content)
    assert "已付清" not in chinese and "已付金额（部分）" in chinese
    assert "¥1,030.00" in chinese  # the balance
    page = client.get(invoice.get_absolute_url()).content.decode()
    assert "Paid so far" in page


def test_contract_pdf_for_who_sees_the_contract(company, require_cjk_font):  # noqa: F811
    contract = contract_in("signed", unit_price="13950.00")
    owner = contract.owner
    client = client_for(owner, "en")
    url = reverse("contracts:pdf", args=[contract.pk])
    text = text_of(client.get(url, {"lang": "zh-hans"}).content)
    assert "壹万叁仟玖佰伍拾元整" in text and "税额" in text and "付款计划" in text
    assert "卖方（盖章）" in text and "买方（盖章）" in text
    other = client_for(user_with("sales"))
    assert other.get(url).status_code == 404


def test_statement_pdf_carries_the_header_and_money(company, require_cjk_font):  # noqa: F811
    finance = user_with("finance")
    account = AccountFactory(name="上海明辉制造有限公司")
    issued_invoice(
        user=finance,
        account=account,
        lines=[
            {"description": "实施服务", "quantity": "1", "unit_price": "12000", "tax_rate": "6"}
        ],
    )
    client = client_for(finance, "en")
    url = reverse("billing:statement-pdf", args=[account.pk])
    text = text_of(client.get(url, {"lang": "zh-hans"}).content)
    assert (
        "杭州云栈软件有限公司" in text and "¥12,720.00" in text and "壹万贰仟柒佰贰拾元整" in text
    )


def test_documents_print_without_a_company_profile(require_cjk_font):  # noqa: F811
    finance = user_with("finance")
    invoice = issued_invoice(user=finance)
    response = client_for(finance).get(reverse("billing:invoice-pdf", args=[invoice.pk]))
    assert response.status_code == 200 and "Invoice" in text_of(response.content)


def test_api_pdf_takes_the_language(company, require_cjk_font):  # noqa: F811
    from rest_framework.test import APIClient

    finance = user_with("finance")
    invoice = issued_invoice(user=finance)
    api = APIClient()
    api.force_authenticate(finance)
    text = text_of(api.get(f"/api/v1/invoices/{invoice.pk}/pdf/", {"lang": "zh-hans"}).content)
    assert "税额" in text and "壹仟壹佰叁拾元整" in text


def test_a_hand_typed_line_keeps_its_text(company):
    from django.utils import translation

    invoice = issued_invoice(user=user_with("finance"))
    line = InvoiceLine.objects.get(invoice=invoice)
    with translation.override("zh-hans"):
        assert line.display_description() == "Consulting"
