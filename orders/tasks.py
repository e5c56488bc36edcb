from celery import shared_task

from . import services


@shared_task
def escalate_unstarted_orders():
    """Confirmed orders not in fulfilment after N hours → the operations manager, once."""
    return services.escalate_unstarted_orders()
