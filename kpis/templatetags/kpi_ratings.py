from django import template
from django.contrib.contenttypes.models import ContentType

from kpis.models import HandoffRating
from kpis.ratings import handoffs_for

register = template.Library()


@register.simple_tag(takes_context=True)
def handoff_ratings(context, record):
    """The hand-offs the current user may rate on this record, with their own score."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return []
    specs = handoffs_for(record, user)
    if not specs:
        return []
    mine = dict(
        HandoffRating.objects.filter(
            content_type=ContentType.objects.get_for_model(record),
            object_id=record.pk,
            rated_by=user,
        ).values_list("handoff", "score")
    )
    return [{"key": s.key, "label": s.label, "score": mine.get(s.key)} for s in specs]


@register.filter
def app_label_of(record):
    return record._meta.app_label


@register.filter
def model_name_of(record):
    return record._meta.model_name
