from django import template

register = template.Library()


@register.filter
def duration_hm(value):
    """A timedelta as "3h 05m"."""
    if value is None:
        return ""
    minutes = int(value.total_seconds() // 60)
    return f"{minutes // 60}h {minutes % 60:02d}m"
