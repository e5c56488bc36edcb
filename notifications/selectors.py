"""Reads of notifications: a user's inbox."""

from .models import Notification, NotificationPreference


def inbox(*, user):
    """The user's notifications, less the events they muted in the app."""
    muted = NotificationPreference.objects.filter(user=user, in_app=False).values("event")
    return Notification.objects.filter(recipient=user).exclude(event__in=muted)
