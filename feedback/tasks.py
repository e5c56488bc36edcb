from celery import shared_task

from . import services


@shared_task
def escalate_sla_breaches():
    """Tickets past a first-response or resolution target → the service lead, once each."""
    return services.escalate_sla_breaches()


@shared_task
def close_resolved_tickets():
    """Resolved tickets untouched for N days close (system)."""
    return services.close_resolved_tickets()
