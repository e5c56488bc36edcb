from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    """In-app notifications, email, team group bots and integrator webhooks."""

    name = "notifications"
    verbose_name = _("Notifications")
