from celery import shared_task


@shared_task
def kpi_rollup_nightly():
    """Recompute the trailing 35 days (back-dated payments and late transitions land)."""
    from .rollup import rollup_trailing

    return rollup_trailing()


@shared_task
def kpi_weekly_digest():
    """Monday 09:00: the digest to managers and team leads, once per ISO week."""
    from .digest import send_weekly_digest

    return send_weekly_digest()
