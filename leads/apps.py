from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from ltc.wiring import Contributes, Service


class LeadsConfig(AppConfig):
    name = "leads"
    verbose_name = _("Leads")
    contributes = Contributes(
        records={"leads.Lead": "leads.selectors.lead_list"},
        panels={
            "customers.Account": (
                ("leads/includes/account_leads.html", "leads.selectors.account_leads_panel"),
            )
        },
        work_queue=("leads.workqueue.lead_sections",),
        timers=("leads.timers.LEAD_ASSIGNMENT", "leads.timers.LEAD_FIRST_TOUCH"),
        events={
            "lead-assigned": _("A lead is assigned to me"),
            "handoff-remind": _("A hand-off waiting on me is past its target"),
            "handoff-escalate": _("A hand-off in my team is escalated"),
        },
        follow_ups=("leads.services.notify_due_lead_follow_ups",),
        services=(
            Service(
                "leads.Lead", "convert", "leads.services.lead_convert", sends=("lead_converted",)
            ),
        ),
    )
