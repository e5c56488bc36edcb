"""Reads that span the pipeline: a record's history and activities, a user's inbox."""

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from .models import Activity, Notification, NotificationPreference, TransitionLog


def record_history(record):
    return TransitionLog.objects.filter(
        content_type=ContentType.objects.get_for_model(type(record)), object_id=record.pk
    ).select_related("by")


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


def inbox(*, user):
    """The user's notifications, less the events they muted in the app."""
    muted = NotificationPreference.objects.filter(user=user, in_app=False).values("event")
    return Notification.objects.filter(recipient=user).exclude(event__in=muted)
