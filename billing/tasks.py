import logging

from celery import shared_task

from . import dunning, services

log = logging.getLogger(__name__)


@shared_task
def billing_daily():
    """Draft the dated milestones, mark overdue invoices, send the dunning reminders. Runs
    twice, sends once."""
    drafted = services.draft_dated_milestones()
    overdue = dunning.mark_overdue()
    sent = dunning.send_dunning()
    return {"drafted": drafted, "overdue": overdue, "dunning": sent}
