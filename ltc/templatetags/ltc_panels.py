from django import template
from django.template.loader import get_template
from django.utils.safestring import mark_safe

from ltc.panels import panels_for

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
