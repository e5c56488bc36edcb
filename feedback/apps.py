from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from ltc.wiring import Contributes, Receiver, Service


class FeedbackConfig(AppConfig):
    name = "feedback"
    verbose_name = _("Customer service")
    contributes = Contributes(
        summaries={
            "customers.Account": (
                "feedback.summary.TICKETS",
                "feedback.summary.SURVEYS",
            )
        },
        records={"feedback.Ticket": "feedback.selectors.ticket_list"},
        panels={
            "orders.Order": (
                ("feedback/includes/order_survey.html", "feedback.sharing.order_panel"),
            )
        },
        work_queue=(
            "feedback.workqueue.ticket_sections",
            "feedback.workqueue.flag_sections",
            "feedback.workqueue.feedback_sections",
        ),
        timers=("feedback.timers.TICKET_FIRST_RESPONSE",),
        flags=("feedback.flags.open_account_flags",),
        events={
            "sla-breach": _("A ticket missed its SLA (service lead)"),
            "account-flag": _("A customer of mine is flagged at risk"),
            "feedback-item": _("Market feedback is routed to my team"),
        },
        services=(
            Service("feedback.Ticket", "start", "feedback.services.ticket_start"),
            Service(
                "feedback.Ticket",
                "resolve",
                "feedback.services.ticket_resolve",
                calls=("feedback.services.survey_for_resolved_ticket",),
            ),
        ),
        receivers=(
            Receiver(
                "order_delivered",
                "feedback.receivers.on_order_delivered",
                calls="feedback.services.survey_for_delivered_order",
            ),
        ),
    )
