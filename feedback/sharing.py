"""A survey's link as staff hand it to a customer: the public link, its QR code (an inline
SVG drawn on the server by segno) and whether the viewer may send it again by email."""

from __future__ import annotations

import segno
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from . import services


def qr_svg(text: str) -> str:
    """The QR code of `text` as inline SVG markup (error correction M, a quiet zone of 2)."""
    code = segno.make(text, error="m")
    return mark_safe(  # noqa: S308 - segno writes the markup; the title is escaped by segno
        code.svg_inline(scale=4, border=2, title=_("Survey QR code"), svgclass="survey-qr")
    )


def survey_share(survey, *, user, request=None) -> dict:
    link = services.survey_public_link(survey, user=user, request=request)
    return {
        "survey": survey,
        "link": link or "",
        "qr": qr_svg(link) if link else "",
        "can_resend": bool(link) and services.survey_can_send(user=user, survey=survey),
    }


def order_panel(*, record, user) -> dict:
    """The order page's survey panel (feedback contributes it to orders.Order)."""
    from .selectors import survey_list

    return {"order_surveys": list(survey_list(user=user).filter(order=record))}
