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
from tests.browser.test_smoke import (  # noqa: F401
    SHOTS,
    _login,
    _logout,
    _page,
    browser,
    role_groups,
)

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


def test_survey_link_qr_copy_and_resend_on_a_phone(browser, live_server):  # noqa: F811
    from django.core import mail

    from customers.tests.factories import AccountFactory
    from feedback.tests.factories import survey_for, ticket_in

    user_with("service", username="xiu")
    account = AccountFactory(name="上海明辉制造有限公司")
    ticket = ticket_in("resolved", account=account)
    survey = survey_for("csat", account=account, ticket=ticket, language="zh-hans")

    page = _page(browser, live_server, phone=True)
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    _login(page, live_server, "xiu")
    page.goto(f"{live_server.url}{ticket.get_absolute_url()}")
    share = page.locator(f"[data-testid=survey-share-{survey.pk}]")
    assert share.locator("svg title").count() == 1  # the QR code, drawn on the server
    link = share.locator("[data-testid=survey-link]").input_value()
    assert link.startswith(f"{live_server.url}/service/survey/")
    share.locator("[data-testid=survey-copy]").click()
    page.wait_for_selector("[data-testid=survey-copy][data-copied=true]")
    assert page.evaluate("navigator.clipboard.readText()") == link
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=str(SHOTS / "ltc-browser-survey-share-phone.png"), full_page=True)

    mail.outbox.clear()
    share.locator("[data-testid=survey-resend]").click()
    page.wait_for_load_state()
    assert "Survey link sent again" in page.inner_text(".messages")
    assert page.outside_requests == []

    # the customer opens the link and answers 1: the account is flagged
    page.goto(link)
    page.click("label[for=score-1]")
    page.locator("form button[type=submit]").click()
    page.wait_for_load_state()
    from feedback.models import AccountFlag

    assert AccountFlag.objects.filter(account=account, reason="low_csat").count() == 1


def test_quote_printable_page_in_chinese(browser, live_server):  # noqa: F811
    """The quote's printable page (the PDF's template) in Chinese from an English UI."""
    from opportunities.models import Quote
    from opportunities.tests.factories import OpportunityFactory, QuoteFactory, add_line

    CompanyProfile.objects.create(
        pk=1,
        legal_name="杭州云栈软件有限公司",
        tax_id="91110108551385082Q",
        phone="0571-8888 6666",
        bank_name="中国工商银行杭州分行",
        bank_account="1202 0210 0900 1234 567",
        quote_terms="签约后预付 30%，验收后 30 天内付清余款。",
    )
    sales = user_with("sales", username="wei")
    quote = QuoteFactory(opportunity=OpportunityFactory(owner=sales, name="华东工厂 MES 项目"))
    add_line(quote, quantity="10", unit_price="1234.50", tax_rate="13")
    Quote.objects.filter(pk=quote.pk).update(status="approved")

    page = _page(browser, live_server)
    _login(page, live_server, "wei")
    page.goto(f"{live_server.url}{quote.get_absolute_url()}?print=1&lang=zh-hans")
    text = page.inner_text("body")
    assert "报价单" in text and "税额" in text and "大写金额" in text
    assert "壹万叁仟玖佰肆拾玖元捌角伍分" in text and "¥13,949.85" in text
    assert "本报价有效期至" in text and "签约后预付 30%" in text
    page.screenshot(path=str(SHOTS / "ltc-browser-quote-print-zh.png"), full_page=True)
    assert page.outside_requests == []
