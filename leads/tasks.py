from celery import shared_task

from . import services


@shared_task
def remind_untouched_leads():
    return services.remind_untouched_leads()
