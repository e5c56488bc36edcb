from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from ltc.wiring import Contributes


class ActivitiesConfig(AppConfig):
    """Calls, meetings, emails, tasks and notes on any record; follow-up reminders."""

    name = "activities"
    verbose_name = _("Activities")
    contributes = Contributes(due_follow_ups=("activities.selectors.due_follow_ups",))
