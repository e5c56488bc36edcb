"""PDFs (WeasyPrint): the invoice and the customer statement, each in the language asked for
(zh-hans or English, whatever the reader's UI language). Chinese text renders with a CJK font
installed on the system (Debian: fonts-noto-cjk); the stylesheet names it first."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils import timezone, translation


def render_pdf(template: str, context: dict, *, language: str | None = None) -> bytes:
    from weasyprint import HTML

    with translation.override(language or translation.get_language()):
        html = render_to_string(template, context)
    return HTML(string=html).write_pdf()


def invoice_pdf(invoice, *, language: str | None = None) -> bytes:
    return render_pdf(
        "billing/pdf/invoice.html",
        {
            "invoice": invoice,
            "lines": list(invoice.lines.all()),
            "credit_notes": list(invoice.credit_notes.all()),
            "account": invoice.account,
        },
        language=language,
    )


def statement_pdf(account, *, today=None, language: str | None = None) -> bytes:
    from .reports import customer_statement

    today = today or timezone.localdate()
    return render_pdf(
        "billing/pdf/statement.html", customer_statement(account, today=today), language=language
    )
