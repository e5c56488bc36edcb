from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpportunitiesConfig(AppConfig):
    name = "opportunities"
    verbose_name = _("Opportunities")

    def ready(self):
        from activities.services import FOLLOW_UP_SOURCES
        from ltc import records, timers, workqueue
        from ltc.handoffs import lead_converted
        from notifications import events
        from notifications.outbox import register_attachment

        from . import services  # noqa: F401 - registers the transition services
        from .documents import quote_pdf_attachment
        from .models import Opportunity, Quote
        from .receivers import on_lead_converted
        from .selectors import opportunity_list, quote_list
        from .timers import OPPORTUNITY_QUOTE, QUOTE_SIGN_OFF
        from .workqueue import opportunity_sections

        register_attachment("opportunities.quote_pdf", quote_pdf_attachment)
        events.register("opportunity-team", _("I am put on an opportunity's team"))
        events.register("quote-sign-off", _("A quote's discount needs my sign-off"))
        records.register(Opportunity, opportunity_list)
        records.register(Quote, quote_list)
        workqueue.register(opportunity_sections)
        timers.register(OPPORTUNITY_QUOTE)
        timers.register(QUOTE_SIGN_OFF)
        lead_converted.connect(on_lead_converted, dispatch_uid="opportunities.lead_converted")
        if services.notify_due_opportunity_follow_ups not in FOLLOW_UP_SOURCES:
            FOLLOW_UP_SOURCES.append(services.notify_due_opportunity_follow_ups)
