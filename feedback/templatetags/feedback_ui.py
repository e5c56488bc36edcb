from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def survey_share(context, survey):
    """`{% survey_share survey as share %}`: link, QR code and resend right for the viewer."""
    from ..sharing import survey_share as share

    request = context.get("request")
    return share(survey, user=getattr(request, "user", None), request=request)


@register.filter
def duration_hm(value):
    """A timedelta as "3h 05m"."""
    if value is None:
        return ""
    minutes = int(value.total_seconds() // 60)
    return f"{minutes // 60}h {minutes % 60:02d}m"
