from celery import shared_task

from . import outbox


@shared_task
def deliver(delivery_id: int):
    """Send one outbox row (email, bot message or webhook); failures are retried by the
    sweeper with backoff."""
    return outbox.send(delivery_id)


@shared_task
def outbox_sweep():
    """Every minute: send the outbox rows that are due (queued while the broker was down,
    or waiting for their next attempt)."""
    return outbox.sweep()
