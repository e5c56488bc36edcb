from django import template
from django.template.loader import get_template
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from ltc.panels import panels_for
from ltc.summaries import summary

register = template.Library()


@register.simple_tag(takes_context=True)
def record_panels(context, record):
    """Render every panel later stages declared for this record's model, each with the data
    its stage provides for the viewing user."""
    flat = context.flatten()
    request = context.get("request")
    user = getattr(request, "user", None)
    html = []
    for panel in panels_for(record):
        data = {**flat, "record": record}
        if panel.context is not None:
            data.update(panel.context(record=record, user=user))
        html.append(get_template(panel.template_name).render(data, request))
    return mark_safe("".join(html))  # noqa: S308 - rendered by our own templates


@register.simple_tag(takes_context=True)
def record_summary(context, record):
    """Render each summary section (ltc/summaries.py) this viewer may see, one grid column
    each, with the data its stage provides."""
    flat = context.flatten()
    request = context.get("request")
    user = getattr(request, "user", None)
    html = []
    for section, data in summary(record, user):
        rendered = get_template(section.template).render(
            {**flat, "record": record, "data": data}, request
        )
        html.append(format_html('<div class="col-md-6">{}</div>', mark_safe(rendered)))  # noqa: S308
    return mark_safe("".join(html))  # noqa: S308 - rendered by our own templates
