"""Reads of notifications: a user's inbox, the webhook endpoints and their delivery log."""

from roles.policies import can

from .models import Delivery, Notification, NotificationPreference, WebhookEndpoint

LAST_ERROR_SHOWN = 200  # characters of a delivery's last error shown in the log (page and API)


def inbox(*, user):
    """The user's notifications, less the events they muted in the app."""
    muted = NotificationPreference.objects.filter(user=user, in_app=False).values("event")
    return Notification.objects.filter(recipient=user).exclude(event__in=muted)


def managed_endpoints(*, user):
    """The webhook endpoints the user may manage (and so see the deliveries of)."""
    if not can(user, "notifications.integrations"):
        return WebhookEndpoint.objects.none()
    return WebhookEndpoint.objects.order_by("name", "pk")


def webhook_deliveries(*, user, endpoint=None):
    """The webhook deliveries of the endpoints the user may manage, newest first; of one
    endpoint when given. Emails and bot messages are never part of it."""
    qs = Delivery.objects.filter(
        kind=Delivery.Kind.WEBHOOK, endpoint__in=managed_endpoints(user=user)
    )
    if endpoint is not None:
        qs = qs.filter(endpoint=endpoint)
    return qs.order_by("-created_at", "-pk")
