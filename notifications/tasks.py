from celery import shared_task

from . import services
from .outbound import DeliveryError


@shared_task(
    bind=True,
    autoretry_for=(DeliveryError,),
    retry_backoff=5,
    retry_backoff_max=600,
    retry_jitter=True,
    max_retries=6,
)
def deliver(self, delivery_id: int):
    """Send one bot message or webhook; retried with exponential backoff on failure."""
    final = self.request.retries >= self.max_retries
    return services.delivery_attempt(delivery_id=delivery_id, final=final)
