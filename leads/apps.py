from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LeadsConfig(AppConfig):
    name = "leads"
    verbose_name = _("Leads")

    def ready(self):
        from ltc import events, records, timers, workqueue
        from ltc.services import FOLLOW_UP_SOURCES

        from .models import Lead
        from .selectors import lead_list
        from .services import notify_due_lead_follow_ups
        from .timers import LEAD_ASSIGNMENT, LEAD_FIRST_TOUCH
        from .workqueue import lead_sections

        events.register("lead-assigned", _("A lead is assigned to me"))
        events.register("handoff-remind", _("A hand-off waiting on me is past its target"))
        events.register("handoff-escalate", _("A hand-off in my team is escalated"))
        events.register(
            "account-duplicate", _("A conversion created an account that may be a duplicate")
        )
        records.register(Lead, lead_list)
        timers.register(LEAD_ASSIGNMENT)
        timers.register(LEAD_FIRST_TOUCH)
        workqueue.register(lead_sections)
        if notify_due_lead_follow_ups not in FOLLOW_UP_SOURCES:
            FOLLOW_UP_SOURCES.append(notify_due_lead_follow_ups)
