"""The quote document: the printable page rendered to PDF (WeasyPrint) and emailed to the
contact on `send`. Chinese renders with a CJK font installed on the system (Debian:
fonts-noto-cjk), named first in the document's stylesheet."""

from __future__ import annotations

import logging

from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

log = logging.getLogger(__name__)


def quote_context(quote) -> dict:
    return {
        "quote": quote,
        "opportunity": quote.opportunity,
        "lines": list(quote.lines.select_related("product").order_by("position", "pk")),
        "pdf": True,
    }


def quote_pdf(quote) -> bytes:
    from weasyprint import HTML

    html = render_to_string("opportunities/quote_print.html", quote_context(quote))
    return HTML(string=html).write_pdf()


def quote_filename(quote) -> str:
    return f"{quote.number}.pdf"


def email_quote(quote) -> bool:
    """Email the quote PDF to the opportunity's contact; False when there is nobody to send to
    or the mail server fails (the quote stays sent: the salesperson can deliver it by hand)."""
    contact = quote.opportunity.contact
    if contact is None or not contact.email:
        return False
    try:
        message = EmailMessage(
            subject=_("Quotation %(number)s") % {"number": quote.number},
            body=_(
                "Dear %(name)s,\n\nplease find attached our quotation %(number)s, valid until "
                "%(date)s.\n"
            )
            % {"name": contact.name, "number": quote.number, "date": quote.valid_until},
            to=[contact.email],
        )
        message.attach(quote_filename(quote), quote_pdf(quote), "application/pdf")
        message.send()
    except Exception:  # an unreachable mail server must not undo the transition
        log.exception("emailing quote %s failed", quote.pk)
        return False
    return True
