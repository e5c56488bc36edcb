from celery import shared_task

from . import services


@shared_task
def remind_renewals():
    """Owners of contracts near their end date are reminded, once per threshold."""
    return services.remind_renewals()
