"""Reads of activities: a record's activities, a user's due follow-ups and open tasks."""

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from .models import Activity


def record_activities(record):
    return Activity.objects.filter(
        content_type=ContentType.objects.get_for_model(type(record)), object_id=record.pk
    ).select_related("owner")


def due_follow_ups(*, user, now=None):
    now = now or timezone.now()
    return (
        Activity.objects.filter(owner=user, done_at__isnull=True, next_follow_up_at__lte=now)
        .select_related("content_type")
        .prefetch_related("record")
        .order_by("next_follow_up_at")
    )


def open_activities(*, user):
    return (
        Activity.objects.filter(owner=user, done_at__isnull=True)
        .select_related("content_type", "owner")
        .prefetch_related("record")
        .order_by("due_at", "next_follow_up_at", "pk")
    )
