from celery import shared_task

from . import services


@shared_task
def notify_due_follow_ups():
    return services.notify_due_follow_ups()
