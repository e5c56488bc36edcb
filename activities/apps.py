from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ActivitiesConfig(AppConfig):
    """Calls, meetings, emails, tasks and notes on any record; follow-up reminders."""

    name = "activities"
    verbose_name = _("Activities")

    def ready(self):
        from ltc import workqueue

        from .selectors import due_follow_ups

        workqueue.register_follow_ups(due_follow_ups)
