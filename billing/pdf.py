"""PDFs (WeasyPrint): the invoice and the customer statement. Chinese text renders with a CJK
font installed on the system (Debian: fonts-noto-cjk); the stylesheet names it first."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils import timezone


def render_pdf(template: str, context: dict) -> bytes:
    from weasyprint import HTML

    html = render_to_string(template, context)
    return HTML(string=html).write_pdf()


def invoice_pdf(invoice) -> bytes:
    return render_pdf(
        "billing/pdf/invoice.html",
        {
            "invoice": invoice,
            "lines": list(invoice.lines.all()),
            "credit_notes": list(invoice.credit_notes.all()),
            "account": invoice.account,
        },
    )


def statement_pdf(account, *, today=None) -> bytes:
    from .reports import customer_statement

    today = today or timezone.localdate()
    return render_pdf("billing/pdf/statement.html", customer_statement(account, today=today))
