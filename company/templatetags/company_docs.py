"""`{% document_header %}`, `{% signature_area %}` and `|in_words` for printed documents."""

from django import template
from django.utils.translation import get_language

from ..capitals import amount_in_words
from ..documents import image_data_uri
from ..selectors import company_profile

register = template.Library()


def _company(context):
    # One read per rendering: the header and the seal area share it.
    if "_company_profile" not in context.render_context:
        context.render_context["_company_profile"] = company_profile()
    return context.render_context["_company_profile"]


@register.inclusion_tag("company/_document_header.html", takes_context=True)
def document_header(context, title="", number=""):
    company = _company(context)
    language = get_language() or ""
    return {
        "company": company,
        "name": company.display_name(language) if company else "",
        "address": company.display_address(language) if company else "",
        "logo": image_data_uri(company.logo) if company else "",
        "title": title,
        "number": number,
    }


@register.inclusion_tag("company/_signature_area.html", takes_context=True)
def signature_area(context, customer=None):
    company = _company(context)
    language = get_language() or ""
    return {
        "company": company,
        "name": company.display_name(language) if company else "",
        "seal": image_data_uri(company.seal) if company else "",
        "customer": customer,
    }


@register.simple_tag(takes_context=True)
def company_terms(context):
    company = _company(context)
    return company.quote_terms if company else ""


@register.filter
def in_words(amount) -> str:
    """The amount in Chinese capitals (大写); empty for no amount."""
    if amount in (None, ""):
        return ""
    try:
        return amount_in_words(amount)
    except ValueError:
        return ""
