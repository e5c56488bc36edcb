"""The quote document: the printable page rendered to PDF (WeasyPrint) and emailed to the
contact on `send`. Chinese renders with a CJK font installed on the system (Debian:
fonts-noto-cjk), named first in the document's stylesheet."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from notifications import outbox


def quote_context(quote) -> dict:
    return {
        "quote": quote,
        "opportunity": quote.opportunity,
        "lines": list(quote.lines.select_related("product").order_by("position", "pk")),
        "pdf": True,
    }


def quote_pdf(quote, *, language: str | None = None) -> bytes:
    """The quote as a PDF in `language` (default: the active one)."""
    from weasyprint import HTML

    with translation.override(language or translation.get_language()):
        html = render_to_string("opportunities/quote_print.html", quote_context(quote))
    return HTML(string=html).write_pdf()


def quote_filename(quote) -> str:
    return f"{quote.number}.pdf"


def quote_pdf_attachment(pk: int) -> tuple[str, bytes, str]:
    """The outbox attachment of a quote email: the sent quote's PDF."""
    from .models import Quote

    quote = Quote.objects.select_related("opportunity__contact").get(pk=pk)
    contact = quote.opportunity.contact
    language = contact.language if contact is not None and contact.language else None
    return quote_filename(quote), quote_pdf(quote, language=language), "application/pdf"


def email_quote(quote) -> bool:
    """Write the email of the quote PDF to the opportunity's contact to the outbox (in the
    caller's transaction); False when there is nobody to send to."""
    contact = quote.opportunity.contact
    if contact is None or not contact.email:
        return False
    outbox.queue_email(
        to=[contact.email],
        subject=_("Quotation %(number)s") % {"number": quote.number},
        body=_(
            "Dear %(name)s,\n\nplease find attached our quotation %(number)s, valid until "
            "%(date)s.\n"
        )
        % {"name": contact.name, "number": quote.number, "date": quote.valid_until},
        attachments=[("opportunities.quote_pdf", quote.pk)],
    )
    return True
