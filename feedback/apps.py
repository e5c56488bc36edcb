from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FeedbackConfig(AppConfig):
    name = "feedback"
    verbose_name = _("Customer service")

    def ready(self):
        from ltc import flags, records, timers, workqueue
        from ltc.handoffs import order_delivered, ticket_resolved
        from notifications import events

        from . import services  # noqa: F401 - registers the transition services
        from .flags import open_account_flags
        from .models import Ticket
        from .receivers import on_order_delivered, on_ticket_resolved
        from .selectors import ticket_list
        from .timers import TICKET_FIRST_RESPONSE
        from .workqueue import feedback_sections, flag_sections, ticket_sections

        events.register("sla-breach", _("A ticket missed its SLA (service lead)"))
        events.register("account-flag", _("A customer of mine is flagged at risk"))
        events.register("feedback-item", _("Market feedback is routed to my team"))
        records.register(Ticket, ticket_list)
        timers.register(TICKET_FIRST_RESPONSE)
        flags.register(open_account_flags)
        workqueue.register(ticket_sections)
        workqueue.register(flag_sections)
        workqueue.register(feedback_sections)
        order_delivered.connect(on_order_delivered, dispatch_uid="feedback.order_delivered")
        ticket_resolved.connect(on_ticket_resolved, dispatch_uid="feedback.ticket_resolved")
