from django import template

from catalog.models import unit_label as label_of

register = template.Library()


@register.filter
def unit_label(unit) -> str:
    """A unit of sale in the reader's language (`{{ line.unit|unit_label }}`)."""
    return label_of(str(unit or ""))
