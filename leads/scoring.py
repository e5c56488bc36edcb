"""A lead score from 0 to 100: how complete and how engaged the lead is.

Weights are deliberately simple and visible so sales can reason about them.
"""

from .models import LeadSource

SOURCE_POINTS = {
    LeadSource.REFERRAL: 20,
    LeadSource.PARTNER: 15,
    LeadSource.EVENT: 12,
    LeadSource.WEB: 10,
    LeadSource.CAMPAIGN: 8,
    LeadSource.API: 8,
    LeadSource.COLD_CALL: 4,
    LeadSource.IMPORT: 4,
    LeadSource.OTHER: 2,
}


def lead_score(lead, activity_count: int | None = None) -> int:
    points = SOURCE_POINTS.get(lead.source, 0)
    points += 10 if lead.email else 0
    points += 8 if lead.phone else 0
    points += 7 if lead.company else 0
    points += 5 if lead.title else 0
    points += 10 if lead.need.strip() else 0
    points += 10 if lead.budget else 0
    points += 5 if lead.expected_close_date else 0
    points += 5 if lead.decision_maker.strip() else 0
    if activity_count is None and lead.pk:
        from django.contrib.contenttypes.models import ContentType

        from activities.models import Activity

        activity_count = Activity.objects.filter(
            content_type=ContentType.objects.get_for_model(type(lead)), object_id=lead.pk
        ).count()
    points += min(activity_count or 0, 5) * 4
    return min(points, 100)
