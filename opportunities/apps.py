from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from ltc.wiring import Contributes, Receiver, Service


class OpportunitiesConfig(AppConfig):
    name = "opportunities"
    verbose_name = _("Opportunities")
    contributes = Contributes(
        summaries={
            "customers.Account": (
                "opportunities.summary.OPPORTUNITIES",
                "opportunities.summary.QUOTES",
            )
        },
        records={
            "opportunities.Opportunity": "opportunities.selectors.opportunity_list",
            "opportunities.Quote": "opportunities.selectors.quote_list",
        },
        work_queue=("opportunities.workqueue.opportunity_sections",),
        timers=("opportunities.timers.OPPORTUNITY_QUOTE", "opportunities.timers.QUOTE_SIGN_OFF"),
        events={
            "opportunity-team": _("I am put on an opportunity's team"),
            "quote-sign-off": _("A quote's discount needs my sign-off"),
        },
        follow_ups=("opportunities.services.notify_due_opportunity_follow_ups",),
        email_attachments={
            "opportunities.quote_pdf": "opportunities.documents.quote_pdf_attachment"
        },
        services=(
            Service(
                "opportunities.Opportunity",
                "win",
                "opportunities.services.opportunity_win",
                sends=("opportunity_won",),
            ),
            Service("opportunities.Quote", "submit", "opportunities.services.quote_submit"),
            Service("opportunities.Quote", "approve", "opportunities.services.quote_approve"),
            Service("opportunities.Quote", "sign_off", "opportunities.services.quote_sign_off"),
            Service("opportunities.Quote", "send", "opportunities.services.quote_send"),
            Service("opportunities.Quote", "accept", "opportunities.services.quote_accept"),
            Service("opportunities.Quote", "reject", "opportunities.services.quote_reject"),
        ),
        receivers=(
            Receiver(
                "lead_converted",
                "opportunities.receivers.on_lead_converted",
                calls="opportunities.services.opportunity_create_from_lead",
            ),
        ),
    )
