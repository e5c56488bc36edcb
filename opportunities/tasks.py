from celery import shared_task

from . import services


@shared_task
def expire_quotes():
    """Sent quotes past their validity date → expired, once (idempotent)."""
    return services.expire_quotes()
