"""The contract document: a PDF (WeasyPrint) in the language asked for, with the company
header, the lines, the payment plan, the terms and both parties' signature areas."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils import translation


def contract_context(contract) -> dict:
    lines = list(contract.lines.all())
    return {
        "contract": contract,
        "account": contract.account,
        "lines": lines,
        "tax_total": sum((line.tax_amount for line in lines), 0),
        "milestones": list(contract.milestones.all()),
    }


def contract_pdf(contract, *, language: str | None = None) -> bytes:
    from weasyprint import HTML

    with translation.override(language or translation.get_language()):
        html = render_to_string("contracts/pdf.html", contract_context(contract))
    return HTML(string=html).write_pdf()
