from django import template
from django.template.loader import get_template
from django.utils.safestring import mark_safe

from ltc.panels import panels_for

register = template.Library()


@register.simple_tag(takes_context=True)
def record_panels(context, record):
    """Render every panel later stages registered for this record's model."""
    flat = context.flatten()
    html = []
    for name in panels_for(record):
        html.append(get_template(name).render({**flat, "record": record}, context.get("request")))
    return mark_safe("".join(html))  # noqa: S308 - rendered by our own templates
