from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    """In-app notifications, email, team group bots and integrator webhooks."""

    name = "notifications"
    verbose_name = _("Notifications")

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from .middleware import on_login

        user_logged_in.connect(on_login, dispatch_uid="notifications.reader_language")
