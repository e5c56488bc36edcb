from celery import shared_task

from . import services


@shared_task
def return_idle_to_pool():
    """Daily: leads and accounts idle for POOL_RETURN_DAYS go back to the pool (idempotent)."""
    return services.pool_return_stale()
