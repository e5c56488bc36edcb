"""Chinese business documents and notifications in the reader's language, in a real browser:
finance downloads the Chinese invoice PDF from an English UI (its text has 税额 and the total
in 大写); two finance users get the same event and each reads it in their own language."""

import io

import pytest
from pypdf import PdfReader

from billing import services as billing
from company.models import CompanyProfile
from contracts.tests.factories import contract_in
from notifications.models import UserLanguage
from roles.tests.factories import user_with
from tests.browser.test_smoke import _login, _logout, _page, browser, role_groups  # noqa: F401

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return "".join("".join(page.extract_text().split()) for page in reader.pages)


def test_chinese_invoice_pdf_from_an_english_ui(browser, live_server):  # noqa: F811
    CompanyProfile.objects.create(
        pk=1, legal_name="杭州云栈软件有限公司", tax_id="91110108551385082Q", bank_name="工商银行"
    )
    user_with("finance", username="fang")
    contract = contract_in("signed", unit_price="13950.00")
    invoice = billing.invoice_draft_from_milestone(milestone=contract.milestones.get())

    page = _page(browser, live_server)
    _login(page, live_server, "fang")
    page.goto(f"{live_server.url}{invoice.get_absolute_url()}")
    assert "tax amount" in page.inner_text("main").lower()  # the UI stays English
    link = page.locator("[data-testid=invoice-pdf-zh-hans]")
    response = page.context.request.get(live_server.url + link.get_attribute("href"))
    assert response.ok and response.headers["content-type"] == "application/pdf"
    text = pdf_text(response.body())
    assert "税额" in text and "壹万叁仟玖佰伍拾元整" in text
    assert "杭州云栈软件有限公司" in text and "¥13,950.00" in text
    assert "ofcontract" not in text  # the line is written in Chinese too
    english = page.context.request.get(
        live_server.url + page.locator("[data-testid=invoice-pdf-en]").get_attribute("href")
    )
    assert "Taxamount" in pdf_text(english.body())
    assert page.outside_requests == []


def test_one_event_two_readers_two_languages(browser, live_server):  # noqa: F811
    english = user_with("finance", username="emma")
    chinese = user_with("finance", username="fang")
    UserLanguage.objects.create(user=english, language="en")
    UserLanguage.objects.create(user=chinese, language="zh-hans")
    contract = contract_in("signed", unit_price="20000.00")
    billing.invoice_draft_from_milestone(milestone=contract.milestones.get())

    page = _page(browser, live_server)
    _login(page, live_server, "emma")
    page.goto(f"{live_server.url}/notifications/")
    notes = page.inner_text("main")
    assert "Draft invoice for" in notes and "¥20,000.00" in notes
    assert "发票草稿" not in notes
    _logout(page)

    _login(page, live_server, "fang")  # the same browser: only the saved choice differs
    page.goto(f"{live_server.url}/notifications/")
    notes = page.inner_text("main")
    assert "的发票草稿待开具：¥20,000.00" in notes
    assert "Draft invoice for" not in notes
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    assert page.outside_requests == []
